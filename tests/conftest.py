import os

import pytest
from django.conf import settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from contracts.models import Contract, Revision
from contracts.services.seed import seed_load

LONDON_SEED = settings.SEED_DIR / "london_lsp"

# Generated requests: a few hundred on a developer's machine, the full two thousand in CI (HYPOTHESIS_PROFILE=ci,
# which .ci/run sets). No example database: every run draws afresh.
for name, examples in [("dev", 300), ("ci", 2000)]:
    hypothesis_settings.register_profile(
        name, max_examples=examples, deadline=None, database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )  # fmt: skip
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(scope="session", autouse=True)
def in_process_settings():
    """Pages rendered in-process link static files by their plain names: the hashed names need collectstatic,
    which the tests of the served site run through the entrypoint. Passwords are hashed quickly: the tests make
    hundreds of accounts, and the served site keeps the real hasher."""
    from django.test import override_settings

    plain = {**settings.STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}}
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with override_settings(STORAGES=plain, PASSWORD_HASHERS=fast):
        yield


@pytest.fixture(autouse=True)
def forgotten_summaries():
    """Each test starts with nothing cached: what one test's data made a page say never shows in another."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the real London seed; each test's changes are rolled back."""
    with django_db_blocker.unblock():
        seed_load(directory=LONDON_SEED)


@pytest.fixture
def seed_drafts(db) -> None:
    """The seeded revisions as drafts, which an Editor may change (the seed publishes them; corrections to
    published data are tested on their own)."""
    for revision in Revision.objects.filter(contract__slug="london-lsp"):
        revision.is_published = False
        revision.save()


@pytest.fixture
def london(db) -> Contract:
    return Contract.objects.get(slug="london-lsp")


@pytest.fixture
def original(london) -> Revision:
    return london.revisions.get(code="original")


@pytest.fixture
def ccn3(london) -> Revision:
    return london.revisions.get(code="ccn3")


def _member_of(group_name: str, username: str):
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(username=username, password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db):
    """A data editor: changes entitlements, deliverables, deployments, sources and citations."""
    return _member_of("Editor", "editor")


@pytest.fixture
def second_editor(db):
    return _member_of("Editor", "second-editor")


@pytest.fixture
def viewer(db):
    """Reads everything in the admin, changes nothing."""
    return _member_of("Viewer", "viewer")


@pytest.fixture
def publisher(db):
    """Publishes and unpublishes revisions; edits nothing else."""
    return _member_of("Publisher", "publisher")


@pytest.fixture
def corrector(db):
    """An editor who may also correct the data of a published revision."""
    from django.contrib.auth.models import Permission

    user = _member_of("Editor", "corrector")
    user.user_permissions.add(Permission.objects.get(codename="correct_published_data"))
    return user


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def previewing_drafts(user):
    """A client signed in as `user` with the preview of draft revisions switched on, as from the admin."""
    client = client_for(user)
    response = client.post("/admin/preview-drafts/", {"preview": "on", "next": "/"})
    assert response.status_code == 302, response.status_code
    return client
