from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from contracts.download import dataset_descriptor, dataset_tables
from contracts.models import Contract
from contracts.pages.download import download_page
from contracts.services.dataset import dataset_last_changed, dataset_records
from contracts.views.choosing import refuse_unknown_parameters
from nhsit.lib.datapackage import package_response

EVERYTHING = "all"


@require_safe
def download_list(request: HttpRequest) -> HttpResponse:
    refuse_unknown_parameters(request, [])
    return render(request, "contracts/download.html", {"page": download_page()})


@require_safe
def download_package(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """A contract's published records (or, as all.zip, everyone's) as a Frictionless Data Package, streamed.
    Never a draft, whoever asks: a download is shared on."""
    refuse_unknown_parameters(request, [])
    contract = None
    if slug != EVERYTHING:
        contract = Contract.objects.filter(slug=slug).select_related("supplier").first()
        if contract is None:
            raise Http404(f"No contract has the slug “{slug[:60]}”: see /download/ for the packages there are.")
    records = dataset_records(contract=contract)
    tables = dataset_tables(records)
    descriptor = dataset_descriptor(records, tables, last_changed=dataset_last_changed())
    return package_response(filename=f"{slug}.zip", descriptor=descriptor, tables=tables)
