"""GET /healthz/ for load balancers and the container: 200 while the database answers, 503 when it does not.

Answered by a middleware ahead of all others, so that it needs no allowed host name, no HTTPS redirect,
no session and no login: a health check speaks plain HTTP to 127.0.0.1 from inside.
"""

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse

PATH = "/healthz/"


def database_health() -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.path == PATH and request.method in ("GET", "HEAD"):
            response = database_health()
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)
