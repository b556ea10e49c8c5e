"""The entitlement list sorted by one column, read a page at a time from the groups of rows the page falls in.

Sorted by a column, the list is a run of groups, each the rows of one of its values in one revision. Knowing how
many rows each group holds under the filters chosen, a numbered page is read from the groups it falls in, each in
the order of an index (its organisations by name), as the unsorted list reads a revision, rather than by sorting
every row (2 s at a million). For a column the tally counts (system, status, revision, contract, kind, sector), and
filters it counts, the tally says how many rows each group holds, whatever the rows number. For a column most rows
hold one value of (what the citations say, the evidence and sources, where most rows are often uncited; the free
text of a delivery model, slot or reason, blank in most), the rows with another are counted from themselves, and
the rest of each revision's rows hold that value. Under other filters, each revision's rows are counted too.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum, Value

from contracts.evidence import UNCITED
from contracts.models import Entitlement, Revision, System
from contracts.selectors.citations import COUNTS_AS_SOURCE, GIVES_EVIDENCE, cited, evidence_among
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


# Sorts by a column most rows hold one value of: that value, and the condition that finds the other rows, and
# finds them cheaply (by their citations, as the list's annotations count them, contracts.selectors.citations;
# or through a partial index of the rows holding some text, contracts.models.entitlement).
COMMON_VALUE_SORTS: dict[str, tuple[Any, Q]] = {
    "evidence": (UNCITED, Q(cited(GIVES_EVIDENCE))),
    "source_count": (0, Q(cited(COUNTS_AS_SOURCE))),
    "delivery_model": ("", ~Q(delivery_model="")),
    "deployment_slot": ("", ~Q(deployment_slot="")),
    "withdrawal_reason": ("", ~Q(withdrawal_reason="")),
}
# Every sort whose groups can be counted (counted_groups()).
COUNTED_SORTS = frozenset({*TALLIED_SORTS, *COMMON_VALUE_SORTS})


@dataclass(frozen=True)
class SortedGroup:
    """The rows with one value of the sort's field in one revision, and how many the filters leave."""

    value: Any
    revision_id: int
    rows: int


def sorted_groups(
    field: str,
    *,
    descending: bool,
    chosen: dict[str, list[str]],
    drafts: bool = False,
    less: QuerySet[Entitlement] | None = None,
) -> list[SortedGroup] | None:
    """The groups of the rows the filters chosen leave (as the entitlement list's counts take them), in the order of
    the list sorted by `field` (one of TALLIED_SORTS): by its value, then by revision in the list's first order
    (contract, then sequence). Groups with no row are left out. Read from the tally, whatever the rows number; less
    the rows `less` (some of those the filters leave, counted from themselves), where given. None where a value is
    missing, as counted_groups()."""
    counted, revisions = _tallied(field, chosen=chosen, drafts=drafts, less=less)
    if any(value is None for value, _ in counted):
        return None
    return _in_sort_order(counted, descending=descending, revisions=revisions)


def _tallied(
    field: str, *, chosen: dict[str, list[str]], drafts: bool, less: QuerySet[Entitlement] | None = None
) -> tuple[dict[tuple[Any, int], int], list[int]]:
    """The tally's count of each group, {(value, revision id): rows}, less the rows `less` counted from themselves
    where given, and the revisions' ids in the first order."""
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
        key = (names[value] if names is not None else value, revision)
        counted[key] = counted.get(key, 0) + rows
    if less is not None:
        for key, n in _counted(less.order_by(), field).items():
            counted[key] = counted.get(key, 0) - n
    return counted, [pk for pk, *_ in revisions]


def evidence_narrowed_groups(
    rows: QuerySet[Entitlement],
    field: str,
    *,
    descending: bool,
    chosen: dict[str, list[str]],
    grades: list[str],
    drafts: bool = False,
) -> list[SortedGroup] | None:
    """sorted_groups() for the rows whose evidence is one of `grades` (`rows` are those the filters `chosen` leave,
    of TALLIED_SORTS' columns): of the cited rows, counted from themselves (as many as the current citations); the
    uncited are the tally's rows less the cited. None where a value is missing, as counted_groups()."""
    cited_rows = rows.order_by().filter(cited())
    graded = [grade for grade in grades if grade != UNCITED]
    counted = _counted(cited_rows.filter(Q(evidence__in=graded)), field) if graded else {}
    if UNCITED in grades:
        every, revisions = _tallied(field, chosen=chosen, drafts=drafts, less=cited_rows)
        for key, n in every.items():
            counted[key] = counted.get(key, 0) + n
    else:
        revisions = _in_first_order(drafts)
    if any(value is None for value, _ in counted):
        return None
    return _in_sort_order(counted, descending=descending, revisions=revisions)


