"""The About page: what the words mean, how the answers are worked out, how to cite a page, and the key sources."""

from dataclasses import dataclass

from contracts.models import Contract, Source
from contracts.pages.definitions import EVERY_GLOSSARY, Glossary
from contracts.pages.sources import key_documents

# How many of the key documents a first-time reader is offered.
KEY_SOURCES = 8


@dataclass(frozen=True)
class AboutPage:
    glossaries: list[Glossary]
    key_sources: list[Source]
    contracts: list[Contract]


def about_page(*, drafts: bool = False) -> AboutPage:
    return AboutPage(
        glossaries=EVERY_GLOSSARY,
        key_sources=key_documents(drafts=drafts, count=KEY_SOURCES),
        contracts=list(Contract.objects.select_related("supplier").order_by("-is_featured", "signed_on", "pk")),
    )
