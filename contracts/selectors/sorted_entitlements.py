"""The entitlement list sorted by a column the tally counts (system, status, revision, contract, kind, sector).

Sorted by such a column, the list is a run of groups, each the rows of one of its values in one revision, and the
tally says how many rows each group holds under the filters chosen. So a numbered page is read from the groups it
falls in, each in the order of an index (its organisations by name), as the unsorted list reads a revision: its
cost is the page's place in the list, not the number of rows (sorting them all took 2 s at a million).
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet, Sum, Value

from contracts.models import Entitlement, Revision, System
from contracts.selectors.entitlements import WITHIN_REVISION, read_all, revisions_tally, tally_condition
from nhsit.lib.groups import parts_of_span
from nhsit.lib.text_order import in_text_order

# Each sort the groups serve: the field the list is sorted by, and the tally's column that holds it (a revision's
# contract and sequence through its id, a system's name through its id).
TALLIED_SORTS = {
    "revision__contract__slug": "first_revision_id",
    "revision__sequence": "first_revision_id",
    "system__name": "system_id",
    "status": "first_status",
    "organisation__kind": "kind",
    "organisation__sector": "sector",
}


@dataclass(frozen=True)
class SortedGroup:
    """The rows with one value of the sort's field in one revision, and how many the filters leave."""

    value: Any
    revision_id: int
    rows: int


def sorted_groups(
    field: str, *, descending: bool, chosen: dict[str, list[str]], drafts: bool = False
) -> list[SortedGroup]:
    """The groups of the rows the filters chosen leave (as the entitlement list's counts take them), in the order of
    the list sorted by `field` (one of TALLIED_SORTS): by its value, then by revision in the list's first order
    (contract, then sequence). Groups with no row are left out. Read from the tally, whatever the rows number."""
    revisions = list(
        Revision.objects.visible(drafts=drafts)
        .order_by("contract__slug", "sequence")
        .values_list("pk", "contract__slug", "code", "sequence")
    )
    systems = list(System.objects.values_list("pk", "slug", "name"))
    condition = tally_condition(
        chosen, revisions=[row[:3] for row in revisions], systems={pk: slug for pk, slug, _ in systems}
    )
    cells = (
        revisions_tally(pk for pk, *_ in revisions)
        .filter(condition)
        .values_list(TALLIED_SORTS[field], "first_revision_id")
        .annotate(rows=Sum("count"))
    )
    # The sort's value for each value of the tally's column, where they differ.
    named: dict[str, dict[Any, Any]] = {
        "revision__contract__slug": {pk: slug for pk, slug, _, _ in revisions},
        "revision__sequence": {pk: sequence for pk, _, _, sequence in revisions},
        "system__name": {pk: name for pk, _, name in systems},
    }
    names = named.get(field)
    counted: dict[tuple[Any, int], int] = {}
    for value, revision, rows in cells:
        if rows:
            key = (names[value] if names is not None else value, revision)
            counted[key] = counted.get(key, 0) + rows
    values = {value for value, _ in counted}
    ordered = sorted(values) if field == "revision__sequence" else in_text_order(values)
    if descending:
        ordered.reverse()
    place = {value: index for index, value in enumerate(ordered)}
    in_first_order = {pk: index for index, (pk, *_) in enumerate(revisions)}
    return [
        SortedGroup(value, revision, rows)
        for (value, revision), rows in sorted(
            counted.items(), key=lambda item: (place[item[0][0]], in_first_order[item[0][1]])
        )
    ]


def sorted_slice(
    rows: QuerySet[Entitlement], groups: list[SortedGroup], field: str, *, start: int, stop: int
) -> list[Entitlement]:
    """Rows `start` to `stop` of the (filtered) rows sorted by `field` into `groups` (sorted_groups()): of each
    group the page falls in, the part it needs, in the list's order within a revision, all parts in one query;
    then those rows whole."""
    parts: list[QuerySet] = []
    for group, first, last in parts_of_span(((group, group.rows) for group in groups), start=start, stop=stop):
        part = rows.filter(**{field: group.value, "revision_id": group.revision_id}).order_by(*WITHIN_REVISION)
        parts.append(part.annotate(part=Value(len(parts))).values_list("pk", "part")[first:last])
    if not parts:
        return []
    read = read_all(parts)
    read.sort(key=lambda pair: pair[1])  # stable: each part's rows stay in the database's order
    ids = [pk for pk, _ in read]
    whole = {row.pk: row for row in rows.filter(pk__in=ids).order_by()}
    return [whole[pk] for pk in ids if pk in whole]
