from urllib.parse import unquote

from django.core.exceptions import BadRequest
from django.urls import get_resolver


class RefuseNulCharactersMiddleware:
    """A NUL character in an address is never meant, and PostgreSQL cannot compare text holding one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            raise BadRequest("The address holds a NUL character, which no name or code here contains.")
        return self.get_response(request)


class BadRequestPageMiddleware:
    """A request a view refuses (BadRequest: an unknown parameter, a revision that is not one) gets the site's own
    400 page, with the view's message, whether DEBUG is on or not: Django would otherwise show its debug page under
    `make run` and the plain page in production."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, BadRequest):
            handler = get_resolver().resolve_error_handler(400)
            return handler(request, exception)  # type: ignore[call-arg]  # a 400 handler takes the exception
        return None