def counted_groups(
    rows: QuerySet[Entitlement],
    field: str,
    *,
    descending: bool,
    drafts: bool = False,
    revision_rows: dict[int, int] | None = None,
) -> list[SortedGroup] | None:
    """The groups of the (filtered) rows sorted by `field` (one of COUNTED_SORTS), as sorted_groups() gives them,
    counted from the rows: one pass over them, grouped but not sorted. For COMMON_VALUE_SORTS, the rows without the
    common value counted from themselves, the rest of each revision's (`revision_rows`, {id: rows}, the tally's,
    or else counted) holding it. None where a value is missing (NULL), which the databases place differently in a
    sort."""
    rows = rows.order_by()
    if field in COMMON_VALUE_SORTS:
        common, others = COMMON_VALUE_SORTS[field]
        counted = _counted(rows.filter(others), field)
        if revision_rows is None:
            revision_rows = dict(rows.values_list("revision_id").annotate(rows=Count("pk")))
        for revision, total in revision_rows.items():
            rest = total - sum(n for (_, other_revision), n in counted.items() if other_revision == revision)
            counted[(common, revision)] = counted.get((common, revision), 0) + rest
    else:
        counted = _counted(rows, field)
    if any(value is None for value, _ in counted):
        return None
    return _in_sort_order(counted, descending=descending, revisions=_in_first_order(drafts))


def rows_by_revision(
    *, chosen: dict[str, list[str]], drafts: bool = False, less: QuerySet[Entitlement] | None = None
) -> dict[int, int]:
    """How many rows of each revision (by id) the filters chosen (of TALLIED_SORTS' columns) leave: the tally's,
    less the rows `less` where given."""
    counted, _ = _tallied("revision__sequence", chosen=chosen, drafts=drafts, less=less)
    return {revision: rows for (_, revision), rows in counted.items()}


def _in_first_order(drafts: bool) -> list[int]:
    """The ids of the revisions shown, in the list's first order: by contract, then sequence."""
    return list(
        Revision.objects.visible(drafts=drafts).order_by("contract__slug", "sequence").values_list("pk", flat=True)
    )


def _in_group(field: str, value: Any) -> Q:
    """The rows with `value` of `field`. For a value of what citations say, said through whether a row is cited, so
    that the database does not take the uncited rows (most of them, often all) for a rare few."""
    if field == "evidence":
        return evidence_among([value])
    if field == "source_count":
        common, others = COMMON_VALUE_SORTS[field]
        return Q(others, source_count=value) if value != common else ~others
    return Q(**{field: value})


def _counted(rows: QuerySet[Entitlement], field: str) -> dict[tuple[Any, int], int]:
    return {
        (value, revision): n for value, revision, n in rows.values_list(field, "revision_id").annotate(n=Count("pk"))
    }


def _in_sort_order(counted: dict[tuple[Any, int], int], *, descending: bool, revisions: list[int]) -> list[SortedGroup]:
    """The groups counted as {(value, revision id): rows}, those with rows, by value (as the database sorts a
    column holding them), then by revision in the list's first order (`revisions`, the ids in that order)."""
    kept = {key: rows for key, rows in counted.items() if rows}
    values = {value for value, _ in kept}
    ordered = sorted(values) if all(isinstance(value, int) for value in values) else in_text_order(values)
    if descending:
        ordered.reverse()
    place = {value: index for index, value in enumerate(ordered)}
    in_first_order = {pk: index for index, pk in enumerate(revisions)}
    return [
        SortedGroup(value, revision, rows)
        for (value, revision), rows in sorted(
            kept.items(), key=lambda item: (place[item[0][0]], in_first_order[item[0][1]])
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
        part = rows.filter(_in_group(field, group.value), revision_id=group.revision_id).order_by(*WITHIN_REVISION)
        parts.append(part.annotate(part=Value(len(parts))).values_list("pk", "part")[first:last])
    if not parts:
        return []
    read = read_all(parts)
    read.sort(key=lambda pair: pair[1])  # stable: each part's rows stay in the database's order
    ids = [pk for pk, _ in read]
    whole = {row.pk: row for row in rows.filter(pk__in=ids).order_by()}
    return [whole[pk] for pk in ids if pk in whole]
