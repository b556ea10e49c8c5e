"""The compare table sorted by outcome, system, kind, sector, either revision's status, live or delivery model,
read a group at a time.

Sorted by outcome, the table is a run of groups, one an outcome's rows; sorted by system, one a system's; and so
for the others. The comparison's outcome counts (which the page reads anyway), or the tally's counts by the
column (for the delivery model, the few rows that have one), say how many rows each group holds, so a numbered
page is read from the groups it falls in, each as the comparison narrowed to it and read in the table's first
order (organisations in the order of their name's index), not by working out and sorting every row of the
comparison.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from contracts.models import System
from contracts.services.compare import SIDES, RevisionComparison, revision_compare, status_is, with_statuses_recorded
from nhsit.lib.groups import parts_of_span
from nhsit.lib.text_order import in_text_order

# The sorts read by groups: the fields of the table's outcome, system, kind, sector, status and live columns.
GROUPED_SORTS = frozenset(
    {"outcome", "system_name", "kind", "sector", "base_status", "target_status", "live", "delivery_model"}
)
# For the sorts whose groups the comparison's row_counts() count: the filter that narrows it to one value.
NARROWING: dict[str, Callable[[Any], dict[str, Any]]] = {
    "kind": lambda kind: {"kinds": [kind]},
    "sector": lambda sector: {"sectors": [sector]},
    "base_status": lambda status: {"base_status": status},
    "target_status": lambda status: {"target_status": status},
    "live": lambda live: {"live": live},
}
# The table's first order, ending in the row's entitlement, as sorted pages break ties (nhsit.lib.tables).
FIRST_ORDER = ("organisation_name", "organisation_code", "system_name", "pk")


@dataclass(frozen=True)
class ComparisonGroup:
    """The rows of one value of the sort: the filter that narrows the comparison to them (its outcome, the systems
    of one name, its kind, sector, status or live), and how many there are."""

    narrowing: dict[str, Any]
    rows: int


def sorted_comparison_groups(
    comparison: RevisionComparison, counts: dict[str, Counter], field: str, *, descending: bool
) -> list[ComparisonGroup]:
    """The groups of the comparison's rows sorted by `field` (one of GROUPED_SORTS), in the table's order: `counts`
    are its outcome_counts(), by system slug (what sorts by outcome and by system read). Groups with no row are
    left out."""
    held: dict[str, int] = {}
    narrowing: dict[str, dict[str, Any]]
    if field == "outcome":
        for by_system in counts.values():
            for outcome, number in by_system.items():
                if number:
                    held[outcome] = held.get(outcome, 0) + number
        ordered = in_text_order(held)
        narrowing = {outcome: {"outcomes": [outcome]} for outcome in ordered}
    elif field in NARROWING:
        held = {value: number for value, number in comparison.row_counts(field).items() if number}
        # A boolean (live) as the database sorts one, false first; text by its collation.
        ordered = sorted(held) if field == "live" else in_text_order(held)
        narrowing = {value: NARROWING[field](value) for value in ordered}
    elif field == "delivery_model":
        every = sum(number for by_outcome in counts.values() for number in by_outcome.values())
        held = {value: number for value, number in comparison.delivery_model_counts(every).items() if number}
        ordered = in_text_order(held)
        narrowing = {value: {"delivery_model": value} for value in ordered}
    else:
        systems = {system.slug: system for system in System.objects.filter(slug__in=counts)}
        of_name: dict[str, list[System]] = {}
        for slug, by_outcome in counts.items():
            number = sum(by_outcome.values())
            if number and slug in systems:
                name = systems[slug].name
                held[name] = held.get(name, 0) + number
                of_name.setdefault(name, []).append(systems[slug])
        ordered = in_text_order(held)
        narrowing = {name: {"systems": of_name[name]} for name in ordered}
    if descending:
        ordered.reverse()
    return [ComparisonGroup(narrowing[value], held[value]) for value in ordered]


def narrowed_rows(comparison: RevisionComparison, **filters: Any) -> QuerySet:
    """The rows of the comparison with the same revisions and filters but `filters` (systems, outcomes, kinds,
    sectors or live) in their place, or narrowed to one side's status (base_status or target_status) or to one
    delivery model."""
    statuses = {side: filters.pop(side) for side in SIDES if side in filters}
    delivery_model = filters.pop("delivery_model", None)
    kept = {
        "systems": comparison.systems,
        "kinds": comparison.kinds,
        "sectors": comparison.sectors,
        "outcomes": comparison.outcomes,
        "live": comparison.live,
        "organisations": comparison.organisation_ids,
    }
    rows = revision_compare(base=comparison.base, target=comparison.target, **(kept | filters)).rows
    for side, status in statuses.items():
        rows = with_statuses_recorded(rows).filter(status_is(side, status))
    if delivery_model is not None:
        # Through the target revision's row, not the column as the table reads it, whose share the database
        # cannot estimate (it would plan for a few rows and sort them all).
        named = Q(target_row__delivery_model=delivery_model)
        rows = rows.filter(named if delivery_model else named | Q(target_row__isnull=True))
    return rows


def sorted_comparison_slice(
    comparison: RevisionComparison, groups: list[ComparisonGroup], *, start: int, stop: int
) -> list[dict]:
    """Rows `start` to `stop` of the comparison sorted into `groups` (sorted_comparison_groups()): of each group the
    page falls in, the part it needs, read from the comparison narrowed to it in the table's first order."""
    rows: list[dict] = []
    for group, first, last in parts_of_span(((group, group.rows) for group in groups), start=start, stop=stop):
        rows += narrowed_rows(comparison, **group.narrowing).order_by(*FIRST_ORDER)[first:last]
    return rows
