from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from contracts.exports import ENTITLEMENT_COLUMNS, entitlement_csv_body
from contracts.filters import EntitlementFilter
from contracts.selectors import entitlement_rows
from contracts.tables import EntitlementTable
from nhsit.lib.csv_export import csv_filename, csv_response, wants_csv
from nhsit.lib.filtering import filter_words, strict_rows
from nhsit.lib.tables import table_configure, table_sort


@require_safe
def entitlement_list(request: HttpRequest) -> HttpResponse:
    filterset = EntitlementFilter(request.GET or None, queryset=entitlement_rows())
    table = EntitlementTable(strict_rows(filterset))
    if wants_csv(request, filterset):
        table_sort(request, table)
        filename = csv_filename("entitlements", *filter_words(filterset))
        return csv_response(filename, ENTITLEMENT_COLUMNS, entitlement_csv_body(table.data.data))
    table_configure(request, table)
    return render(request, "contracts/entitlement_list.html", {"filterset": filterset, "table": table})
