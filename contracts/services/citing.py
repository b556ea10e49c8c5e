"""Citing a change as it is made: the source for a record's new value, or the reason it has none.

Every path that changes a sourced value (a change form, an inline row, a bulk action, an import, a revision copy)
records its support here, so the new value never stands on the citations of the old one (those stay, as support
for the earlier value: contracts.evidence).
"""

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models

from contracts.evidence import CITATION_FIELD
from contracts.models import Citation, EvidenceGrade, Source
from contracts.services.history import record_change


@dataclass(frozen=True)
class ChangeSupport:
    """What supports a change: a source (with its words, and how it supports it), or no source and why."""

    source: Source | None = None
    quote: str = ""
    grade: str = EvidenceGrade.STATED
    reasoning: str = ""
    unsourced_reason: str = ""

    @property
    def given(self) -> bool:
        return self.source is not None or bool(self.unsourced_reason.strip())

    def problem(self) -> str:
        """What is wrong with it as support, in words; empty when nothing is."""
        if self.source is not None and self.unsourced_reason.strip():
            return "Give the source of the new value, or say why there is none, not both."
        if self.source is not None and not self.quote.strip():
            return "Give the source's words for the new value (or a note of what it says)."
        if self.source is not None and self.grade != EvidenceGrade.STATED and not self.reasoning.strip():
            if self.grade == EvidenceGrade.INFERRED:
                return "Say how the new value follows from what the source says."
            return "Name the recorded facts the new value is computed from, and how."
        return ""


def change_cite(*, record: models.Model, support: ChangeSupport, user: AbstractBaseUser | None = None) -> Citation:
    """A citation of `record` as it now stands: its source and words, or, unsourced, the reason why.

    (Its `supports` is the record's values now, taken as it is saved: contracts.evidence.)
    """
    target = {CITATION_FIELD[type(record)]: record}
    if support.source is not None:
        citation = Citation(
            source=support.source, quote=support.quote.strip(), grade=support.grade,
            reasoning=support.reasoning.strip() if support.grade != EvidenceGrade.STATED else "", **target,
        )  # fmt: skip
    else:
        citation = Citation(grade=EvidenceGrade.UNSOURCED, reasoning=support.unsourced_reason.strip(), **target)
    citation.full_clean()
    record_change(citation, reason="Cited with the change it supports", user=user)
    citation.save()
    return citation
