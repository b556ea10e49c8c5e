"""An editor's preview of draft revisions on the public pages, which otherwise show published revisions only.

Switched on and off from the admin, for one editor's session; while it is on, every page says so.
"""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

SESSION_KEY = "preview_drafts"


def shows_drafts(request: HttpRequest) -> bool:
    """Whether this request's pages include draft revisions: only for a signed-in editor who asked to preview."""
    user = getattr(request, "user", None)
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_staff
        and user.has_perm("contracts.view_revision")
        and request.session.get(SESSION_KEY)
    )


def previewing(request: HttpRequest) -> dict[str, bool]:
    """A context processor: pages say when they include drafts."""
    return {"previewing_drafts": shows_drafts(request)}


@require_POST
@staff_member_required
def preview_drafts(request: HttpRequest) -> HttpResponse:
    """Preview on (`preview=on`) or off, then back to where the editor was (a page of this site only)."""
    request.session[SESSION_KEY] = request.POST.get("preview") == "on"
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = "/"
    return redirect(back or "/")
