"""The status-pair tally as a whole: rebuilt from scratch, or recounted straight from the rows to check it."""

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import combinations_with_replacement

from django.db import connection, transaction

from contracts.models import Deployment, DeploymentStatus, Entitlement, Revision, StatusPairCount
from contracts.services import tally_sql
from organisations.models import Organisation

# (first_revision_id, second_revision_id, system_id, kind, sector, live, first_status, second_status)
Cell = tuple[int, int, int, str, str, bool, str, str]


def tally_rebuild() -> int:
    """Every cell recomputed from the rows, in one transaction; returns how many cells there are."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # After a bulk load the planner would otherwise plan for the tables as they were, and a rebuild
            # planned for a few hundred rows takes hours over a few hundred thousand.
            cursor.execute(f"ANALYZE {', '.join(tally_sql.COUNTED_TABLES)}")
        for statement in tally_sql.rebuild():
            cursor.execute(statement)
    return StatusPairCount.objects.count()


@contextmanager
def tally_suspended() -> Iterator[None]:
    """For a bulk load: the triggers dropped while it runs, then made again and the tally recounted, all in one
    transaction. Dropping a trigger locks its table until the transaction ends (on PostgreSQL), so no other
    write goes uncounted meanwhile; and if the load fails, the triggers come back with the rollback."""
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in tally_sql.drop_statements(connection.vendor):
            cursor.execute(statement)
        yield
        for statement in tally_sql.create_statements(connection.vendor):
            cursor.execute(statement)
        tally_rebuild()


def tally_cells() -> Counter[Cell]:
    """The tally as the database holds it."""
    return Counter(
        {
            (
                cell.first_revision_id,
                cell.second_revision_id,
                cell.system_id,
                cell.kind,
                cell.sector,
                bool(cell.live),
                cell.first_status,
                cell.second_status,
            ): cell.count
            for cell in StatusPairCount.objects.all()
        }
    )


def tally_recount() -> Counter[Cell]:
    """What the tally should hold, counted in Python from the rows themselves, without reading it."""
    contract_of = dict(Revision.objects.values_list("pk", "contract_id"))
    revisions_of: dict[int, list[int]] = {}
    for revision, contract in sorted(contract_of.items()):
        revisions_of.setdefault(contract, []).append(revision)
    organisations = {
        pk: (str(kind or ""), sector or "")
        for pk, kind, sector in Organisation.objects.values_list("pk", "kind", "sector")
    }
    live = set(Deployment.objects.filter(status=DeploymentStatus.LIVE).values_list("organisation_id", "system_id"))
    status: dict[tuple[int, int, int], dict[int, str]] = {}
    for revision, organisation, system, entitlement_status in Entitlement.objects.values_list(
        "revision_id", "organisation_id", "system_id", "status"
    ):
        status.setdefault((organisation, system, contract_of[revision]), {})[revision] = entitlement_status
    cells: Counter[Cell] = Counter()
    for (organisation, system, contract), by_revision in status.items():
        kind, sector = organisations[organisation]
        for first, second in combinations_with_replacement(revisions_of[contract], 2):
            if first in by_revision or second in by_revision:
                cell = (
                    first, second, system, kind, sector, (organisation, system) in live,
                    by_revision.get(first, ""), by_revision.get(second, ""),
                )  # fmt: skip
                cells[cell] += 1
    return cells
