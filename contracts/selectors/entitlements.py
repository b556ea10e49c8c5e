"""The entitlements table."""

from collections import Counter
from collections.abc import Iterable

from django.core.exceptions import BadRequest
from django.db import connections
from django.db.models import F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from contracts.models import Entitlement, Revision, StatusPairCount, System
from contracts.selectors.citations import citation_count, strongest_grade
from contracts.selectors.revisions import in_visible_revisions
from contracts.selectors.tally import tally_sums
from nhsit.lib.keyset import Cursor, beyond, keyset_page


def entitlement_rows(*, drafts: bool = False) -> QuerySet[Entitlement]:
    """Every entitlement (of a published revision) with what its table row shows; filtered by EntitlementFilter."""
    return (
        Entitlement.objects.filter(in_visible_revisions("revision", drafts=drafts))
        .select_related("revision__contract", "organisation__kind", "system")
        # The sources column: counted in the same query, not one query per row, and as a subquery rather
        # than a join, so that counting the matches and sorting a page need not group the whole table.
        .annotate(source_count=citation_count("entitlement"), evidence=strongest_grade("entitlement"))
        .order_by("revision__contract__slug", "revision__sequence", "organisation__name", "system__name")
    )


# Within one revision, the table's order; the revisions themselves come in the order of their contract and sequence.
WITHIN_REVISION = ("organisation__name", "system__name", "pk")


def entitlement_key(row: Entitlement) -> tuple:
    """A row's place in the table's default order, as its cursor holds it."""
    return (row.revision_id, row.organisation.name, row.system.name, row.pk)


def entitlement_page(
    rows: QuerySet[Entitlement], *, cursor: Cursor | None, per_page: int, drafts: bool = False
) -> tuple[list[Entitlement], str | None, str | None]:
    """The page of the (filtered) rows, in the table's default order, that starts just beyond the cursor: its rows and
    the next and previous pages' cursors.

    Each revision's part is read on its own, in the order of an index (organisations by name, then each one's rows by
    revision and organisation), at most a page of it, and the parts joined in one query: a page deep in a million
    rows is read as cheaply as the first. Then only the page's rows are read whole, with their source counts.
    """
    order = list(
        Revision.objects.visible(drafts=drafts).order_by("contract__slug", "sequence").values_list("pk", flat=True)
    )
    backwards = bool(cursor and cursor.backwards)
    if cursor is not None:
        if cursor.key[0] not in order:
            raise BadRequest("This place in the list is in a revision no longer shown: start from the first page.")
        start = order.index(cursor.key[0])
        order = order[: start + 1][::-1] if backwards else order[start:]
    direction = [f"-{field}" if backwards else field for field in WITHIN_REVISION]
    fields = ("pk", "revision_id")
    parts = []
    for revision in order:
        part = rows.filter(revision_id=revision)
        if cursor is not None and revision == cursor.key[0]:
            part = part.filter(beyond(WITHIN_REVISION, cursor.key[1:], backwards=backwards))
        parts.append(part.order_by(*direction).values_list(*fields)[: per_page + 1])
    if not parts:
        return [], None, None
    read = read_all(parts)
    position = {revision: index for index, revision in enumerate(order)}
    read.sort(key=lambda pair: position[pair[1]])  # stable: each revision's rows stay in the database's order
    ids = [pk for pk, _ in read[: per_page + 1]]
    whole = {row.pk: row for row in rows.filter(pk__in=ids).order_by()}
    return keyset_page([whole[pk] for pk in ids], key_of=entitlement_key, cursor=cursor, per_page=per_page)


def read_all(parts: list[QuerySet]) -> list[tuple]:
    """The rows of each (sorted, sliced) query, in one query: `SELECT * FROM (…) UNION ALL SELECT * FROM (…)`, the
    form both PostgreSQL and SQLite take (Django's union() refuses a slice in each part on SQLite)."""
    compiled = [part.query.sql_with_params() for part in parts]
    sql = " UNION ALL ".join(f"SELECT * FROM ({part_sql}) AS part_{n}" for n, (part_sql, _) in enumerate(compiled))
    with connections[parts[0].db].cursor() as cursor:
        cursor.execute(sql, [value for _, params in compiled for value in params])
        return [tuple(row) for row in cursor.fetchall()]


def entitlement_tally(*, drafts: bool = False) -> list[tuple[str, str, str, str, str, str, int]]:
    """How many entitlements each (contract, revision, system, status, organisation kind, sector) has, as the
    tally's diagonal holds them (each revision's own rows): a few hundred cells whatever the rows number."""
    revisions = {
        pk: (contract, code)
        for pk, contract, code in Revision.objects.visible(drafts=drafts).values_list("pk", "contract__slug", "code")
    }
    systems = dict(System.objects.values_list("pk", "slug"))
    cells = (
        StatusPairCount.objects.filter(first_revision_id=F("second_revision_id"), first_revision_id__in=revisions)
        .values_list("first_revision_id", "system_id", "first_status", "kind", "sector")
        .annotate(rows=Sum("count"))
        .order_by()
    )
    return [
        (*revisions[revision], systems[system], status, kind, sector, rows)
        for revision, system, status, kind, sector, rows in cells
        if rows
    ]


