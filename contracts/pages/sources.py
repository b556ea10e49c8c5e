"""A source's page: each passage it is cited for, once, with every record that passage supports."""

from dataclasses import dataclass, field

from contracts.models import Citation, Source
from contracts.selectors.citations import source_citations
from contracts.selectors.sources import source_rows

# The documents the sources list opens with: those that support the most records.
KEY_DOCUMENTS = 5


@dataclass
class CitedPassage:
    """One passage of a source (its quote, or the note of what it supports), graded one way, and the citations that
    give it for a record each."""

    first: Citation
    citations: list[Citation] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.citations)


def cited_passages(*, source: Source, drafts: bool = False) -> list[CitedPassage]:
    """The source's citations grouped by what they say (quote, note, grade and reasoning), in the order each passage
    is first cited: a quote given for thirty records is shown once, with the thirty."""
    passages: dict[tuple[str, str, str, str], CitedPassage] = {}
    for citation in source_citations(source=source, drafts=drafts):
        key = (_words(citation.quote), _words(citation.note), citation.grade, _words(citation.reasoning))
        passages.setdefault(key, CitedPassage(first=citation)).citations.append(citation)
    return list(passages.values())


def key_documents(*, drafts: bool = False, count: int = KEY_DOCUMENTS) -> list[Source]:
    """The sources that support the most records, most first."""
    rows = source_rows(drafts=drafts).filter(citation_count__gt=0)  # type: ignore[misc]
    return list(rows.order_by("-citation_count", "title")[:count])  # type: ignore[misc]


def _words(text: str) -> str:
    return " ".join(text.split())
