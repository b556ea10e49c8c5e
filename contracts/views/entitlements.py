from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.http import require_safe

from contracts.exports import ENTITLEMENT_COLUMNS, entitlement_csv_body
from contracts.filters import EntitlementFilter
from contracts.pages.facets import EntitlementListCounts, labelled
from contracts.selectors.entitlements import entitlement_page, entitlement_rows
from contracts.selectors.sorted_entitlements import COUNTED_SORTS, sorted_slice
from contracts.tables import EntitlementTable
from contracts.views.preview import shows_drafts
from nhsit.lib.csv_export import csv_filename
from nhsit.lib.filtering import filter_words, strict_rows
from nhsit.lib.tables import Download, Seek, SlicedBySort, sortable_columns, table_response


@require_safe
def entitlement_list(request: HttpRequest) -> HttpResponseBase:
    drafts = shows_drafts(request)
    rows = entitlement_rows(drafts=drafts)
    filterset = EntitlementFilter(
        request.GET or None, queryset=rows, drafts=drafts, sortable=sortable_columns(EntitlementTable)
    )
    counts = EntitlementListCounts(filterset, drafts=drafts)
    filtered = strict_rows(filterset)

    def sorted_page(field: str, descending: bool, start: int, stop: int) -> list | None:
        groups = counts.sorted_groups(filtered, field, descending)
        return None if groups is None else sorted_slice(filtered, groups, field, start=start, stop=stop)

    table = EntitlementTable(SlicedBySort(filtered, fields=COUNTED_SORTS, page=sorted_page))
    filename = csv_filename("entitlements", *filter_words(filterset))
    download = Download(filename, ENTITLEMENT_COLUMNS, entitlement_csv_body)
    return table_response(
        request, filterset=filterset, table=table, download=download, template="contracts/entitlement_list.html",
        context=lambda table: {"facets": labelled(filterset, counts.facets())}, count=counts.total,
        seek=Seek(
            (int, str, str, int),
            lambda rows, cursor, per_page: entitlement_page(rows, cursor=cursor, per_page=per_page, drafts=drafts),
        ),
    )  # fmt: skip
