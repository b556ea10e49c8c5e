"""A Frictionless Data Package (tabular-data-package) streamed as a zip: `datapackage.json` and one CSV per table.

Each CSV is written as every other export writes its cells (nhsit.lib.csv_export): a cell a spreadsheet would run
as a formula is written after an apostrophe. The Table Schema says so honestly: text stays text (a reader takes the
apostrophe off with csv_export.unescape), and a number that can be negative is declared with `bareNumber: false`,
which tells a reader to strip the characters before it ("'-5" is -5). Lines stream row by row, from PostgreSQL's
COPY where it is there, so memory does not grow with the number of rows.
"""

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import zipstream  # type: ignore[import-untyped]  # no type information of its own
from django.db.models import F, QuerySet
from django.http import StreamingHttpResponse

from nhsit.lib.copy_export import Cell, copy_available, copy_sql, copy_stream
from nhsit.lib.csv_export import CHUNK_ROWS, csv_body, csv_header

DIALECT = {"delimiter": ",", "lineTerminator": "\n", "quoteChar": '"', "doubleQuote": True, "header": True}
GUARD_NOTE = (
    "A text cell starting with =, +, -, @, a tab, a carriage return or an apostrophe is written after an "
    "apostrophe, so that a spreadsheet shows it as text rather than running it; take that first apostrophe off to "
    "read the value."
)


@dataclass(frozen=True)
class Column:
    """One field of a table: its Table Schema name, type and description, and what the database gives for it."""

    name: str
    type: str = "string"
    description: str = ""
    source: Any = None  # a field path or an expression; the name itself when None
    required: bool = False
    signed: bool = False  # a number that may be negative, so the guard may put an apostrophe before it

    @property
    def expression(self) -> Any:
        source = self.name if self.source is None else self.source
        return F(source) if isinstance(source, str) else source

    def schema(self) -> dict[str, Any]:
        described: dict[str, Any] = {"name": self.name, "type": self.type}
        if self.description:
            described["description"] = self.description
        if self.type == "boolean":
            described.update(trueValues=["yes"], falseValues=["no"])
        if self.type in {"number", "integer"} and self.signed:
            described["bareNumber"] = False
        if self.required:
            described["constraints"] = {"required": True}
        return described


@dataclass(frozen=True)
class ForeignKey:
    fields: Sequence[str]
    table: str
    to: Sequence[str]

    def schema(self) -> dict[str, Any]:
        return {"fields": list(self.fields), "reference": {"resource": self.table, "fields": list(self.to)}}


@dataclass
class Table:
    """One resource of the package: its columns, keys, and the rows it holds.

    Rows come from `queryset` (one column per Column, read by the database), or, where a value is worked out in
    Python, from `lines`, which yields each row's values in the columns' order."""

    name: str
    title: str
    description: str
    columns: Sequence[Column]
    primary_key: Sequence[str] = ()
    foreign_keys: Sequence[ForeignKey] = ()
    queryset: QuerySet | None = None
    lines: Callable[[], Iterable[Sequence[Any]]] | None = None

    @property
    def path(self) -> str:
        return f"{self.name}.csv"

    def schema(self) -> dict[str, Any]:
        described: dict[str, Any] = {"fields": [column.schema() for column in self.columns]}
        if self.primary_key:
            described["primaryKey"] = list(self.primary_key)
        if self.foreign_keys:
            described["foreignKeys"] = [key.schema() for key in self.foreign_keys]
        return described

    def resource(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "path": self.path,
            "profile": "tabular-data-resource",
            "title": self.title,
            "description": f"{self.description} {GUARD_NOTE}",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": DIALECT,
            "schema": self.schema(),
        }

    def csv(self) -> Iterator[bytes]:
        """The header row, then a line per row, streamed."""
        yield csv_header([column.name for column in self.columns])
        if self.lines is not None:
            yield from csv_body(self.lines())
            return
        assert self.queryset is not None
        expressions = [column.expression for column in self.columns]
        if copy_available():
            yes_no = [column.type == "boolean" for column in self.columns]
            cells = [Cell(expression, yes_no=flag) for expression, flag in zip(expressions, yes_no, strict=True)]
            yield from copy_stream(copy_sql(self.queryset, cells))
            return
        yield from csv_body(self.queryset.values_list(*expressions).iterator(chunk_size=CHUNK_ROWS))


def package_descriptor(*, name: str, title: str, tables: Sequence[Table], **properties: Any) -> dict[str, Any]:
    return {
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        **properties,
        "resources": [table.resource() for table in tables],
    }


def package_response(*, filename: str, descriptor: dict[str, Any], tables: Sequence[Table]) -> StreamingHttpResponse:
    """The package as a zip that is written as it is sent: each CSV is read from the database only when the zip
    reaches it."""
    archive = zipstream.ZipStream(compress_type=zipstream.ZIP_DEFLATED)
    archive.add(json.dumps(descriptor, indent=2, ensure_ascii=False).encode() + b"\n", "datapackage.json")
    for table in tables:
        archive.add(table.csv(), table.path)
    response = StreamingHttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
