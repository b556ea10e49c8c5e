from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from contracts.models import Contract, System
from contracts.pages.system_list import system_list_rows
from contracts.pages.systems import system_overview
from contracts.selectors.revisions import UnknownRevision
from contracts.views.choosing import CHOICE_PARAMETERS, refuse_unknown_parameters
from contracts.views.preview import shows_drafts


@require_safe
def system_list(request: HttpRequest) -> HttpResponse:
    """Every system with the contracts dealing with it (or those of the contract `?contract=` names)."""
    refuse_unknown_parameters(request, ["contract"])
    drafts = shows_drafts(request)
    contracts = list(Contract.objects.order_by("title"))
    slug = request.GET.get("contract", "").strip()
    chosen = next((contract for contract in contracts if contract.slug == slug), None)
    if slug and chosen is None:
        raise BadRequest(
            f"contract: “{slug[:60]}” is not a contract; these are: {', '.join(c.slug for c in contracts)}."
        )
    rows = system_list_rows(contracts=contracts, chosen=chosen, drafts=drafts)
    return render(request, "contracts/system_list.html", {"rows": rows, "contract": chosen})


@require_safe
def system_detail(request: HttpRequest, slug: str) -> HttpResponse:
    system = get_object_or_404(System.objects.select_related("vendor"), slug=slug)
    refuse_unknown_parameters(request, CHOICE_PARAMETERS | {"contract"})
    chosen = {name: request.GET.get(name, "").strip() for name in ["contract", "base", "target"]}
    try:
        overview = system_overview(system=system, drafts=shows_drafts(request), **chosen)
    except UnknownRevision as error:
        raise BadRequest(str(error)) from error
    return render(request, "contracts/system_detail.html", {"overview": overview})
