"""The synthetic national dataset: deterministic, clearly synthetic, never mixed with real data."""

import hashlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from contracts.models import (
    Citation,
    Contract,
    Deliverable,
    Deployment,
    Entitlement,
    ReportedFigure,
    Revision,
    Source,
    System,
)
from contracts.services.seed import SeedError, seed_load
from contracts.services.synthetic import SyntheticError, synthetic_generate
from contracts.services.tally import tally_cells, tally_recount
from organisations.models import LocalSystem, Organisation, Succession, Supplier
from tests.conftest import LONDON_SEED

pytestmark = pytest.mark.django_db

SMALL = {"organisations": 40, "systems": 3, "revisions": 3}


@pytest.fixture
def empty_database(db):
    """The test database without the London seed (restored when the test's transaction rolls back)."""
    for model in [Citation, Deployment, Entitlement, Deliverable, ReportedFigure, Revision, Contract, LocalSystem,
                  Succession, Organisation, System, Source, Supplier]:  # fmt: skip
        model._default_manager.all().delete()


def remove_synthetic() -> None:
    for model in [Deployment, Entitlement, Revision, Contract, Organisation, System, Supplier]:
        model._default_manager.all().delete()


def fingerprint() -> str:
    rows = Entitlement.objects.order_by("organisation__code", "system__slug", "revision__sequence").values_list(
        "organisation__code", "organisation__kind", "organisation__sector", "system__slug", "revision__code",
        "status",
    )  # fmt: skip
    live = Deployment.objects.order_by("organisation__code", "system__slug").values_list(
        "organisation__code", "system__slug"
    )
    return hashlib.sha256(repr((list(rows), list(live))).encode()).hexdigest()


def test_the_same_seed_gives_the_same_data(empty_database):
    synthetic_generate(**SMALL, seed=1)
    first = fingerprint()
    remove_synthetic()
    synthetic_generate(**SMALL, seed=1)
    assert fingerprint() == first
    remove_synthetic()
    synthetic_generate(**SMALL, seed=2)
    assert fingerprint() != first


def test_it_fills_every_cell_and_names_everything_synthetic(empty_database):
    report = synthetic_generate(**SMALL, seed=1)
    assert Entitlement.objects.count() == report.entitlements == 40 * 3 * 3
    assert list(Contract.objects.values_list("slug", flat=True)) == ["synthetic-national"]
    assert all(code.startswith("Z") for code in Organisation.objects.values_list("code", flat=True))
    assert all(name.startswith("Synthetic") for name in Organisation.objects.values_list("name", flat=True))
    assert not Entitlement.objects.filter(status="withdrawn", withdrawal_reason="").exists()
    # Loaded with the tally's triggers suspended, then counted once: the same as a count from the rows.
    assert tally_cells() == tally_recount() != {}


def test_it_refuses_a_database_holding_real_data(db):
    with pytest.raises(SyntheticError, match="never mixed"):
        synthetic_generate(**SMALL, seed=1)


def test_the_seed_refuses_a_database_holding_synthetic_data(empty_database):
    synthetic_generate(**SMALL, seed=1)
    with pytest.raises(SeedError, match="synthetic data"):
        seed_load(directory=LONDON_SEED)


def test_the_command_reports_what_it_made(empty_database, capsys):
    call_command("generate_synthetic", "--organisations", "20", "--systems", "2", "--revisions", "2", verbosity=0)
    assert "Generated 20 organisations, 2 systems, 2 revisions, 80 entitlements" in capsys.readouterr().out


def test_the_command_says_why_it_refuses(db):
    with pytest.raises(CommandError, match="Nothing was written"):
        call_command("generate_synthetic", "--organisations", "20", verbosity=0)


def test_pages_work_on_synthetic_data(empty_database, client, settings):
    synthetic_generate(**SMALL, seed=1)
    for url in [
        "/",
        "/trusts/",
        "/trusts/Z00001/",
        "/contracts/synthetic-national/compare/?system=synthetic-system-01",
    ]:
        assert client.get(url).status_code == 200
