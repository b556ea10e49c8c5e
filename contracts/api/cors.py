"""The API's answers may be read by a page on any site: they hold only published data and need no credentials."""

from typing import Any

from django.http import HttpRequest
from rest_framework.response import Response

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class OpenToAnyOrigin:
    """A view mixin: `Access-Control-Allow-Origin: *` on the answers to reads (never on anything else)."""

    def finalize_response(self, request: HttpRequest, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if request.method in SAFE_METHODS:
            response["Access-Control-Allow-Origin"] = "*"
        return response
