"""Reads from a PostgreSQL read replica, when one is configured (DATABASE_REPLICA_URL).

The analysts' pages read from the replica. Everything an editor does, and every write, stays on the primary, so
an editor always sees what they have just saved. A replica lags by moments: public pages can bear that, the
editors' workshop cannot.
"""

from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_on_primary = ContextVar("on_primary", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        return "default" if _on_primary.get() else REPLICA

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, first, second, **hints) -> bool:
        return True  # the same data, whichever copy a record was read from

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == "default"  # the replica follows the primary's schema by itself


class PrimaryForEditorsMiddleware:
    """Keeps a request on the primary when it could write, is in the admin, or comes from a signed-in browser.

    Decided before anything reads the session or the user, from what the request itself says.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        on_primary = (
            request.method not in ("GET", "HEAD")
            or request.path.startswith("/admin/")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        )
        token = _on_primary.set(on_primary)
        try:
            return self.get_response(request)
        finally:
            _on_primary.reset(token)
