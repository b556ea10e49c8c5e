"""CSV downloads that stream row by row and are safe to open in a spreadsheet."""

import csv
from collections.abc import Iterable, Iterator, Sequence

from django.core.exceptions import BadRequest
from django.http import HttpRequest, StreamingHttpResponse
from django.utils.text import slugify

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """The cell as text, with a leading apostrophe if a spreadsheet would run it as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write returns what it was given, so csv.writer yields lines."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([neutralise(value) for value in row])


def csv_filename(*parts: str) -> str:
    """`london-lsp-compare-original-ccn3.csv` from the parts that say what the file holds."""
    words = [slugify(part) for part in parts if part]
    return "-".join(word for word in words if word)[:180] + ".csv"


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in csv_lines(header, rows)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def wants_csv(request: HttpRequest) -> bool:
    """Whether `?_export=csv` asks for the table as CSV; any other format is a bad request that says so."""
    requested = request.GET.get("_export")
    if requested is None:
        return False
    if requested == "csv":
        return True
    raise BadRequest(f"Exports are offered as CSV only: use ?_export=csv, not “{requested[:40]}”.")
