from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from contracts.selectors.search import site_search
from contracts.views.choosing import refuse_unknown_parameters
from contracts.views.preview import shows_drafts


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """The header's search box: organisations, systems, sources and quotes, grouped; straight to the organisation
    when its code is typed in full, or when it is all there is."""
    refuse_unknown_parameters(request, {"q"})
    results = site_search(request.GET.get("q", ""), drafts=shows_drafts(request))
    if results.destination is not None:
        return redirect(results.destination)
    return render(request, "contracts/search.html", {"results": results})
