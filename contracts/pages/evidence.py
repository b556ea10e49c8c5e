"""The citations behind the records a page shows, as its list of sources.

The citations that support a record's values as they now are get numbers, in the order their records appear on
the page, and each record on the page carries their marks (a number and the grade in a word). Citations kept from
a value since changed are listed apart, as support for that earlier value, never as support for the one shown.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import models

from contracts.evidence import FACTS
from contracts.models import Citation
from contracts.selectors.citations import citations_of


def record_key(record: models.Model) -> str:
    """What names a record among the page's cited records, for its citation marks."""
    return f"{record._meta.label_lower}:{record.pk}"


@dataclass(frozen=True)
class NumberedCitation:
    number: int
    citation: Citation

    @property
    def grade(self) -> str:
        return self.citation.grade


@dataclass
class PageEvidence:
    # What supports the values shown, numbered in page order.
    citations: list[NumberedCitation] = field(default_factory=list)
    # Citations of values since changed: kept, shown apart.
    earlier: list[Citation] = field(default_factory=list)
    # Each record's numbered citations, by record_key.
    marks: dict[str, list[NumberedCitation]] = field(default_factory=dict)

    def of(self, record: models.Model) -> list[NumberedCitation]:
        return self.marks.get(record_key(record), [])

    def needs_source(self, record: models.Model) -> bool:
        """Whether the record is a fact with nothing supporting its values as they now are."""
        return isinstance(record, FACTS) and not self.of(record)


def page_evidence(
    records: Sequence[models.Model], *, citations: Iterable[Citation] | None = None, drafts: bool = False
) -> PageEvidence:
    """The evidence for `records`, in their order on the page. `citations` are theirs when the caller has them
    (read with selectors.citations.citation_rows); otherwise they are read in one query."""
    if citations is None:
        citations = citations_of(records, drafts=drafts)
    by_record: dict[str, list[Citation]] = {}
    evidence = PageEvidence()
    for citation in citations:
        target = citation.target
        if target is None:
            continue
        if not citation.current:
            evidence.earlier.append(citation)
            continue
        by_record.setdefault(record_key(target), []).append(citation)
    for record in records:
        key = record_key(record)
        for citation in by_record.pop(key, []):
            numbered = NumberedCitation(len(evidence.citations) + 1, citation)
            evidence.citations.append(numbered)
            evidence.marks.setdefault(key, []).append(numbered)
    return evidence
