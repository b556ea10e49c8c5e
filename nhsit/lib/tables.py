"""Sorting and pagination of django-tables2 tables from the query string, strict about bad pages."""

from functools import partial

from django.core.exceptions import BadRequest
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest
from django_tables2 import Column, Table

PER_PAGE = 50
MOST_PER_PAGE = 500


def table_sort(request: HttpRequest, table: Table) -> Table:
    """Sort by the `?sort=` keys that name a sortable column ("-name" for descending); others are ignored."""
    sortable = {column.name for column in table.columns if column.orderable}
    keys = [key for key in request.GET.getlist(table.prefixed_order_by_field) if key.removeprefix("-") in sortable]
    if keys:
        table.order_by = keys
    return table


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

    def render(self, value):
        return value

    def cell_html(self, bound_column, record, table) -> str:
        value = bound_column.accessor.resolve(record, quiet=True)
        return bound_column.default if value in self.empty_values else self.render(value)


class CountedPaginator(Paginator):
    """A paginator told how many rows there are, where the caller has counted them already."""

    def __init__(self, *args, count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.count = count


def table_configure(request: HttpRequest, table: Table, *, per_page: int = PER_PAGE, count: int | None = None) -> Table:
    """Sort by `?sort=` and show page `?page=` of `?per_page=` rows; a page that does not exist is a 404 that
    says so, and a number of rows per page out of range a 400.

    Give `count` when the rows are counted already, to save counting them again.
    """
    table.request = request
    table_sort(request, table)
    per_page = rows_per_page(request, default=per_page)
    page = request.GET.get(table.prefixed_page_field, "1")
    paginator = Paginator if count is None else partial(CountedPaginator, count=count)
    try:
        table.paginate(paginator_class=paginator, page=page, per_page=per_page)
    except PageNotAnInteger:
        raise Http404(f"“{page[:40]}” is not a page number.") from None
    except EmptyPage:
        pages = table.paginator.num_pages
        raise Http404(
            f"There is no page {page[:40]}: these results fill {pages} page{'s' if pages != 1 else ''}."
        ) from None
    return table
