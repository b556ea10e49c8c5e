from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from contracts.pages.about import about_page
from contracts.views.choosing import refuse_unknown_parameters
from contracts.views.preview import shows_drafts


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    refuse_unknown_parameters(request, set())
    return render(request, "contracts/about.html", {"about": about_page(drafts=shows_drafts(request))})
