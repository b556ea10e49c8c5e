"""Telling an editor their save was not made because someone else's was: what changed meanwhile, and the 409
answer (the page of the record, or the "not saved" page) that every save path gives."""

from django.contrib.admin import helpers
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from contracts.services.history import changes_since


def changed_meanwhile_message(record, version: int):
    """Why a stale save was refused, naming each change made since the editor opened the record."""
    changes = changes_since(record, version)
    if not changes:
        return "Someone else saved this record after you opened it, so your save was refused. Reload it to see theirs."
    items = format_html_join(
        "",
        "<li>{} by {}: {}</li>",
        (
            (
                timezone.localtime(change.when).strftime("%d %b %Y %H:%M"),
                change.who,
                "; ".join(f"{item.field}: {item.old} → {item.new}" for item in change.changes) or change.kind,
            )
            for change in changes
        ),
    )
    return format_html(
        "Someone else saved this record after you opened it, so your save was refused and nothing was written. "
        "Changed meanwhile:<ul>{}</ul>Your values are still in the form below: reload the record to see the current "
        "version, then make your change again.",
        items,
    )


def mark_stale(request) -> None:
    """The response to this request is to say, with a 409 status, that a save was refused as stale."""
    if request is not None:
        request.stale_save = True


def with_conflict_status(request, response: HttpResponse) -> HttpResponse:
    if getattr(request, "stale_save", False) and response.status_code == 200:
        response.status_code = 409
    return response


def conflict(request: HttpRequest, target=None, message: str = "") -> HttpResponse:
    """Another editor saved the same record first; nothing of theirs was overwritten, nothing of this one's kept.
    (django-concurrency's handler for a save that lost the race in the database, CONCURRENCY_HANDLER409.)"""
    context = {"record": target, "message": message}
    return HttpResponse(render_to_string("409.html", context, request), status=409)


def selected_versions(request) -> dict[int, int]:
    """{record id: version} of the rows an action was asked for, each sent as "id,version"."""
    versions = {}
    for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
        pk, _, version = str(value).partition(",")
        if not (pk.isascii() and pk.isdigit() and version.isascii() and version.isdigit()):
            raise BadRequest("Each selected row must be sent as its id and version, e.g. “12,3”: reload the list.")
        versions[int(pk)] = int(version)
    return versions
