"""Every error the API answers is JSON of one shape: `detail` says what went wrong in words, and `errors`, for a
refused parameter, names each one with its messages ("__all__" for what concerns the request as a whole)."""

from typing import Any

from django.core.exceptions import BadRequest, SuspiciousOperation
from rest_framework.exceptions import ParseError
from rest_framework.response import Response
from rest_framework.views import exception_handler


def _messages(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [message for item in value.values() for message in _messages(item)]
    if isinstance(value, list | tuple):
        return [message for item in value for message in _messages(item)]
    return [str(value)]


def error_body(data: Any) -> dict[str, Any]:
    if isinstance(data, dict) and set(data) == {"detail"}:
        return {"detail": str(data["detail"])}
    errors = data if isinstance(data, dict) else {"__all__": data}
    return {
        "detail": " ".join(_messages(errors)),
        "errors": {str(name): _messages(messages) for name, messages in errors.items()},
    }


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with Django's BadRequest (raised by the helpers the pages share) answered as a 400 too."""
    if isinstance(exc, BadRequest | SuspiciousOperation):
        exc = ParseError(str(exc))
    response = exception_handler(exc, context)
    if response is not None:
        response.data = error_body(response.data)
    return response