# The tally's column each of the entitlement list's counted filters reads (a revision's contract and code through
# its id).
TALLY_COLUMNS = {
    "contract": "first_revision_id",
    "revision": "first_revision_id",
    "system": "system_id",
    "status": "first_status",
    "kind": "kind",
    "sector": "sector",
}


def entitlement_tally_counts(
    *, chosen: dict[str, list[str]], drafts: bool = False, cells: QuerySet | None = None
) -> tuple[int, dict[str, Counter]]:
    """How many entitlements the filters chosen (of TALLY_COLUMNS) leave, and for each of those filters how many
    each of its values would leave, the others as chosen: summed in the database from the tally's diagonal, in
    one query, whatever the rows number. Or summed from `cells` shaped as the diagonal's (rows_as_tally_cells())."""
    revisions = list(Revision.objects.visible(drafts=drafts).values_list("pk", "contract__slug", "code"))
    contract_of = {str(pk): contract for pk, contract, _code in revisions}
    code_of = {str(pk): code for pk, _contract, code in revisions}
    systems = dict(System.objects.values_list("pk", "slug"))
    slug_of = {str(pk): slug for pk, slug in systems.items()}
    if cells is None:
        cells = revisions_tally(pk for pk, _, _ in revisions)

    def narrowed(leaving_out: str | None) -> Q:
        kept = {name: values for name, values in chosen.items() if name != leaving_out}
        return tally_condition(kept, revisions=revisions, systems=systems)

    parts = {"": (None, narrowed(None))} | {name: (F(column), narrowed(name)) for name, column in TALLY_COLUMNS.items()}
    sums = tally_sums(cells, parts)
    total = sums.pop("")[""]
    named = {"contract": contract_of, "revision": code_of, "system": slug_of}
    counts: dict[str, Counter] = {name: Counter() for name in TALLY_COLUMNS}
    for name, by_value in sums.items():
        for value, number in by_value.items():
            counts[name][named[name].get(value, "") if name in named else value] += number
    return total, counts


def rows_as_tally_cells(rows: QuerySet[Entitlement]) -> QuerySet[Entitlement]:
    """The rows, each shaped as a cell of the tally's diagonal that counts one (first_revision_id, system_id,
    first_status, kind, sector, count): what entitlement_tally_counts() sums, for rows the tally does not tell
    apart (those of some organisations)."""
    return rows.order_by().annotate(
        first_revision_id=F("revision_id"),
        first_status=F("status"),
        kind=Coalesce(F("organisation__kind"), Value("")),
        sector=F("organisation__sector"),
        count=Value(1),
    )


def revisions_tally(revisions: Iterable[int]) -> QuerySet[StatusPairCount]:
    """The tally's diagonal for the revisions (by id): each one's own rows, counted by system, status, kind, sector."""
    return StatusPairCount.objects.filter(
        first_revision_id=F("second_revision_id"), first_revision_id__in=list(revisions)
    ).order_by()


def tally_condition(
    chosen: dict[str, list[str]], *, revisions: list[tuple[int, str, str]], systems: dict[int, str]
) -> Q:
    """The tally's cells counting the rows the filters chosen (of TALLY_COLUMNS) leave: `revisions` as (id, contract
    slug, code) and `systems` as {id: slug}, the ones visible."""
    wanted = {name: set(values) for name, values in chosen.items() if values}
    condition = {
        "contract": lambda values: Q(first_revision_id__in=[pk for pk, slug, _ in revisions if slug in values]),
        "revision": lambda values: Q(first_revision_id__in=[pk for pk, _, code in revisions if code in values]),
        "system": lambda values: Q(system_id__in=[pk for pk, slug in systems.items() if slug in values]),
        "status": lambda values: Q(first_status__in=values),
        "kind": lambda values: Q(kind__in=values),
        "sector": lambda values: Q(sector__in=values),
    }
    return Q(*(condition[name](values) for name, values in wanted.items()))


def entitlements_recorded() -> int:
    """How many entitlements there are, in every revision, drafts too: summed from the tally's diagonal (each
    revision's own rows), however many rows there are."""
    cells = StatusPairCount.objects.filter(first_revision_id=F("second_revision_id")).exclude(first_status="")
    return cells.aggregate(rows=Sum("count"))["rows"] or 0
