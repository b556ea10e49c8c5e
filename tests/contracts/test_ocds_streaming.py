"""The OCDS release package is streamed, its items written as they are read: the same document as built whole,
in memory that does not grow with the number of entitlements."""

import datetime
import json
import tracemalloc

import pytest
from django.conf import settings
from django.http import StreamingHttpResponse

from contracts.models import Contract, Entitlement
from contracts.ocds.releases import release_package
from contracts.services.seed import seed_load
from tests.scale import entitled_organisations_loaded

pytestmark = pytest.mark.django_db

ORGANISATIONS = 1_000
EXTENSION = "http://testserver/ocds/extension/extension.json"


@pytest.fixture
def fixed_clock(monkeypatch):
    """The package says when it was published: the same second for both ways of writing it."""
    moment = datetime.datetime(2026, 5, 1, 12, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr("contracts.ocds.releases.timezone.now", lambda: moment)


def streamed(client, contract: Contract) -> bytes:
    response = client.get(f"/contracts/{contract.slug}/ocds.json")
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    return response.getvalue()


def built(contract: Contract) -> bytes:
    package = release_package(
        contract, uri=f"http://testserver/contracts/{contract.slug}/ocds.json", extension_url=EXTENSION
    )
    return json.dumps(package, ensure_ascii=False, indent=2).encode()


def test_the_streamed_package_is_the_document_built_whole_byte_for_byte(client, london, fixed_clock):
    assert streamed(client, london) == built(london)


def test_every_contract_of_the_southern_seed_streams_the_same_bytes_too(client, fixed_clock):
    seed_load(directory=settings.SEED_DIR / "southern_lsp")
    for contract in Contract.objects.all():
        if contract.revisions.filter(is_published=True).exists():
            assert streamed(client, contract) == built(contract), contract.slug


def test_a_revision_without_entitlements_streams_without_items(client, london, ccn3, fixed_clock):
    ccn3.entitlements.all().delete()
    body = streamed(client, london)
    assert body == built(london)
    [release] = [found for found in json.loads(body)["releases"] if found["id"].endswith("-ccn3")]
    assert "items" not in release["contracts"][0]


@pytest.fixture
def many_entitlements(london):
    revisions = list(london.revisions.filter(is_published=True))
    systems = list({entitlement.system_id: entitlement.system for entitlement in Entitlement.objects.all()}.values())
    entitled_organisations_loaded(
        prefix="S", name="Streamed Trust", count=ORGANISATIONS, systems=systems, revisions=revisions
    )
    return Entitlement.objects.filter(revision__in=revisions).count()


def test_a_large_package_streams_in_bounded_memory(
    client, london, many_entitlements, tmp_path, django_assert_max_num_queries
):
    # Once first, as a running server has: what a process sets up once is not the package's. The parties are
    # held whole (a few hundred bytes an organisation); the items, a chunk at a time.
    streamed(client, london)
    written = tmp_path / "ocds.json"
    with django_assert_max_num_queries(20), written.open("wb") as out:
        response = client.get("/contracts/london-lsp/ocds.json")
        assert isinstance(response, StreamingHttpResponse)
        tracemalloc.start()
        for chunk in response.streaming_content:
            out.write(chunk)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    size = written.stat().st_size
    package = json.loads(written.read_bytes())
    items = sum(len(found["contracts"][0].get("items", [])) for found in package["releases"])
    assert items == many_entitlements
    print(f"\n{items:,} items, {size / 1e6:.1f} MB of JSON, peak Python memory while streaming {peak / 1e6:.1f} MB")
    # Less than the document itself: built whole, its dictionaries took several times its size.
    assert size > 5_000_000 and peak < size
