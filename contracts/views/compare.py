from collections import Counter
from collections.abc import Callable
from functools import cache, partial

from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from contracts.exports import COMPARE_COLUMNS, compare_csv_body
from contracts.filters import COMPARE_ROWS_PARAMETERS, CompareFilter
from contracts.models import Contract
from contracts.pages.compare import MATRIX_CURSOR_TYPES, OutcomeMatrix, compare_picture, outcome_matrix, rolled_up
from contracts.pages.facets import compare_facets, labelled
from contracts.pages.headings import compare_heading
from contracts.services.compare import RevisionComparison
from contracts.services.sorted_comparison import GROUPED_SORTS, sorted_comparison_groups, sorted_comparison_slice
from contracts.tables import CompareTable
from contracts.views.preview import shows_drafts
from nhsit.lib.csv_export import csv_filename, wants_csv
from nhsit.lib.filtering import filter_words
from nhsit.lib.keyset import Cursor, asked_cursor, keyset_page, seek
from nhsit.lib.tables import Download, Seek, SlicedBySort, filter_status, sortable_columns, table_response

LIVE_WORDS = {"yes": "live", "no": "not-live"}
# The matrix was once paged by number; it is now paged by where each page starts (?after=, ?before=).
OLD_MATRIX_PAGE = "matrix_page"


@require_safe
def contract_compare(request: HttpRequest, slug: str) -> HttpResponseBase:
    if OLD_MATRIX_PAGE in request.GET:
        return matrix_from_the_start(request)
    contract = get_object_or_404(Contract, slug=slug)
    matrix_cursor = asked_cursor(request, types=MATRIX_CURSOR_TYPES)
    drafts = shows_drafts(request)
    filterset = CompareFilter(request.GET, contract=contract, drafts=drafts, sortable=sortable_columns(CompareTable))
    comparison = filterset.comparison()
    if comparison is None:
        wants_csv(request, filterset)  # an export asked with filters that are not valid says why (400)
        heading = compare_heading(filterset, None, None)
        context = {"contract": contract, "filterset": filterset, "facets": None, "heading": heading}
        # A contract with fewer than two revisions has nothing to compare: the request itself is not at fault.
        nothing_to_compare = len(filterset.revisions) < 2 and not filterset.form.errors.keys() - {NON_FIELD_ERRORS}
        status = 200 if nothing_to_compare else filter_status(filterset)
        return render(request, "contracts/compare.html", context, status=status)
    counts = cache(comparison.outcome_counts)  # the table's count and the matrix's bars, from one query

    def sorted_page(field: str, descending: bool, start: int, stop: int) -> list[dict]:
        groups = sorted_comparison_groups(comparison, counts(), field, descending=descending)
        return sorted_comparison_slice(comparison, groups, start=start, stop=stop)

    rows = SlicedBySort(comparison.rows, fields=GROUPED_SORTS, page=sorted_page)
    table = CompareTable(rows, base=comparison.base, target=comparison.target)
    matrix = cache(lambda: outcome_matrix(comparison=comparison, counts=counts(), cursor=matrix_cursor))
    words = [LIVE_WORDS.get(word, word) for word in filter_words(filterset)]
    download = Download(
        filename=csv_filename(contract.slug, "compare", *words),
        header=COMPARE_COLUMNS,
        body=lambda rows: compare_csv_body(comparison, rows=rows),
    )
    return table_response(
        request, filterset=filterset, table=table, download=download, template="contracts/compare.html",
        count=lambda: sum(sum(by_outcome.values()) for by_outcome in counts().values()),
        context=lambda table: compare_context(filterset, comparison, counts(), matrix(), drafts=drafts),
        seek=Seek(COMPARE_ROWS_TYPES, partial(rows_page, matrix), parameters=COMPARE_ROWS_PARAMETERS),
    )  # fmt: skip


# The table's rows in their first order, by organisation and then system, each ending in its id.
COMPARE_ROWS_ORDER = ["organisation_name", "organisation_code", "organisation_id", "system_name", "system_id"]
COMPARE_ROWS_TYPES = (str, str, int, str, int)


def rows_page(
    matrix: Callable[[], OutcomeMatrix], rows: QuerySet, cursor: Cursor | None, per_page: int
) -> tuple[list[dict], str | None, str | None]:
    """The table's page beyond `cursor`: its first page from the rows the matrix read where it holds them (at its
    own start), so the page asks the comparison for its first organisations once; any other, read by cursor."""
    if cursor is None:
        first = matrix().first_rows(per_page + 1)
        if first is not None:
            return keyset_page(first, key_of=compare_row_key, cursor=None, per_page=per_page)
    return seek(rows, fields=COMPARE_ROWS_ORDER, cursor=cursor, per_page=per_page)


def compare_row_key(row: dict) -> list:
    return [row[field] for field in COMPARE_ROWS_ORDER]


def compare_context(
    filterset: CompareFilter,
    comparison: RevisionComparison,
    counts: dict[str, Counter],
    matrix: OutcomeMatrix,
    *,
    drafts: bool,
) -> dict:
    """Every part of the page from the one count of the filtered comparison's outcomes (and, narrowed by more than
    the systems, one of the whole picture's)."""
    return {
        "contract": filterset.contract, "comparison": comparison, "matrix": matrix,
        "facets": labelled(filterset, compare_facets(filterset)),
        "heading": compare_heading(filterset, comparison.base, comparison.target),
        "rolled_up": rolled_up(comparison) if filterset.rolls_up() else None,
        "picture": compare_picture(
            comparison=comparison, counts=counts, systems=filterset.comparison_filters()["systems"],
            narrowed=filterset.narrows(), drafts=drafts, shown_systems=matrix.systems,
        ),
    }  # fmt: skip


def matrix_from_the_start(request: HttpRequest) -> HttpResponseRedirect:
    """An old link to a numbered page of the matrix: the same comparison, its matrix from the first organisation.

    A page number cannot be turned into a place in the list without reading every organisation before it, and the
    link's filters still hold, so it leads to the same page without it rather than to a refusal.
    """
    query = request.GET.copy()
    for name in [OLD_MATRIX_PAGE, "after", "before"]:
        query.pop(name, None)
    return HttpResponseRedirect(f"{request.path}?{query.urlencode()}#matrix" if query else f"{request.path}#matrix")
