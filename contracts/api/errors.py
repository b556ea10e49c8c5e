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
