from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from contracts.models import System
from contracts.pages.systems import system_overview
from contracts.selectors.systems import system_rows
from contracts.views.preview import shows_drafts


@require_safe
def system_list(request: HttpRequest) -> HttpResponse:
    return render(request, "contracts/system_list.html", {"systems": system_rows(drafts=shows_drafts(request))})


@require_safe
def system_detail(request: HttpRequest, slug: str) -> HttpResponse:
    system = get_object_or_404(System.objects.select_related("vendor"), slug=slug)
    overview = system_overview(system=system, drafts=shows_drafts(request))
    return render(request, "contracts/system_detail.html", {"overview": overview})
