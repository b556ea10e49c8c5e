from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from contracts.pages.contracts import contract_headlines
from contracts.pages.overview import contract_overview
from contracts.selectors.revisions import featured_contract
from contracts.views.choosing import CHOICE_PARAMETERS, chosen_revisions, refuse_unknown_parameters
from contracts.views.preview import shows_drafts


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The contracts with their headline changes, and the featured one at a glance (between the revisions the
    address chooses, else its first and latest)."""
    refuse_unknown_parameters(request, CHOICE_PARAMETERS)
    contract = featured_contract()
    if contract is None:
        return render(request, "contracts/home_empty.html")
    drafts = shows_drafts(request)
    choice = chosen_revisions(request, contract, drafts=drafts)
    context = {
        "overview": contract_overview(choice=choice, drafts=drafts),
        "headlines": contract_headlines(drafts=drafts),
    }
    return render(request, "contracts/home.html", context)
