"""Reads of the status-pair tally: the outcome counts of two revisions without reading their rows."""

from collections.abc import Iterable, Sequence

from django.db.models import F, QuerySet, Sum

from contracts.models import EntitlementStatus, Revision, StatusPairCount, System
from contracts.outcomes import Outcome


def status_pair_cells(
    *,
    base: Revision,
    target: Revision,
    systems: Iterable[System] | None = None,
    kinds: Iterable[str] | None = None,
    sectors: Iterable[str] | None = None,
    live: bool | None = None,
) -> QuerySet[StatusPairCount]:
    """The tally's cells for two revisions (either way round), with `base_status` and `target_status` each
    revision's status ('' where it has no row); None means every system, kind, sector, live or not."""
    first, second = sorted([base.pk, target.pk])
    cells = StatusPairCount.objects.filter(first_revision_id=first, second_revision_id=second)
    if systems is not None:
        cells = cells.filter(system_id__in=[system.pk for system in systems])
    if kinds is not None:
        cells = cells.filter(kind__in=list(kinds))
    if sectors is not None:
        cells = cells.filter(sector__in=list(sectors))
    if live is not None:
        cells = cells.filter(live=live)
    base_side, target_side = (
        ("first_status", "second_status") if base.pk <= target.pk else ("second_status", "first_status")
    )
    return cells.annotate(base_status=F(base_side), target_status=F(target_side))


def status_pair_counts(cells: QuerySet[StatusPairCount], *fields: str) -> QuerySet:
    """(each of `fields`..., base_status, target_status, number) for the cells, summed over the other columns."""
    return (
        cells.values(*fields, "base_status", "target_status")
        .annotate(number=Sum("count"))
        .values_list(*fields, "base_status", "target_status", "number")
        .order_by()
    )


def status_pair_outcome(base_status: str, target_status: str) -> str:
    """The outcome of a pair of statuses, as services.compare.entitlement_outcome() gives it in SQL: a revision
    with no row ('') reads as unknown."""
    base = base_status or EntitlementStatus.UNKNOWN
    target = target_status or EntitlementStatus.UNKNOWN
    if EntitlementStatus.UNKNOWN in (base, target):
        return Outcome.UNKNOWN
    if base == EntitlementStatus.ENTITLED and target == EntitlementStatus.ENTITLED:
        return Outcome.KEPT
    if base == EntitlementStatus.ENTITLED:
        return Outcome.LOST
    if target == EntitlementStatus.ENTITLED:
        return Outcome.GAINED
    return Outcome.NEVER


def outcome_rows(rows: Iterable[Sequence], outcomes: Iterable[str] | None = None) -> list[tuple]:
    """Rows of (fields..., base_status, target_status, number) as (fields..., outcome, number), only those with one
    of `outcomes` (all when None)."""
    wanted = None if outcomes is None else set(outcomes)
    found = []
    for *fields, base_status, target_status, number in rows:
        outcome = status_pair_outcome(base_status, target_status)
        if wanted is None or outcome in wanted:
            found.append((*fields, outcome, number))
    return found
