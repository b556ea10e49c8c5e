"""Filtered tables (django-tables2) served one way: as their page, sorted and paginated from the query string
and strict about bad pages, or with `?_export=csv` as a CSV of exactly the filtered rows in the table's order."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils.html import format_html
from django_tables2 import Column, Table
from django_tables2.data import TableQuerysetData
from django_tables2.rows import BoundRows
from django_tables2.utils import OrderBy

from nhsit.lib.csv_export import csv_response, wants_csv
from nhsit.lib.keyset import PARAMETERS, Cursor, KeysetPage, KeysetPaginator, requested_cursor
from nhsit.lib.pagination import CountedPaginator, page_of

PER_PAGE = 50
MOST_PER_PAGE = 500
# A table paged by cursor in its first order has numbered pages too, as far as reading past the earlier rows stays
# cheap: in another order (which no index serves) every page sorts all the matching rows.
MOST_NUMBERED_PAGES = 20


def sortable_columns(table_class: type[Table]) -> frozenset[str]:
    """The names `?sort=` may give for a table: its columns that sort (a filter form refuses any other)."""
    orderable = table_class._meta.orderable
    return frozenset(
        name
        for name, column in table_class.base_columns.items()
        if (orderable if column.orderable is None else column.orderable)
    )


def table_sort(request: HttpRequest, table: Table) -> Table:
    """Sort by the `?sort=` keys that name a sortable column ("-name" for descending); others are ignored.

    Rows the keys leave tied (every row of one system, sorted by system) keep the table's first order among
    themselves, and then their ids': each row has one place in the sorted list, so each is on one page of it.
    Sorted by its keys alone, the database may break ties differently for each page, showing some rows twice
    and others never."""
    sortable = {column.name for column in table.columns if column.orderable}
    keys = [key for key in request.GET.getlist(table.prefixed_order_by_field) if key.removeprefix("-") in sortable]
    if keys:
        data = table.data
        first = first_order(data.data) if isinstance(data, TableQuerysetData) else None
        table.order_by = keys
        if first is not None:
            data.data = data.data.order_by(*data.data.query.order_by, *first, "pk")
    return table


class SlicedBySort(TableQuerysetData):
    """A table's rows whose numbered pages, sorted by one column whose field is one of `fields`, are read by
    `page(field, descending, start, stop)` (rows `start` to `stop` of the sorted rows) where it can read them, and
    gives None where it cannot; otherwise, and for any other order, by slicing the sorted rows."""

    def __init__(self, rows: QuerySet, *, fields: Iterable[str], page: Callable[[str, bool, int, int], list | None]):
        super().__init__(rows)
        self.fields = frozenset(fields)
        self.page = page

    def __getitem__(self, key: Any) -> Any:
        sort = self.sorted_by() if isinstance(key, slice) and key.step is None and key.stop is not None else None
        rows = self.page(*sort, key.start or 0, key.stop) if sort is not None else None
        return super().__getitem__(key) if rows is None else rows

    def sorted_by(self) -> tuple[str, bool] | None:
        """The field the table is sorted by, and whether in descending order, where it is sorted by one column
        whose field is one of `fields`."""
        aliases = list(self.table.order_by or ())
        if len(aliases) != 1:
            return None
        keys = self.table.columns[OrderBy(aliases[0]).bare].order_by
        if len(keys) != 1:
            return None
        key = OrderBy(keys[0])
        field = key.bare.replace(".", "__")
        return (field, key.is_descending) if field in self.fields else None


def first_order(rows: QuerySet) -> tuple[Any, ...]:
    """The order the rows were given before any sort: the queryset's own, or its model's."""
    return tuple(rows.query.order_by) or tuple(rows.model._meta.ordering)


def rows_per_page(request: HttpRequest, *, default: int = PER_PAGE) -> int:
    """`?per_page=`: from 1 to MOST_PER_PAGE rows, or the table's default."""
    asked = request.GET.get("per_page")
    if asked is None:
        return default
    if not (asked.isascii() and asked.isdigit() and 1 <= int(asked) <= MOST_PER_PAGE):
        raise BadRequest(
            f"“{asked[:40]}” is not a number of rows per page: give a whole number from 1 to {MOST_PER_PAGE}."
        )
    return int(asked)


class DirectColumn(Column):
    """A column whose cells the table template writes straight from the record, through `render(value)`.

    django-tables2 inspects a render method's signature for every cell; at thousands of cells a page that
    shows. The template's row_cells tag calls cell_html instead. For columns without links.
    """

    def render(self, value: Any) -> Any:
        return value

    def cell_html(self, bound_column: Any, record: Any, table: Table) -> str:
        value = bound_column.accessor.resolve(record, quiet=True)
        return bound_column.default if value in self.empty_values else self.render(value)


class YesNoColumn(DirectColumn):
    """django-tables2's BooleanColumn, written straight from the record: `<span class="true">` and the first word
    of `yesno` for a true value, `<span class="false">` and the second for any other."""

    def __init__(self, *args: Any, yesno: str = "yes,no", **kwargs: Any) -> None:
        kwargs.setdefault("empty_values", ())
        super().__init__(*args, **kwargs)
        self.yes, self.no = yesno.split(",")

    def cell_html(self, bound_column: Any, record: Any, table: Table) -> str:
        if bound_column.accessor.resolve(record, quiet=True):
            return format_html('<span class="true">{}</span>', self.yes)
        return format_html('<span class="false">{}</span>', self.no)


