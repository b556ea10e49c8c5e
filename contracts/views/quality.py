"""The data-quality page, for the whole site and for one contract, and the lists its counts link to: facts by
their evidence, citations, and reported figures by verdict."""

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from contracts.exports import (
    CITATION_COLUMNS,
    FACT_COLUMNS,
    FIGURE_COLUMNS,
    citation_csv_body,
    fact_csv_body,
    figure_csv_body,
)
from contracts.filters import CitationFilter, FactFilter, FigureFilter
from contracts.models import Contract
from contracts.pages.figures import figure_list_checks
from contracts.pages.quality import quality_report
from contracts.quality_tables import CitationTable, FactTable, FigureTable
from contracts.selectors.citations import citation_rows
from contracts.views.preview import shows_drafts
from nhsit.lib.csv_export import csv_filename
from nhsit.lib.filtering import filter_words, strict_rows
from nhsit.lib.tables import Download, table_response

NOT_SORTED = frozenset[str]()


def _organisation_page(request: HttpRequest) -> str:
    """Which page of the table by organisation the address asks for: the page's one parameter."""
    unknown = sorted(set(request.GET) - {"page"})
    if unknown:
        named = ", ".join(f"“{name[:40]}”" for name in unknown)
        raise BadRequest(f"{named}: this page takes only “page”, the page of its table by organisation.")
    return request.GET.get("page", "1")


@require_safe
def data_quality(request: HttpRequest) -> HttpResponse:
    report = quality_report(drafts=shows_drafts(request), page=_organisation_page(request))
    contracts = Contract.objects.order_by("signed_on", "title")
    return render(request, "contracts/data_quality.html", {"report": report, "contracts": contracts})


@require_safe
def contract_quality(request: HttpRequest, slug: str) -> HttpResponse:
    contract = get_object_or_404(Contract, slug=slug)
    report = quality_report(contract=contract, drafts=shows_drafts(request), page=_organisation_page(request))
    return render(request, "contracts/data_quality.html", {"report": report})


@require_safe
def fact_list(request: HttpRequest) -> HttpResponseBase:
    filterset = FactFilter(request.GET or None, sortable=NOT_SORTED)
    facts = filterset.facts(drafts=shows_drafts(request))
    return table_response(
        request,
        filterset=filterset,
        table=FactTable(facts),
        download=Download(csv_filename("facts", *filter_words(filterset)), FACT_COLUMNS, fact_csv_body),
        template="contracts/fact_list.html",
        count=lambda: len(facts),
    )


@require_safe
def citation_list(request: HttpRequest) -> HttpResponseBase:
    drafts = shows_drafts(request)
    rows = citation_rows(drafts=drafts).order_by("id")
    filterset = CitationFilter(request.GET or None, queryset=rows, drafts=drafts, sortable=NOT_SORTED)
    return table_response(
        request,
        filterset=filterset,
        table=CitationTable(strict_rows(filterset)),
        download=Download(csv_filename("citations", *filter_words(filterset)), CITATION_COLUMNS, citation_csv_body),
        template="contracts/citation_list.html",
    )


@require_safe
def figure_list(request: HttpRequest) -> HttpResponseBase:
    drafts = shows_drafts(request)
    filterset = FigureFilter(request.GET or None, sortable=NOT_SORTED)
    checks = []
    if not filterset.is_bound or filterset.is_valid():
        scope = filterset.scope() if filterset.is_bound else None
        checks = figure_list_checks(scope=scope, wanted=filterset.wanted, drafts=drafts)
    return table_response(
        request,
        filterset=filterset,
        table=FigureTable(checks),
        download=Download(csv_filename("figures", *filter_words(filterset)), FIGURE_COLUMNS, figure_csv_body),
        template="contracts/figure_list.html",
    )
