import re

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from contracts.filters import SourceFilter
from contracts.models import Source
from contracts.selectors import source_citations, source_rows
from contracts.tables import SourceTable
from nhsit.lib.csv_export import csv_body, csv_filename, csv_response, wants_csv
from nhsit.lib.filtering import filter_words, strict_rows
from nhsit.lib.tables import table_configure, table_sort

RECORD_NUMBER = re.compile(r"[0-9]{1,19}")

SOURCE_COLUMNS = ["key", "title", "kind", "publisher", "author", "published", "url", "records_supported"]


@require_safe
def source_list(request: HttpRequest) -> HttpResponse:
    filterset = SourceFilter(request.GET or None, queryset=source_rows())
    table = SourceTable(strict_rows(filterset))
    if wants_csv(request, filterset):
        table_sort(request, table)
        rows = (
            (s.key, s.title, s.kind, s.publisher, s.author, s.published_display, s.url, s.citation_count)
            for s in table.data.data.iterator(chunk_size=2000)
        )
        return csv_response(csv_filename("sources", *filter_words(filterset)), SOURCE_COLUMNS, csv_body(rows))
    table_configure(request, table)
    return render(request, "contracts/source_list.html", {"filterset": filterset, "table": table})


@require_safe
def source_detail(request: HttpRequest, pk: str) -> HttpResponse:
    # Checked here, not by an <int:> converter: a number too big for the database must be a 404 too. ASCII digits
    # only: str.isdigit() also accepts "²" and "①", which int() refuses.
    number = int(pk) if RECORD_NUMBER.fullmatch(pk) else None
    source = Source.objects.filter(pk=number).first() if number is not None and number < 2**63 else None
    if source is None:
        raise Http404(f"There is no source numbered “{pk[:20]}”.")
    context = {"source": source, "citations": source_citations(source=source)}
    return render(request, "contracts/source_detail.html", context)
