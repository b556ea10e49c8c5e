"""Record a new change note: copy a revision with all its entitlements and programme lines, in one transaction."""

from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from simple_history.utils import bulk_create_with_history

from contracts.evidence import CITATION_FIELD, sourced_values
from contracts.models import Citation, Contract, Deliverable, DeliverableStatus, Entitlement, EvidenceGrade, Revision
from contracts.services.citing import ChangeSupport, change_cite
from contracts.services.compare import DELIVERED_LINE
from contracts.services.history import record_change
from nhsit.lib.dates import DatePrecision

M = TypeVar("M", Entitlement, Deliverable)


class RevisionCopyError(ValueError):
    pass


def revision_copy(
    *,
    revision: Revision,
    code: str,
    title: str,
    signed_on: date | None = None,
    signed_precision: str = DatePrecision.DAY,
    total_value: Decimal | None = None,
    support: ChangeSupport | None = None,
    user: AbstractBaseUser | None = None,
) -> Revision:
    """A new, unpublished revision after the last one of the contract, holding copies of `revision`'s
    entitlements and deliverables; the editor then changes only what the change note changed.

    Copied rows say where they came from in their history. Citations are not copied: a source for the old
    revision is not a source for the new one. Each copied row is cited instead as unsourced until confirmed, so
    that pages show it is carried forward, not sourced; `support` cites the new revision's own date and value.
    All or nothing: any failure leaves no trace.
    """
    contract = revision.contract
    reason = f"Copied from {revision.title} into {title}"
    with transaction.atomic():
        # Copies at once queue here, so each takes the next sequence number, and the second of two with one
        # code finds the first's.
        Contract.objects.select_for_update().filter(pk=contract.pk).exists()
        if contract.revisions.filter(code=code).exists():
            raise RevisionCopyError(f"{contract.title} already has a revision with the code “{code}”.")
        last = contract.revisions.aggregate(last=Max("sequence"))["last"] or 0
        copy = Revision(
            contract=contract,
            code=code,
            title=title,
            sequence=last + 1,
            signed_on=signed_on,
            signed_precision=signed_precision,
            total_value=total_value,
            summary=f"Copied from {revision.title}; changed where the change note says.",
        )
        try:
            copy.full_clean()
        except ValidationError as error:
            raise RevisionCopyError(" ".join(error.messages)) from None
        record_change(copy, reason=reason, user=user)
        copy.save()
        if support is not None and support.given:
            change_cite(record=copy, support=support, user=user)
        entitlements = [_copied(entitlement, copy) for entitlement in revision.entitlements.all()]
        bulk_create_with_history(entitlements, Entitlement, default_user=user, default_change_reason=reason)
        deliverables = [
            # A line still delivered carries on as included; one removed stays removed.
            _copied(line, copy, status=DeliverableStatus.INCLUDED if line.status in DELIVERED_LINE else line.status)
            for line in revision.deliverables.all()
        ]
        bulk_create_with_history(deliverables, Deliverable, default_user=user, default_change_reason=reason)
        unconfirmed = f"Carried forward from {revision.title} when {title} was made: not yet confirmed for {title}."
        citations = [
            Citation(
                grade=EvidenceGrade.UNSOURCED, reasoning=unconfirmed, supports=sourced_values(row), version=1,
                **{CITATION_FIELD[type(row)]: row},
            )
            for row in [*entitlements, *deliverables]
        ]  # fmt: skip
        bulk_create_with_history(citations, Citation, default_user=user, default_change_reason=reason)
    return copy


def _copied(record: M, revision: Revision, **changes: Any) -> M:
    """An unsaved copy of `record` in `revision`: every field as it was, save its id, its version and `changes`."""
    values = {
        field.attname: getattr(record, field.attname)
        for field in record._meta.concrete_fields
        if field.attname not in {"id", "revision_id", "version"}
    }
    return type(record)(**{**values, **changes}, revision=revision, version=1)
