"""CSV straight from PostgreSQL's COPY, streamed: the fastest way rows can leave the database.

The query is the same queryset the table shows; its cells are made safe for a spreadsheet in SQL, exactly
as nhsit.lib.csv_export.neutralise does in Python. COPY runs in a helper thread on the request's own
database connection (so it sees what the request sees) and hands chunks to the response through a small
bounded queue: memory stays flat. A client that goes away stops the COPY at once: the server is asked to cancel
it (else it would sit waiting to send the rest), and the connection is closed rather than reused. An export is
not bound by the statement timeout of web requests, since it lasts as long as its client takes to read it.
"""

import contextlib
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import F, Func, QuerySet, TextField
from django.db.models.expressions import Col

from nhsit.lib.csv_export import ESCAPED_PREFIXES

COPY_CHUNK_BYTES = 256 * 1024  # handed to the response at a time
# The escaped prefixes as character codes: comparing ascii() of a cell with them is the cheapest test in SQL.
FORMULA_CODES_SQL = ", ".join(str(ord(prefix)) for prefix in ESCAPED_PREFIXES)
FORMULA_CODE_MAX = max(ord(prefix) for prefix in ESCAPED_PREFIXES)
APOSTROPHE = "''''"
# What an export's COPY runs with, set on its connection for it alone (and reset after): no statement timeout.
# An export reads every row it writes, and its sort is shared between parallel workers: PostgreSQL's own default
# setup cost for them, not the pages' higher one (DATABASE_PG_OPTIONS).
EXPORT_SETTINGS = {"statement_timeout": "0", "parallel_setup_cost": "1000"}
_DONE = object()
PLACE = "\x00"  # where a cell's SQL reads its value; in no SQL (PostgreSQL refuses a NUL in a query)


class _Cancelled(Exception):
    pass


def copy_available() -> bool:
    return connection.vendor == "postgresql"


@dataclass(frozen=True)
class Cell:
    """One CSV column: an expression over the queryset's rows, written as text or as yes/no."""

    expression: object
    yes_no: bool = False
    constrained: bool = False  # the database keeps its values from starting with an escaped prefix

    def sql(self, column: str) -> str:
        if self.yes_no:
            return f"CASE {column} WHEN true THEN 'yes' WHEN false THEN 'no' END"
        text = f"{column}::text"
        if self.constrained:
            return f"NULLIF({text}, '')"
        # Most cells start with a letter, past every escaped prefix: one test, and the cell is as it is. Of the rest,
        # most are empty (a slot, a reason not given).
        return (
            f"CASE WHEN ascii({text}) > {FORMULA_CODE_MAX} THEN {text} WHEN {text} = '' THEN NULL "
            f"WHEN ascii({text}) IN ({FORMULA_CODES_SQL}) THEN {APOSTROPHE} || {text} ELSE {text} END"
        )

    @property
    def read_once(self) -> bool:
        """Whether its SQL reads the value once: else the value is best a column, not computed on each reading."""
        return self.constrained or self.yes_no


class Written(Func):
    """A cell as the export writes it, in the query's own select list."""

    output_field = TextField()

    def __init__(self, cell: Cell) -> None:
        super().__init__(cell.expression)
        self.cell = cell

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        template = self.cell.sql(PLACE)
        # Each reading of the value is its SQL again, with its parameters again.
        return template.replace(PLACE, f"({sql})"), list(params) * template.count(PLACE)


def text_cell(expression: Any) -> Cell:
    """The value as text (empty written as nothing), with an apostrophe before what a spreadsheet would run."""
    return Cell(F(expression) if isinstance(expression, str) else expression)


def constrained_cell(expression: Any) -> Cell:
    """A value the database's constraints keep from starting with an escaped prefix, written as it is: a slug or a
    code (nhsit.lib.csv_export.starts_safely), a choice a check constraint holds to its values, or text built only
    of those. Testing each cell of such a column is a tenth of an export's time and can change nothing."""
    return Cell(F(expression) if isinstance(expression, str) else expression, constrained=True)


