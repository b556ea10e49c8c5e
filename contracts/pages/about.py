"""The About page: what the words mean, how the answers are worked out, how to cite a page, and the key sources."""

from dataclasses import dataclass

from contracts.models import Contract, Source
from contracts.pages.definitions import EVERY_GLOSSARY, Glossary
from contracts.selectors.sources import source_rows

# The sources a first-time reader should open first: those that support the most records.
KEY_SOURCES = 8


@dataclass(frozen=True)
class AboutPage:
    glossaries: list[Glossary]
    key_sources: list[Source]
    contracts: list[Contract]


def about_page(*, drafts: bool = False) -> AboutPage:
    rows = source_rows(drafts=drafts)
    key_sources = rows.filter(citation_count__gt=0).order_by("-citation_count", "title")  # type: ignore[misc]
    return AboutPage(
        glossaries=EVERY_GLOSSARY,
        key_sources=list(key_sources[:KEY_SOURCES]),
        contracts=list(Contract.objects.select_related("supplier").order_by("-is_featured", "signed_on", "pk")),
    )
