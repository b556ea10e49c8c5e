"""Every error the API answers is JSON of one shape: `detail` says what went wrong in words, and `errors`, for a
refused parameter, names each one with its messages ("__all__" for what concerns the request as a whole)."""

from typing import Any

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.exceptions import ParseError
from rest_framework.response import Response
from rest_framework.views import exception_handler

from nhsit import errors as site_errors


def _messages(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [message for item in value.values() for message in _messages(item)]
    if isinstance(value, list | tuple):
        return [message for item in value for message in _messages(item)]
    return [str(value)]


def error_body(data: Any) -> dict[str, Any]:
    if isinstance(data, dict) and set(data) == {"detail"}:
        return {"detail": str(data["detail"])}
    errors = {
        str(name): _messages(messages)
        for name, messages in (data if isinstance(data, dict) else {"__all__": data}).items()
    }
    return {
        "detail": " ".join(_named(name, message) for name, messages in errors.items() for message in messages),
        "errors": {name: messages or ["Not a parameter this operation takes."] for name, messages in errors.items()},
    }


def _named(name: str, message: str) -> str:
    """The message, saying which parameter it is about when it does not already."""
    return message if name == "__all__" or message.startswith(f"{name}:") else f"{name}: {message}"


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with Django's BadRequest (raised by the helpers the pages share) answered as a 400 too."""
    if isinstance(exc, BadRequest | SuspiciousOperation):
        exc = ParseError(str(exc))
    response = exception_handler(exc, context)
    if response is not None:
        response.data = error_body(response.data)
    return response


def _own_message(exception: Exception | None, default: str) -> str:
    # Only messages this project raises are shown; Django's own (a resolver's dump of its patterns) are not.
    message = exception.args[0] if exception is not None and exception.args else ""
    return message if isinstance(message, str) and message else default


def _in_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A 400 raised before any view (the site's middleware refusing a NUL character): JSON under /api/."""
    if not _in_api(request):
        return site_errors.bad_request(request, exception)
    return JsonResponse({"detail": _own_message(exception, "The request could not be understood.")}, status=400)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """An address no route matches: JSON under /api/."""
    if not _in_api(request):
        return site_errors.not_found(request, exception)
    return JsonResponse({"detail": _own_message(exception, f"There is nothing at {request.path[:200]}.")}, status=404)
