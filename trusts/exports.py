"""The trust list as CSV: the same organisations as the table, with a status column per system.

One query for the whole file: each system's status is a lookup on the covering index of (revision,
organisation, system), which includes the status. On PostgreSQL the rows leave through COPY.
"""

from collections.abc import Iterator, Sequence

from django.db.models import Case, Exists, F, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from contracts.models import Entitlement, EntitlementStatus, System
from contracts.selectors import RevisionPair
from nhsit.lib.copy_export import copy_available, copy_sql, copy_stream, text_cell
from nhsit.lib.csv_export import csv_body
from trusts.models import Organisation

CHUNK_SIZE = 2000


def trust_csv_header(systems: Sequence[System]) -> list[str]:
    return ["ods_code", "name", "kind", "sector", "successor_ods_code", *[system.slug for system in systems]]


def latest_status(pair: RevisionPair, system: System) -> Coalesce:
    """What the trust table shows for one system: its status in the latest revision; "unknown" where only the
    previous revision has a row (as the comparison has it); nothing where neither has."""
    # No ordering: the model's default would join and sort inside every lookup.
    latest = Entitlement.objects.filter(revision=pair.latest, organisation=OuterRef("pk"), system=system).order_by()
    fallbacks = []
    if pair.previous:
        previous = Entitlement.objects.filter(revision=pair.previous, organisation=OuterRef("pk"), system=system)
        previous = previous.order_by()
        fallbacks.append(Case(When(Exists(previous), then=Value(EntitlementStatus.UNKNOWN))))
    return Coalesce(Subquery(latest.values("status")), *fallbacks, Value(""))


def trust_csv_body(
    *, organisations: QuerySet[Organisation], pair: RevisionPair, systems: Sequence[System]
) -> Iterator[bytes]:
    """The CSV lines (without the header) in the queryset's order."""
    statuses = {
        f"status_{index}": latest_status(pair, system) if pair.latest else Value("")
        for index, system in enumerate(systems)
    }
    rows = organisations.annotate(**statuses)
    fields = ["ods_code", "name", "kind", "sector", "successor_ods_code", *statuses]
    if copy_available():
        return copy_stream(copy_sql(rows, [text_cell(F(name)) for name in fields]))
    return csv_body(rows.values_list(*fields).iterator(chunk_size=CHUNK_SIZE))
