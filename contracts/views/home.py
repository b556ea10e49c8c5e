from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from contracts.pages.overview import contract_overview
from contracts.selectors.revisions import default_contract
from contracts.views.preview import shows_drafts


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    contract = default_contract()
    if contract is None:
        return render(request, "contracts/home_empty.html")
    overview = contract_overview(contract=contract, drafts=shows_drafts(request))
    return render(request, "contracts/home.html", {"overview": overview})
