"""A contract's revisions in order, each with what it changed."""

from dataclasses import dataclass
from decimal import Decimal

from contracts.models import Contract, Deliverable, DeliverableStatus, Revision
from contracts.selectors.revisions import revisions_in_order


@dataclass(frozen=True)
class TimelineEntry:
    revision: Revision
    previous: Revision | None  # the revision before it, to compare with
    # The latest earlier revision with a value: its value change is against this one (the revisions between record
    # none), and the page says so when it is not `previous`.
    valued_before: Revision | None
    value_change: Decimal | None
    value_change_percent: Decimal | None
    line_changes: list[Deliverable]  # the programme lines it removed, reduced or added


def revision_timeline(*, contract: Contract, drafts: bool = False) -> list[TimelineEntry]:
    """Revisions in order, each with its value change (derived from its value and that of the latest earlier
    revision with one) and the programme lines it removed or reduced."""
    revisions = list(revisions_in_order(contract=contract, drafts=drafts))
    changes: dict[int, list[Deliverable]] = {}
    for line in (
        Deliverable.objects.filter(revision__contract=contract)
        .exclude(status=DeliverableStatus.INCLUDED)
        .select_related("system")
        .order_by("system__name", "code")
    ):
        changes.setdefault(line.revision_id, []).append(line)
    entries = []
    for index, revision in enumerate(revisions):
        valued_before = next((r for r in reversed(revisions[:index]) if r.total_value is not None), None)
        previous = valued_before.total_value if valued_before else None
        change = None if previous is None or revision.total_value is None else revision.total_value - previous
        entries.append(
            TimelineEntry(
                revision=revision,
                previous=revisions[index - 1] if index else None,
                valued_before=valued_before,
                value_change=change,
                value_change_percent=change * 100 / previous if previous and change is not None else None,
                line_changes=changes.get(revision.pk, []),
            )
        )
    return entries
