"""Error pages that tell the person what was wrong with their request, without a traceback."""

import sys

from axes.helpers import get_cool_off
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from nhsit.lib.dates import duration_words

# Plain pages, built without the database or the template engine, for when either is what failed.
UNAVAILABLE = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Temporarily unavailable – Contract-change tracker</title></head>
<body><main><h1>Temporarily unavailable</h1>
<p>The tracker cannot reach its database just now. Nothing you sent was lost or half-saved. Please try again in a
few minutes.</p></main></body></html>
"""
SERVER_ERROR = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Something went wrong – Contract-change tracker</title></head>
<body><main><h1>Something went wrong</h1><p>The page could not be shown. Please try again later.</p></main></body>
</html>
"""


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


def server_error(request: HttpRequest) -> HttpResponse:
    """503 when the database is unreachable (a temporary state), 500 otherwise; never a traceback."""
    if isinstance(sys.exc_info()[1], DatabaseError):
        response = HttpResponse(UNAVAILABLE, status=503)
        response["Retry-After"] = "60"
        return response
    return HttpResponse(SERVER_ERROR, status=500)


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """Too many failed sign-ins (django-axes): how long sign-in is paused, as LOGIN_LOCKOUT_HOURS sets it."""
    context = {"wait": duration_words(get_cool_off(request))}
    return HttpResponse(render_to_string("locked_out.html", context, request), status=429)