class LinkedColumn(DirectColumn):
    """A DirectColumn whose cells link to `link(record)` (a blank cell, its default, links nowhere)."""

    def __init__(self, *args: Any, link: Callable[[Any], str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.link = link

    def cell_html(self, bound_column: Any, record: Any, table: Table) -> str:
        value = bound_column.accessor.resolve(record, quiet=True)
        if value in self.empty_values:
            return bound_column.default
        return format_html('<a href="{}">{}</a>', self.link(record), self.render(value))


def table_configure(request: HttpRequest, table: Table, *, per_page: int = PER_PAGE, count: int | None = None) -> Table:
    """Sort by `?sort=` and show page `?page=` of `?per_page=` rows; a page that does not exist is a 404 that
    says so, and a number of rows per page out of range a 400.

    Give `count` when the rows are counted already, to save counting them again.
    """
    table.request = request
    table_sort(request, table)
    per_page = rows_per_page(request, default=per_page)
    paginator = Paginator if count is None else partial(CountedPaginator, count=count)
    table.paginator = paginator(table.rows, per_page)
    table.page = page_of(table.paginator, request.GET.get(table.prefixed_page_field, "1"))
    return table


@dataclass(frozen=True)
class Seek:
    """How a table is paged by cursor (`?after=`, `?before=`) in its first order: the types of the values of its
    cursor's key, and what reads a page (rows, cursor, rows per page) as its rows and the cursors either side.

    With `order` (the `?sort=` asked, or the table's first order), the table is paged by cursor in that order, each
    cursor naming it: one made for another order is refused.
    """

    types: tuple[type, ...]
    page: Callable[[QuerySet, Cursor | None, int], tuple[list[Any], str | None, str | None]]
    order: str | None = None
    # The parameters the cursors travel in: others than ?after= and ?before= where the page pages another list so.
    parameters: tuple[str, str] = PARAMETERS


def table_seek(request: HttpRequest, table: Table, seek: Seek, *, count: int | None = None) -> Table:
    """The page of the table beyond `?after=` (or before `?before=`), or its first page; counted for the results bar."""
    table.request = request
    if seek.order is not None:
        table_sort(request, table)  # for the columns' headings: the page is read in its order below
    per_page = rows_per_page(request)
    cursor = requested_cursor(request, types=seek.types, order=seek.order, parameters=seek.parameters)
    rows, next_cursor, previous_cursor = seek.page(table.data.data, cursor, per_page)
    table.paginator = KeysetPaginator(table.data.data.count() if count is None else count, per_page)
    header = getattr(table, "row_header", None)
    first, last = (str(getattr(row, header, "")) for row in (rows[0], rows[-1])) if header and rows else ("", "")
    after, before = seek.parameters
    table.page = KeysetPage(
        BoundRows(rows, table), next_cursor, previous_cursor, first_shown=first, last_shown=last,
        after_parameter=after, before_parameter=before,
    )  # fmt: skip
    return table


def numbered_pages_only(request: HttpRequest, table: Table, *, parameters: tuple[str, str] = PARAMETERS) -> None:
    """A table paged by cursor (in `parameters`), sorted by another column or asked for by page number: refuse a
    cursor, and a page past MOST_NUMBERED_PAGES."""
    if set(parameters) & request.GET.keys():
        place = f"a place in the list (?{parameters[0]}=, ?{parameters[1]}=)"
        if table.prefixed_page_field in request.GET:
            raise BadRequest(f"Give ?page= or {place}, not both.")
        raise BadRequest(f"{place[0].upper()}{place[1:]} holds in the table's first order: remove ?sort=.")
    number = request.GET.get(table.prefixed_page_field, "1")
    if number.isascii() and number.isdigit() and int(number) > MOST_NUMBERED_PAGES:
        raise BadRequest(
            f"Pages past {MOST_NUMBERED_PAGES} are reached by the Next links in the table's first order (without "
            "?sort= and ?page=); or filter the table, or download it as CSV."
        )


@dataclass(frozen=True)
class Download:
    """What a table's CSV holds: a file name that says so, the header, and the lines for the table's rows."""

    filename: str
    header: Sequence[str]
    body: Callable[[QuerySet], Iterable[bytes]]


def table_response(
    request: HttpRequest,
    *,
    filterset: Any,
    table: Table,
    download: Download,
    template: str,
    context: Callable[[Table], dict[str, Any]] | None = None,
    count: Callable[[], int] | None = None,
    seek: Seek | None = None,
) -> HttpResponseBase:
    """The table's page, or its CSV: the same filtered rows in the same order either way.

    `context` gives the page's other values once the table holds its page of rows; `count` counts the rows where
    the caller can do so more cheaply than the paginator would. With `seek`, the table in its first order (in the
    order asked, with `seek.order`) is paged by cursor, and in others (or by `?page=`) as far as MOST_NUMBERED_PAGES.
    """
    if wants_csv(request, filterset):
        table_sort(request, table)
        return csv_response(download.filename, download.header, download.body(table.data.data))
    if (
        seek
        and filter_status(filterset) != 400
        and table.prefixed_page_field not in request.GET
        and (seek.order is not None or "sort" not in request.GET)
    ):
        table_seek(request, table, seek, count=count() if count else None)
    else:
        if seek:
            numbered_pages_only(request, table, parameters=seek.parameters)
        table_configure(request, table, count=count() if count else None)
    page = {"filterset": filterset, "table": table, **(context(table) if context else {})}
    return render(request, template, page, status=filter_status(filterset))


def filter_status(filterset: Any) -> int:
    """400 for a page asked with filters it cannot use (the page still says why, and what it can use), else 200."""
    return 400 if filterset.is_bound and filterset.errors else 200
