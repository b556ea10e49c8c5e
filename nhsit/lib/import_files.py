"""Spreadsheets read for an import, strictly: a file that cannot be read exactly as it stands is refused with a
message that names the line (or cell) and says what to do, never with an exception's name.

These replace django-import-export's CSV and XLSX formats, which read an XLSX formula's last cached value (or
nothing) as if it had been typed, and report a bad byte or an over-long cell only by the name of the exception.
"""

import csv
import datetime
import io
import zipfile
from typing import Any

import tablib
from import_export.formats import base_formats

MOST_BYTES = 20 * 1024 * 1024
# Longer than any field here needs; a longer cell is a mistake (a whole document pasted into one cell).
MOST_CHARACTERS_PER_CELL = 100_000
# The csv module's own limit is lower than the cell limit above, and its error names no line; lifted here so
# that the cell check can say where the over-long cell is.
csv.field_size_limit(MOST_BYTES)
BINARY_SIGNATURES = {
    b"\x89PNG": "a PNG image",
    b"PK\x03\x04": "a zip file or an XLSX workbook (choose the XLSX format for a workbook)",
    b"%PDF": "a PDF document",
    b"\xff\xd8\xff": "a JPEG image",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) workbook: save it as XLSX or as CSV UTF-8",
}


class ImportFileError(ValueError):
    """A file that cannot be read as a table, with a message for the person importing it."""


class Table(tablib.Dataset):
    """A dataset that knows where each of its rows stands in the file: `places[i]` names data row i + 1."""

    places: list[str]


def _too_large(data: bytes) -> None:
    if len(data) > MOST_BYTES:
        raise ImportFileError(
            f"This file is {len(data) / 1024 / 1024:.1f} MB; an import takes at most {MOST_BYTES // 1024 // 1024} MB. "
            "Split it into smaller files."
        )


def decoded_text(data: bytes) -> str:
    """The file as text, or a message naming the first line and column that is not UTF-8."""
    _too_large(data)
    for signature, what in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise ImportFileError(f"This is not a CSV file: it is {what}.")
    if b"\x00" in data[:65536]:
        raise ImportFileError("This is not a CSV file: it holds binary data, not text.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise ImportFileError(
            f"This file is not UTF-8 text: line {line}, column {column} holds the byte 0x{data[error.start]:02X}, "
            "which UTF-8 cannot read. Save the file from your spreadsheet as “CSV UTF-8” and import it again."
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        # Past the start, where binary data would show: a NUL in a cell, which no value holds (nor PostgreSQL).
        line = text.count("\n", 0, nul) + 1
        raise ImportFileError(f"Line {line} holds a NUL character, which no value may hold.")
    return text


def _check_header(header: list[str], where: str) -> list[str]:
    header = [str(name if name is not None else "").strip() for name in header]
    if not any(header):
        raise ImportFileError(f"The first {where} is empty: it must name the columns.")
    seen: set[str] = set()
    for number, name in enumerate(header, 1):
        if not name:
            raise ImportFileError(f"Column {number} of the header has no name.")
        if name in seen:
            raise ImportFileError(f"The header names the column “{name[:40]}” twice.")
        seen.add(name)
    return header


def _check_cell(value: str, header: list[str], index: int, place: str) -> None:
    if len(value) > MOST_CHARACTERS_PER_CELL:
        raise ImportFileError(
            f"{place}, column “{header[index]}”: this cell holds {len(value):,} characters; a cell may hold at most "
            f"{MOST_CHARACTERS_PER_CELL:,}."
        )


def table_from_rows(header: list[str], rows: list[tuple[str, list[str]]]) -> Table:
    if not rows:
        raise ImportFileError("The file has a header but no rows under it: there is nothing to import.")
    table = Table(headers=header)
    table.places = []
    for place, cells in rows:
        if len(cells) != len(header):
            raise ImportFileError(
                f"{place.capitalize()} has {len(cells)} cells, but the header names {len(header)} columns."
            )
        table.append(cells)
        table.places.append(place)
    return table


class StrictCSV(base_formats.CSV):
    """CSV read as bytes and decoded here, so that a byte that is not UTF-8 can be named by line and column.
    Line endings inside a cell are kept as written (they are normalised when the text is stored)."""

    def is_binary(self) -> bool:
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def create_dataset(self, in_stream: bytes | str) -> Table:
        text = decoded_text(in_stream if isinstance(in_stream, bytes) else str(in_stream).encode())
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        rows: list[tuple[str, list[str]]] = []
        header: list[str] | None = None
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                raise ImportFileError(f"Line {line} cannot be read as CSV: {error}.") from None
            if header is None:
                header = _check_header(cells, "line")
                continue
            if not any(cell.strip() for cell in cells):
                continue  # a blank line
            for index, cell in enumerate(cells[: len(header)]):
                _check_cell(cell, header, index, f"Line {line}")
            rows.append((f"line {line}", cells))
        if header is None:
            raise ImportFileError("This file is empty.")
        return table_from_rows(header, rows)


def _cell_text(value: object) -> str:
    """A cell's value as it reads in the spreadsheet: 2011 not 2011.0, a date as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return str(value)


class StrictXLSX(base_formats.XLSX):
    """The first sheet of a workbook, values as typed. A formula is refused with its cell: its value is whatever
    the spreadsheet last worked out (or nothing, if it never did), which an import must not take as typed."""

    def create_dataset(self, in_stream: bytes) -> Table:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        _too_large(in_stream)
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=False)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
            raise ImportFileError("This is not an XLSX workbook: choose the CSV format, or save it as XLSX.") from None
        try:
            return self._table(workbook.worksheets[0])
        finally:
            workbook.close()

    def _table(self, sheet: Any) -> Table:
        rows: list[tuple[str, list[str]]] = []
        formulas: list[str] = []
        header: list[str] | None = None
        for number, row in enumerate(sheet.iter_rows(), 1):
            cells = []
            for cell in row:
                if cell.data_type == "f":
                    formulas.append(f"{cell.coordinate} ({str(cell.value)[:40]})")
                cells.append(_cell_text(cell.value))
            if header is None:
                while cells and not cells[-1].strip():
                    cells.pop()  # a sheet's empty columns after the last heading
                header = _check_header(cells, "row")
                continue
            if len(cells) < len(header):
                cells += [""] * (len(header) - len(cells))
            elif not any(cells[len(header) :]):
                cells = cells[: len(header)]
            if not any(cell.strip() for cell in cells):
                continue
            for index, cell in enumerate(cells[: len(header)]):
                _check_cell(cell, header, index, f"Row {number}")
            rows.append((f"row {number}", cells))
        if formulas:
            shown = ", ".join(formulas[:10]) + (f" and {len(formulas) - 10} more" if len(formulas) > 10 else "")
            which = f"Cell {shown} holds a formula" if len(formulas) == 1 else f"Cells {shown} hold formulas"
            raise ImportFileError(
                f"{which}. An import takes values, not formulas: copy the cells and paste them back as values, "
                "then import again."
            )
        if header is None:
            raise ImportFileError("The workbook's first sheet is empty.")
        return table_from_rows(header, rows)
