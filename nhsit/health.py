"""GET /healthz/ for load balancers and the container: 200 while the database answers, 503 when it does not, or
when it does not answer within HEALTH_CHECK_SECONDS.

Answered by a middleware ahead of all others, so that it needs no allowed host name, no HTTPS redirect,
no session and no login: a health check speaks plain HTTP to 127.0.0.1 from inside.

The database is asked from a thread of its own, on a connection of its own, so that a database which accepts
connections but never answers cannot hold the health check (or the load balancer behind it) past its time. One
question at a time: while one is unanswered, later checks wait on it rather than piling up more.
"""

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as NoAnswerYet

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse

PATH = "/healthz/"

_asker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="healthz")
_pending: Future | None = None
_pending_lock = threading.Lock()


def _ask_database() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        connection.close()


def database_answers(timeout: float) -> bool | None:
    """True if the database answered, False if it refused, None if it said nothing within `timeout` seconds."""
    global _pending
    with _pending_lock:
        if _pending is None or _pending.done():
            _pending = _asker.submit(_ask_database)
        question = _pending
    try:
        question.result(timeout=timeout)
    except NoAnswerYet:
        return None
    except DatabaseError:
        return False
    return True


def database_health() -> JsonResponse:
    answered = database_answers(settings.HEALTH_CHECK_SECONDS)
    if answered is None:
        seconds = f"{settings.HEALTH_CHECK_SECONDS:g}"
        return JsonResponse({"status": "unavailable", "database": f"no answer within {seconds} s"}, status=503)
    if not answered:
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
