"""Editors saving at the same moment rows counted in the same cells of the tally: every save commits (each
write locks its cells in one order, so two saves never deadlock) and the tally still equals a recount."""

import random
import threading

import psycopg2
import pytest
from django.db import connection

from contracts.models import Entitlement
from contracts.services.tally import tally_cells, tally_recount

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="writes meet in the database only on PostgreSQL; SQLite serialises them"
)

WRITERS = 6


def _connect():
    settings = connection.settings_dict
    return psycopg2.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"], port=settings["PORT"] or 5432
    )


@pytest.mark.django_db
def test_writes_at_once_to_the_same_cells_all_commit_and_the_tally_stays_true():
    rows = list(
        Entitlement.objects.filter(revision__contract__slug="london-lsp", system__slug="cerner-millennium")
        .order_by("pk")
        .values_list("pk", "status")
    )
    assert len(rows) >= WRITERS * 2
    was = dict(rows)
    ids = list(was)
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def write(number: int) -> None:
        # Each writer changes rows of its own, each in a transaction of its own as a save is, all of them
        # counted in the same cells as every other writer's.
        own = ids[number::WRITERS]
        random.Random(number).shuffle(own)
        database = _connect()
        try:
            start.wait()
            for round_number in range(3):
                for pk in own:
                    status = ("declined", "unknown", "entitled")[(pk + round_number) % 3]
                    with database, database.cursor() as cursor:
                        cursor.execute("UPDATE contracts_entitlement SET status = %s WHERE id = %s", [status, pk])
        except BaseException as error:  # a deadlock, a lock timeout: the test reports it
            failures.append(error)
        finally:
            database.close()

    writers = [threading.Thread(target=write, args=(number,)) for number in range(WRITERS)]
    try:
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join(timeout=120)
        assert not failures, failures
        assert tally_cells() == tally_recount()
    finally:
        database = _connect()
        with database, database.cursor() as cursor:
            for pk, status in was.items():
                cursor.execute("UPDATE contracts_entitlement SET status = %s WHERE id = %s", [status, pk])
        database.close()
    assert dict(Entitlement.objects.filter(pk__in=ids).values_list("pk", "status")) == was
    assert tally_cells() == tally_recount()
