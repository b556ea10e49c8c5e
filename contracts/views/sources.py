import re

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_safe

from contracts.exports import SOURCE_COLUMNS, source_csv_body
from contracts.filters import SourceFilter
from contracts.models import Source
from contracts.pages.facets import labelled, source_facets
from contracts.pages.sources import cited_passages, key_documents
from contracts.selectors.sources import source_rows
from contracts.tables import SourceTable
from contracts.views.preview import shows_drafts
from nhsit.lib.csv_export import csv_filename
from nhsit.lib.filtering import filter_words, strict_rows
from nhsit.lib.tables import Download, sortable_columns, table_response

RECORD_NUMBER = re.compile(r"[0-9]{1,19}")


@require_safe
def source_list(request: HttpRequest) -> HttpResponseBase:
    rows = source_rows(drafts=shows_drafts(request))
    filterset = SourceFilter(request.GET or None, queryset=rows, sortable=sortable_columns(SourceTable))
    table = SourceTable(strict_rows(filterset))
    download = Download(csv_filename("sources", *filter_words(filterset)), SOURCE_COLUMNS, source_csv_body)
    return table_response(
        request, filterset=filterset, table=table, download=download, template="contracts/source_list.html",
        context=lambda table: {
            "key_documents": key_documents(drafts=shows_drafts(request)),
            "facets": labelled(filterset, source_facets(filterset)),
        },
    )  # fmt: skip


@require_safe
def source_detail(request: HttpRequest, pk: str) -> HttpResponse:
    # Checked here, not by an <int:> converter: a number too big for the database must be a 404 too. ASCII digits
    # only: str.isdigit() also accepts "²" and "①", which int() refuses.
    number = int(pk) if RECORD_NUMBER.fullmatch(pk) else None
    source = Source.objects.filter(pk=number).first() if number is not None and number < 2**63 else None
    if source is None:
        raise Http404(f"There is no source numbered “{pk[:20]}”.")
    drafts = shows_drafts(request)
    context = {"source": source, "passages": cited_passages(source=source, drafts=drafts)}
    return render(request, "contracts/source_detail.html", context)
