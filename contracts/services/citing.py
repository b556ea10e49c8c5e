"""Citing a change as it is made: the source for a record's new value, or the reason it has none.

Every path that changes a sourced value (a change form, an inline row, a bulk action, an import, a revision copy)
records its support here, so the new value never stands on the citations of the old one (those stay, as support
for the earlier value: contracts.evidence).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction

from contracts.evidence import CITATION_FIELD
from contracts.models import Citation, EvidenceGrade, Source
from contracts.publishing import may_change
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


class CitingRefused(Exception):
    """A citation of selected records that may not be made, or not by this user; nothing was written."""


def records_cite(*, records: Sequence[models.Model], support: ChangeSupport, user: AbstractBaseUser) -> int:
    """One citation of each record as it now stands, from the one source, all in one transaction; how many.

    Refused whole, naming the records, unless `user` may add citations and change every record (a published
    revision's only as someone who may correct published data: contracts.publishing)."""
    if support.source is None:
        raise CitingRefused("Choose the source that the selected records are cited from.")
    if support.problem():
        raise CitingRefused(support.problem())
    if not user.has_perm("contracts.add_citation"):  # type: ignore[attr-defined]
        raise CitingRefused("You may not add citations.")
    kinds = {type(record) for record in records}
    for model in kinds:
        opts = model._meta
        if not user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):  # type: ignore[attr-defined]
            raise CitingRefused(f"You may not change {opts.verbose_name_plural}, so you may not cite them.")
    locked = [record for record in records if not may_change(user, record)]
    if locked:
        named = "; ".join(str(record) for record in locked[:10]) + ("; …" if len(locked) > 10 else "")
        raise CitingRefused(
            f"Nothing was cited: {len(locked)} of the selected records belong to a published revision, which only "
            f"someone who may correct published data can change ({named})."
        )
    with transaction.atomic():
        for record in records:
            change_cite(record=record, support=support, user=user)
    return len(records)
