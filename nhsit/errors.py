"""Error pages that tell the person what was wrong with their request, without a traceback."""

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def _message(exception) -> str:
    # Only messages this project raises are shown; Django's own (e.g. a resolver dump) are not.
    message = exception.args[0] if getattr(exception, "args", None) else ""
    return message if isinstance(message, str) else ""


def bad_request(request: HttpRequest, exception) -> HttpResponse:
    context = {"message": _message(exception) or "The request could not be understood."}
    return HttpResponse(render_to_string("400.html", context, request), status=400)


def not_found(request: HttpRequest, exception) -> HttpResponse:
    context = {"message": _message(exception), "path": request.path}
    return HttpResponse(render_to_string("404.html", context, request), status=404)


def conflict(request: HttpRequest, target=None) -> HttpResponse:
    """Another editor saved the same record first; nothing of theirs was overwritten."""
    context = {"record": target}
    return HttpResponse(render_to_string("409.html", context, request), status=409)
