"""The second real contract, BT's Southern work (CCN1 South, then the S3 greenfield deal), with Fujitsu's terminated
Southern contract before it, loaded beside the London seed: its pages and exports show what its sources say, loading
it twice changes nothing, and loading it changes no London record."""

import re

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers

from contracts.models import Contract, Entitlement
from contracts.services.seed import read_seed, seed_load
from organisations.models import Organisation
from tests.helpers import csv_header, csv_rows, visible_text

SOUTHERN_SEED = settings.SEED_DIR / "southern_lsp"
LONDON_SEED = settings.SEED_DIR / "london_lsp"
SEEDED_MODELS = [model for app in ("trusts", "contracts") for model in apps.get_app_config(app).get_models()]

# The sections whose records are shared between datasets, matched on their natural key.
SHARED = {
    "supplier": "slug",
    "source": "key",
    "identifier_scheme": "prefix",
    "organisation_kind": "slug",
    "organisation": "code",
    "system": "slug",
}


@pytest.fixture
def southern(db) -> Contract:
    seed_load(directory=SOUTHERN_SEED)
    return Contract.objects.get(slug="southern-lsp")


def records() -> dict[str, str]:
    """Every seeded record, serialized, by model and primary key."""
    return {
        f"{model._meta.label}:{record['pk']}": str(record)
        for model in SEEDED_MODELS
        for record in serializers.serialize("python", model._default_manager.order_by("pk"))
    }


def test_the_home_page_and_the_contract_list_show_both_southern_contracts(client, southern):
    for url in ("/", "/contracts/"):
        text = visible_text(client.get(url))
        assert "BT Southern LSP work (CCN1 South) BT 31 Mar 2009 2 S3 greenfield deal" in text
        assert re.search(r"Southern LSP contract \(Fujitsu\) Fujitsu Services \w+( \w+)? 1 Original contract", text)
    assert client.get("/").context["overview"].contract.slug == "london-lsp"


def test_the_contract_page_says_ccn1_south_is_a_change_to_bts_lsp_contract_worth_546m(client, southern):
    text = visible_text(client.get("/contracts/southern-lsp/"))
    assert "Supplier BT Region South of England Signed 31 Mar 2009" in text
    assert "It is not a separately let contract: it is a change to BT's London Local Service Provider contract" in text
    assert "Value under CCN1 South £546,000,000" in text
    assert "Value under S3 greenfield deal unknown" in text
    assert "3 kept 1 lost 8 unknown" in text


def test_the_contract_page_sets_the_sources_other_values_beside_hansards(client, southern):
    text = visible_text(client.get("/contracts/southern-lsp/"))
    assert re.search(r"BT's £542m deal in the South of England .*? 542,000,000 GBP 546,000,000 .*? disagrees", text)
    assert re.search(r"£540m deal with BT .*? 540,000,000 GBP 546,000,000 .*? disagrees", text)
    assert re.search(
        r"lifetime value of BT's LSP contract by £546 million .*? 546,000,000 GBP 546,000,000 .*? agrees", text
    )
    assert re.search(r"Eight existing sites, later reduced to seven .*? 7 live sites 7 .*? agrees", text)


def test_fujitsus_contract_has_its_value_its_aims_and_the_live_sites_the_records_hold(client, southern):
    text = visible_text(client.get("/contracts/fujitsu-southern-lsp/"))
    assert "Supplier Fujitsu Services" in text and "terminated the contract on 28 May 2008" in text
    assert "Value under Original contract £1,212,000,000" in text
    assert "This contract has one revision in the records: there is nothing to compare yet." in text
    compare = client.get("/contracts/fujitsu-southern-lsp/compare/")
    assert compare.status_code in (200, 400) and "nothing to compare yet" in visible_text(compare)
    assert re.search(r"to 42 acute trusts .*? 42 acute trusts 42 .*? agrees", text)
    assert re.search(r"at 43 acute trusts in the South .*? 43 acute trusts 42 .*? disagrees", text)
    # Winchester and Eastleigh, the eighth, is not recorded: its ODS code is in no list read.
    assert re.search(r"eight live sites before the termination .*? 8 live sites 7 .*? disagrees", text)


def test_comparing_ccn1_south_with_the_s3_deal_shows_each_trusts_status_in_both(client, southern):
    response = client.get(
        "/contracts/southern-lsp/compare/", {"base": "ccn1-south", "target": "s3-greenfield", "_export": "csv"}
    )
    rows = {row["identifier"]: row for row in csv_rows(response)}
    expected = set(Entitlement.objects.filter(revision__contract=southern).values_list("organisation__code", flat=True))
    assert set(rows) == expected
    basingstoke = rows["RN5"]
    assert (basingstoke["base_status"], basingstoke["target_status"], basingstoke["outcome"]) == (
        "entitled", "declined", "lost",
    )  # fmt: skip
    assert (rows["RVJ"]["target_status"], rows["RVJ"]["outcome"], rows["RVJ"]["live"]) == ("entitled", "kept", "yes")
    assert (rows["RXQ"]["base_status"], rows["RXQ"]["target_status"], rows["RXQ"]["live"]) == (
        "entitled",
        "unknown",
        "yes",
    )
    assert (rows["RA4"]["base_status"], rows["RA4"]["target_status"]) == ("unknown", "unknown")
    page = visible_text(client.get("/contracts/southern-lsp/compare/"))
    assert "CCN1 South → S3 greenfield deal" in page
    assert "RN5 Basingstoke and North Hampshire lost" in page and "RVJ North Bristol NHS Trust kept ● live" in page


def test_a_revision_of_the_other_contract_is_refused_by_name(client, southern):
    refused = client.get("/contracts/southern-lsp/", {"base": "ccn3"})
    assert refused.status_code == 400
    assert "its revisions are: ccn1-south, s3-greenfield" in visible_text(refused)


def test_the_system_pages_show_the_southern_work_beside_london(client, southern):
    cerner = visible_text(client.get("/systems/cerner-millennium/", {"contract": "southern-lsp"}))
    assert "Basingstoke and North Hampshire (RN5) : entitled → declined" in cerner
    assert "North Bristol NHS Trust (RVJ) : entitled → entitled ● live" in cerner
    assert "Worthing and Southlands Hospitals NHS Trust (RPL) : entitled → unknown ● live" in cerner
    rio = visible_text(client.get("/systems/rio/"))
    assert "Under London Local Service Provider contract" in rio and "Under BT Southern LSP work (CCN1 South)" in rio
    assert re.search(r"RiO at 25 mental health and community sites .*? 25 .*? agrees", rio)
    systems = visible_text(client.get("/systems/"))
    assert re.search(r"Cerner Millennium .*BT Southern LSP work \(CCN1 South\)", systems)


def test_a_southern_trusts_page_shows_both_contracts_and_who_delivered_what(client, southern):
    nuffield = visible_text(client.get("/trusts/RBF/"))
    assert "Nuffield Orthopaedic Centre NHS Trust" in nuffield and "Kind specialist acute" in nuffield
    assert "Under Southern LSP contract (Fujitsu)" in nuffield and "Under BT Southern LSP work (CCN1 South)" in nuffield
    assert re.search(r"Cerner Millennium whole organisation live .*? 22 Dec 2005 .*? Fujitsu Services", nuffield)
    basingstoke = visible_text(client.get("/trusts/RN5/"))
    assert re.search(r"Cerner Millennium entitled .*? Greenfield site declined .*? lost", basingstoke)
    assert "Foundation trust unknown" in basingstoke


def test_the_csv_exports_give_the_southern_statuses(client, southern):
    rows = csv_rows(
        client.get("/entitlements/", {"contract": "southern-lsp", "revision": "ccn1-south", "_export": "csv"})
    )
    statuses = {row["identifier"]: row["status"] for row in rows}
    assert statuses == dict(
        Entitlement.objects.filter(revision__contract=southern, revision__code="ccn1-south").values_list(
            "organisation__code", "status"
        )
    )
    assert statuses["RN5"] == "entitled" and statuses["RA4"] == "unknown"
    assert {row["contract"] for row in rows} == {"southern-lsp"}
    trusts = client.get("/trusts/", {"_export": "csv"})
    assert "southern-lsp:cerner-millennium" in csv_header(trusts)
    by_code = {row["identifier"]: row for row in csv_rows(client.get("/trusts/", {"_export": "csv"}))}
    assert by_code["RN5"]["southern-lsp:cerner-millennium"] == "declined"
    assert by_code["RN5"]["contracts"] == "southern-lsp"
    assert by_code["RVJ"]["southern-lsp:cerner-millennium"] == "entitled"


def test_what_the_sources_do_not_say_is_left_unknown_or_out(southern):
    s3 = southern.revisions.get(code="s3-greenfield")
    live_sites = ["RXQ", "RD8", "RBF", "RTP", "RPL", "RA3", "RBA"]
    assert set(s3.entitlements.filter(organisation__code__in=live_sites).values_list("status", flat=True)) == {
        "unknown"
    }
    assert s3.total_value is None
    assert not Organisation.objects.filter(name__icontains="Winchester").exists()
    assert not Entitlement.objects.filter(revision__contract=southern, system__slug="rio").exists()
    rio = southern.revisions.get(code="ccn1-south").deliverables.get(code="rio-sites")
    assert (rio.quantity, rio.unit) == (25, "mental health and community sites")
    flagged = Organisation.objects.filter(code__in=live_sites + ["RVJ", "RTH", "RD1", "RN5", "RA4"])
    assert set(flagged.values_list("is_foundation_trust", flat=True)) == {None}


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("/contracts/southern-lsp/data-quality/", "Data quality: BT Southern LSP work (CCN1 South)"),
        ("/contracts/southern-lsp/compare/?base=s3-greenfield&target=ccn1-south", "S3 greenfield deal → CCN1 South"),
        ("/figures/?contract=southern-lsp", "Eight existing sites, later reduced to seven"),
        ("/trusts/?contract=southern-lsp", "Basingstoke and North Hampshire"),
        ("/search/?q=Basingstoke", "Basingstoke and North Hampshire had been due to be the fourth"),
    ],
)
def test_every_other_page_works_with_the_southern_contracts(client, southern, url, shown):
    response = client.get(url)
    assert response.status_code == 200, url
    assert shown in visible_text(response)


def test_loading_the_southern_seed_twice_changes_nothing(southern):
    before = records()
    report = seed_load(directory=SOUTHERN_SEED)
    assert report.changed == 0
    assert sum(report.unchanged.values()) > 250
    assert records() == before


def test_loading_the_southern_seed_changes_no_london_record(db):
    before = records()
    report = seed_load(directory=SOUTHERN_SEED)
    after = records()
    assert report.updated == {}
    assert {key: after.get(key) for key in before} == before
    assert Contract.objects.get(slug="london-lsp").is_featured


def test_loading_either_dataset_after_the_other_changes_nothing(southern):
    seed_load(directory=LONDON_SEED)  # the London files as they are now, whatever the session loaded
    before = records()
    assert seed_load(directory=SOUTHERN_SEED).changed == 0
    assert seed_load(directory=LONDON_SEED).changed == 0
    assert records() == before


def test_records_both_datasets_define_are_defined_alike_so_either_order_loads_the_same():
    london, southern = read_seed(LONDON_SEED).sections, read_seed(SOUTHERN_SEED).sections
    differing = []
    for section, key in SHARED.items():
        theirs = {entry[key]: entry for entry in london.get(section, [])}
        for entry in southern.get(section, []):
            other = theirs.get(entry[key])
            if other is not None and _fields(other) != _fields(entry):
                differing.append(f"[[{section}]] {entry[key]}")
    assert differing == []
    assert {entry["slug"] for entry in southern["supplier"]} >= {"bt", "cerner", "fujitsu"}


def _fields(entry: dict) -> dict:
    return {name: value for name, value in entry.items() if name != "cite"}


def test_a_system_page_for_one_contract_shows_only_that_contracts_lines_and_deployments(client, southern):
    response = client.get("/systems/cerner-millennium/", {"contract": "southern-lsp"})
    overview = response.context["overview"]
    assert overview.deliverables
    assert {line.revision.contract.slug for line in overview.deliverables} == {"southern-lsp"}
    assert all(deployment.contract_id == southern.pk for deployment in overview.deployments)
