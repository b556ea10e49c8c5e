from dataclasses import replace

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from contracts.filters import CompareFilter
from contracts.models import Contract
from contracts.pages.contracts import contract_headlines
from contracts.pages.overview import contract_overview
from contracts.selectors.revisions import revision_choice, revision_in_force
from contracts.views.choosing import CHOICE_PARAMETERS, chosen_revisions, refuse_unknown_parameters
from contracts.views.days import asked_day, refuse_as_of_with_a_choice
from contracts.views.preview import shows_drafts


@require_safe
def contract_list(request: HttpRequest) -> HttpResponse:
    refuse_unknown_parameters(request, [])
    return render(
        request, "contracts/contract_list.html", {"headlines": contract_headlines(drafts=shows_drafts(request))}
    )


@require_safe
def contract_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A contract's overview between two of its revisions (the first and the latest unless chosen), and its
    revisions as a timeline."""
    contract = get_object_or_404(Contract.objects.select_related("supplier"), slug=slug)
    refuse_unknown_parameters(request, CHOICE_PARAMETERS | {"as_of"})
    refuse_as_of_with_a_choice(request)
    drafts = shows_drafts(request)
    day = asked_day(request, "as_of")
    in_force = revision_in_force(contract=contract, day=day, drafts=drafts) if day else None
    if in_force is not None:
        # The overview then runs from the first revision to the one in force (compares nothing when none was).
        choice = revision_choice(
            contract=contract, target=in_force.revision.code if in_force.revision else "", drafts=drafts
        )
        if in_force.revision is None:
            choice = replace(choice, target=choice.base)
    else:
        choice = chosen_revisions(request, contract, drafts=drafts)
    overview = contract_overview(choice=choice, drafts=drafts, with_timeline=True)
    context = {
        "contract": contract,
        "overview": overview,
        "in_force": in_force,
        "compare_form": CompareFilter(None, contract=contract, drafts=drafts).form,
    }
    return render(request, "contracts/contract_detail.html", context)
