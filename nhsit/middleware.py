from urllib.parse import unquote

from django.core.exceptions import BadRequest


class RefuseNulCharactersMiddleware:
    """A NUL character in an address is never meant, and PostgreSQL cannot compare text holding one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            raise BadRequest("The address holds a NUL character, which no name or code here contains.")
        return self.get_response(request)
