from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from contracts.filters import CompareFilter
from contracts.models import Contract
from contracts.pages.contracts import contract_page
from contracts.views.preview import shows_drafts


@require_safe
def contract_list(request: HttpRequest) -> HttpResponse:
    contracts = Contract.objects.select_related("supplier").order_by("signed_on", "title")
    return render(request, "contracts/contract_list.html", {"contracts": contracts})


@require_safe
def contract_detail(request: HttpRequest, slug: str) -> HttpResponse:
    contract = get_object_or_404(Contract.objects.select_related("supplier"), slug=slug)
    drafts = shows_drafts(request)
    context = {
        "contract": contract,
        "page": contract_page(contract=contract, drafts=drafts),
        "compare_form": CompareFilter(None, contract=contract, drafts=drafts).form,
    }
    return render(request, "contracts/contract_detail.html", context)