def yes_no_cell(expression: Any) -> Cell:
    return Cell(F(expression) if isinstance(expression, str) else expression, yes_no=True)


def copy_sql(queryset: QuerySet, cells: list[Cell]) -> str | None:
    """COPY … TO STDOUT for `queryset`, one CSV column per cell, in the queryset's order.

    Where every cell that reads its value more than once reads a column, the cells are made safe in the query's own
    select list; else in an outer SELECT, so that each value (a subquery, say) is computed once per row (the outer
    SELECT costs about a twentieth of an export's time). None when the queryset can hold no row at all (Django then
    has no SQL to give).
    """
    aliases = {f"_export_{index}": cell.expression for index, cell in enumerate(cells)}
    rows = queryset.annotate(**aliases)
    if all(
        cell.read_once or isinstance(rows.query.annotations[alias], Col)
        for alias, cell in zip(aliases, cells, strict=True)
    ):
        written = {alias: Written(cell) for alias, cell in zip(aliases, cells, strict=True)}
        select = _sql(queryset.annotate(**written).values_list(*written))
    else:
        inner = _sql(rows.values_list(*aliases))
        outer = ", ".join(cell.sql(f'rows."{alias}"') for alias, cell in zip(aliases, cells, strict=True))
        # A plain projection over the ordered rows: PostgreSQL keeps their order.
        select = None if inner is None else f"SELECT {outer} FROM ({inner}) AS rows"
    return None if select is None else f"COPY ({select}) TO STDOUT WITH (FORMAT csv)"


def _sql(rows: QuerySet) -> str | None:
    """The query's SQL with its parameters in place; None where it can hold no row."""
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:
        return None
    with connection.cursor() as cursor:
        return cursor.mogrify(sql, params).decode()


def copy_stream(sql: str | None) -> Iterator[bytes]:
    """The output of a COPY … TO STDOUT, chunk by chunk, as PostgreSQL produces it."""
    if sql is None:
        return
    chunks: queue.Queue = queue.Queue(maxsize=16)
    cancelled = threading.Event()
    shared = connections[DEFAULT_DB_ALIAS]  # this thread's connection, lent to the helper thread

    class Sink:
        """Gathers COPY's rows (psycopg2 hands them over one at a time, as bytes) into chunks for the response. A row
        costs an append: the client's going away is noticed at the next chunk, and the COPY cancelled then."""

        def __init__(self) -> None:
            self.rows: list[bytes] = []
            self.size = 0

        def write(self, row: bytes) -> None:
            self.rows.append(row)
            self.size += len(row)
            if self.size >= COPY_CHUNK_BYTES:
                self.flush()

        def flush(self) -> None:
            if cancelled.is_set():
                raise _Cancelled
            if self.rows:
                chunks.put(b"".join(self.rows))
                self.rows, self.size = [], 0

    finished = threading.Event()

    def run() -> None:
        sink = Sink()
        try:
            with shared.cursor() as cursor:
                for name, value in EXPORT_SETTINGS.items():
                    cursor.execute(f"SET {name} = {value}")
                try:
                    cursor.cursor.copy_expert(sql, sink)
                finally:
                    if not cancelled.is_set():
                        for name in EXPORT_SETTINGS:
                            cursor.execute(f"RESET {name}")
            sink.flush()
        except BaseException as error:  # handed over to the response, which raises it
            chunks.put(error)
        else:
            finished.set()
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
        if worker.is_alive() and not finished.is_set():
            with contextlib.suppress(Exception):
                shared.connection.cancel()  # PostgreSQL stops the COPY now, not when it next tries to send
        while worker.is_alive():
            with contextlib.suppress(queue.Empty):
                chunks.get(timeout=0.1)
        worker.join()
        shared.dec_thread_sharing()
        if not finished.is_set():
            shared.close()  # its COPY was cut off part way: a new connection for the next request
