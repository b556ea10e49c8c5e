"""CSV downloads that stream row by row and are safe to open in a spreadsheet."""

import csv
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.core.exceptions import BadRequest
from django.db.models import CheckConstraint, Q
from django.http import HttpRequest, StreamingHttpResponse
from django.utils.text import slugify

# Rows read per round trip by an export that does not stream from COPY.
CHUNK_ROWS = 2000

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A cell starting with one of these is written after an apostrophe, which a spreadsheet shows as text and hides.
# An apostrophe of the value's own gets one too, so an import can tell "'=x" typed from "=x" neutralised.
ESCAPED_PREFIXES = (*FORMULA_PREFIXES, "'")


def starts_safely(field: str, *, name: str) -> CheckConstraint:
    """A constraint that keeps `field` (a slug, a code) from starting with any escaped prefix, so that an export
    can write it as it is (nhsit.lib.copy_export.constrained_cell): whatever writes the row, the database refuses
    the value."""
    condition = Q()
    for prefix in ESCAPED_PREFIXES:
        condition &= ~Q(**{f"{field}__startswith": prefix})
    return CheckConstraint(
        condition=condition,
        name=name,
        violation_error_message=f"The {field} cannot start with =, +, -, @, an apostrophe, a tab or a carriage return "
        "(a spreadsheet would run it as a formula): start it with a letter or a digit.",
    )


def unescape(text: str) -> str:
    """A cell as an export wrote it, back to its value: the protecting apostrophe taken off."""
    return text[1:] if text.startswith("'") and text[1:].startswith(ESCAPED_PREFIXES) else text


def neutralise(value: object) -> str:
    """The cell as text, with a leading apostrophe if a spreadsheet would run it as a formula (or it starts with
    an apostrophe of its own)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if text.startswith(ESCAPED_PREFIXES):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write returns what it was given, so csv.writer yields lines."""

    def write(self, value: str) -> str:
        return value


def _line(writer: Any, cells: Sequence) -> bytes:
    # The writer quotes any cell holding \r or \n because they are in its line ending; the line then ends
    # in \n alone, as PostgreSQL's COPY writes it, so an export is the same from either database.
    return (writer.writerow(cells)[:-2] + "\n").encode("utf-8")


def csv_header(header: Sequence[str]) -> bytes:
    return _line(csv.writer(_Echo(), lineterminator="\r\n"), header)


def csv_body(rows: Iterable[Sequence]) -> Iterator[bytes]:
    """CSV lines for rows of Python values, each cell neutralised."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    for row in rows:
        yield _line(writer, [neutralise(value) for value in row])


def csv_filename(*parts: str) -> str:
    """`london-lsp-compare-original-ccn3.csv` from the parts that say what the file holds."""
    words = [slugify(part) for part in parts if part]
    return "-".join(word for word in words if word)[:180] + ".csv"


def csv_response(filename: str, header: Sequence[str], body: Iterable[bytes]) -> StreamingHttpResponse:
    """A streamed CSV download: the header row, then the body's lines (see csv_body and copy_export)."""
    response = StreamingHttpResponse(_joined(csv_header(header), body), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def wants_csv(request: HttpRequest, filterset: Any = None) -> bool:
    """Whether `?_export=csv` asks for the table as CSV.

    Any other format, or filters that are not valid, is a bad request that says so: an export never
    quietly holds no rows, or all of them, because a filter was mistyped.
    """
    requested = request.GET.get("_export")
    if requested is None:
        return False
    if requested != "csv":
        raise BadRequest(f"Exports are offered as CSV only: use ?_export=csv, not “{requested[:40]}”.")
    if filterset is not None and filterset.is_bound and not filterset.is_valid():
        problems = "; ".join(
            f"{'' if name == '__all__' else name + ': '}{error}"
            for name, errors in filterset.errors.items()
            for error in errors
        )
        raise BadRequest(f"Nothing was exported, because a filter is not valid. {problems}"[:600])
    return True


def _joined(first: bytes, rest: Iterable[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest
