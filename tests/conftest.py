import pytest
from django.conf import settings

from contracts.models import Contract, Revision
from contracts.services.seed import seed_load

LONDON_SEED = settings.SEED_DIR / "london_lsp"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the real London seed; each test's changes are rolled back."""
    with django_db_blocker.unblock():
        seed_load(directory=LONDON_SEED)


@pytest.fixture
def london(db) -> Contract:
    return Contract.objects.get(slug="london-lsp")


@pytest.fixture
def original(london) -> Revision:
    return london.revisions.get(code="original")


@pytest.fixture
def ccn3(london) -> Revision:
    return london.revisions.get(code="ccn3")
