"""A very large export streams: the server's memory does not grow with the number of rows."""

import tracemalloc
import zipfile

import pytest

from contracts.models import Entitlement
from tests.scale import entitled_organisations_loaded

pytestmark = pytest.mark.django_db

ORGANISATIONS = 20_000


@pytest.fixture
def many_entitlements(london):
    revisions = list(london.revisions.all())
    systems = list(
        {
            entitlement.system_id: entitlement.system for entitlement in Entitlement.objects.select_related("system")
        }.values()
    )
    entitled_organisations_loaded(
        prefix="M", name="Memory Trust", count=ORGANISATIONS, systems=systems, revisions=revisions
    )
    return Entitlement.objects.count()


def test_a_large_export_streams_in_flat_memory(client, many_entitlements):
    response = client.get("/entitlements/", {"_export": "csv"})
    tracemalloc.start()
    rows = size = 0
    for chunk in response.streaming_content:
        rows += chunk.count(b"\n")
        size += len(chunk)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert rows == many_entitlements + 1  # and the header
    print(f"\n{rows - 1:,} rows, {size / 1e6:.1f} MB of CSV, peak Python memory while streaming {peak / 1e6:.1f} MB")
    assert size > 8_000_000 and peak < 5_000_000


def test_the_whole_dataset_download_streams_in_flat_memory(client, many_entitlements, tmp_path):
    # Once first, as a running server has: what a process sets up once (its address resolver, its models' caches)
    # is not what a download costs.
    for _chunk in client.get("/download/all.zip").streaming_content:
        pass
    response = client.get("/download/all.zip")
    tracemalloc.start()
    size = 0
    with (tmp_path / "all.zip").open("wb") as file:
        for chunk in response.streaming_content:
            size += len(chunk)
            file.write(chunk)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    with zipfile.ZipFile(tmp_path / "all.zip") as package, package.open("entitlements.csv") as entitlements:
        rows = sum(1 for _line in entitlements)
        unzipped = package.getinfo("entitlements.csv").file_size
    assert rows == many_entitlements + 1  # and the header
    print(f"\n{rows - 1:,} entitlements, {unzipped / 1e6:.1f} MB of CSV in {size / 1e6:.1f} MB of zip, peak Python "
          f"memory while streaming {peak / 1e6:.1f} MB")  # fmt: skip
    assert unzipped > 5_000_000 and peak < 5_000_000
