"""With a read replica configured, public reads go to it; writes, the admin and signed-in users stay on the primary."""

import pytest
from django.test import RequestFactory

from nhsit.replicas import PrimaryForEditorsMiddleware, ReplicaRouter
from organisations.models import Organisation
from tests.test_settings import run_settings

router = ReplicaRouter()


def reads_during(request) -> str:
    """Where the router sends a read made while the middleware handles `request`."""
    seen = []
    PrimaryForEditorsMiddleware(lambda request: seen.append(router.db_for_read(Organisation)))(request)
    return seen[0]


@pytest.mark.parametrize(
    "request_, database",
    [
        (RequestFactory().get("/trusts/?kind=acute"), "replica"),
        (RequestFactory().head("/contracts/london-lsp/compare/"), "replica"),
        (RequestFactory().post("/trusts/"), "default"),
        (RequestFactory().get("/admin/contracts/entitlement/"), "default"),
        (RequestFactory(HTTP_COOKIE="sessionid=abc").get("/trusts/"), "default"),
    ],
)
def test_reads_go_to_the_replica_only_for_anonymous_public_pages(request_, database):
    assert reads_during(request_) == database


def test_outside_a_request_writes_and_migrations_stay_on_the_primary():
    assert router.db_for_write(Organisation) == "default"
    assert router.allow_migrate("default", "trusts") and not router.allow_migrate("replica", "trusts")
    assert router.db_for_read(Organisation) == "replica"


def test_a_replica_url_adds_the_replica_its_router_and_its_middleware():
    probe = (
        "import django; django.setup(); from django.conf import settings; "
        "print(sorted(settings.DATABASES), settings.DATABASE_ROUTERS, settings.MIDDLEWARE[1])"
    )
    result = run_settings(
        DATABASE_URL="postgres://someone@127.0.0.1:5432/primary",
        DATABASE_REPLICA_URL="postgres://someone@10.0.0.2:5432/primary",
        probe=probe,
    )
    assert result.stdout.strip() == (
        "['default', 'replica'] ['nhsit.replicas.ReplicaRouter'] nhsit.replicas.PrimaryForEditorsMiddleware"
    ), result.stderr
    assert "replica" not in run_settings(probe=probe).stdout.split("]")[0]
