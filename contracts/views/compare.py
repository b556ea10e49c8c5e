from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from contracts.exports import COMPARE_COLUMNS, compare_csv_body
from contracts.filters import CompareFilter
from contracts.models import Contract
from contracts.selectors import filtered_comparison, outcome_matrix
from contracts.tables import CompareTable
from nhsit.lib.csv_export import csv_filename, csv_response, wants_csv
from nhsit.lib.filtering import filter_words
from nhsit.lib.tables import table_configure, table_sort

LIVE_WORDS = {"yes": "live", "no": "not-live"}


@require_safe
def contract_compare(request: HttpRequest, slug: str) -> HttpResponse:
    contract = get_object_or_404(Contract, slug=slug)
    filterset = CompareFilter(request.GET, contract=contract)
    exporting = wants_csv(request, filterset)
    comparison = filtered_comparison(filterset=filterset)
    if comparison is None:
        context = {"contract": contract, "filterset": filterset, "comparison": None}
        return render(request, "contracts/compare.html", context)
    table = CompareTable(comparison.rows, base=comparison.base, target=comparison.target)
    if exporting:
        table_sort(request, table)
        words = [LIVE_WORDS.get(word, word) for word in filter_words(filterset)]
        filename = csv_filename(contract.slug, "compare", *words)
        return csv_response(filename, COMPARE_COLUMNS, compare_csv_body(comparison, rows=table.data.data))
    counts = comparison.outcome_counts()
    table_configure(request, table, count=sum(sum(by_outcome.values()) for by_outcome in counts.values()))
    context = {
        "contract": contract,
        "filterset": filterset,
        "comparison": comparison,
        "matrix": outcome_matrix(comparison=comparison, counts=counts, page=request.GET.get("matrix_page", "1")),
        "table": table,
    }
    return render(request, "contracts/compare.html", context)
