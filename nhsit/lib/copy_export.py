"""CSV straight from PostgreSQL's COPY, streamed: the fastest way rows can leave the database.

The query is the same queryset the table shows; its cells are made safe for a spreadsheet in SQL, exactly
as nhsit.lib.csv_export.neutralise does in Python. COPY runs in a helper thread on the request's own
database connection (so it sees what the request sees) and hands chunks to the response through a small
bounded queue: memory stays flat, and a client that goes away stops the COPY.
"""

import contextlib
import queue
import threading
from collections.abc import Iterator

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Case, CharField, F, QuerySet, Value, When
from django.db.models.functions import Cast, Concat, Left, NullIf
from django.db.models.lookups import Exact, In

from nhsit.lib.csv_export import FORMULA_PREFIXES

CHUNK = 256 * 1024
_DONE = object()


class _Cancelled(Exception):
    pass


def copy_available() -> bool:
    return connection.vendor == "postgresql"


def text_cell(expression) -> Case:
    """The value as text (empty written as nothing), with an apostrophe before what a spreadsheet would run."""
    expression = F(expression) if isinstance(expression, str) else expression
    text = NullIf(Cast(expression, CharField()), Value(""))
    return Case(
        When(In(Left(text, 1), list(FORMULA_PREFIXES)), then=Concat(Value("'"), text)),
        default=text,
        output_field=CharField(),
    )


def yes_no_cell(expression) -> Case:
    expression = F(expression) if isinstance(expression, str) else expression
    return Case(
        When(Exact(expression, True), then=Value("yes")),
        When(Exact(expression, False), then=Value("no")),
        output_field=CharField(),
    )


def copy_sql(queryset: QuerySet, cells: list) -> str | None:
    """COPY … TO STDOUT for `queryset`, one CSV column per cell expression, in the queryset's order.

    None when the queryset can hold no row at all (Django then has no SQL to give).
    """
    aliases = {f"_export_{index}": cell for index, cell in enumerate(cells)}
    rows = queryset.annotate(**aliases).values_list(*aliases)
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:
        return None
    with connection.cursor() as cursor:
        query = cursor.mogrify(sql, params).decode()
    return f"COPY ({query}) TO STDOUT WITH (FORMAT csv)"


def copy_stream(sql: str | None) -> Iterator[bytes]:
    """The output of a COPY … TO STDOUT, chunk by chunk, as PostgreSQL produces it."""
    if sql is None:
        return
    chunks: queue.Queue = queue.Queue(maxsize=16)
    cancelled = threading.Event()
    shared = connections[DEFAULT_DB_ALIAS]  # this thread's connection, lent to the helper thread

    class Sink:
        def write(self, data):
            if cancelled.is_set():
                raise _Cancelled
            chunks.put(data.encode() if isinstance(data, str) else bytes(data))

    def run():
        try:
            with shared.cursor() as cursor:
                cursor.cursor.copy_expert(sql, Sink(), size=CHUNK)
        except BaseException as error:  # handed over to the response, which raises it
            chunks.put(error)
        else:
            chunks.put(_DONE)

    shared.ensure_connection()
    shared.inc_thread_sharing()
    worker = threading.Thread(target=run, name="csv-export", daemon=True)
    worker.start()
    try:
        while (item := chunks.get()) is not _DONE:
            if isinstance(item, _Cancelled):
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        cancelled.set()
        while worker.is_alive():
            with contextlib.suppress(queue.Empty):
                chunks.get(timeout=0.1)
        worker.join()
        shared.dec_thread_sharing()
