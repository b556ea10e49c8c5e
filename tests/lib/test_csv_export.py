import pytest
from model_bakery import baker

from contracts.models import Entitlement
from nhsit.lib.csv_export import ESCAPED_PREFIXES, FORMULA_PREFIXES, csv_filename, neutralise, unescape
from organisations.models import Organisation
from tests.helpers import csv_rows


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_a_cell_a_spreadsheet_would_run_is_neutralised(prefix):
    assert neutralise(f'{prefix}HYPERLINK("http://example.com")') == f'\'{prefix}HYPERLINK("http://example.com")'


@pytest.mark.parametrize("value", ["'Twas", "'=1+1", "''", "=1+1", "-5", "plain", "a'b", "\tx"])
def test_unescape_gives_back_exactly_what_neutralise_protected(value):
    assert unescape(neutralise(value)) == value


@pytest.mark.parametrize(
    "value, shown", [("RAN", "RAN"), (None, ""), (True, "yes"), (False, "no"), (12, "12"), ("a=b", "a=b")]
)
def test_other_cells_are_left_as_they_are(value, shown):
    assert neutralise(value) == shown


def test_the_file_name_says_what_it_holds():
    assert csv_filename("london-lsp", "compare", "original", "ccn3", "Cerner Millennium") == (
        "london-lsp-compare-original-ccn3-cerner-millennium.csv"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ESCAPED_PREFIXES)
def test_formula_cells_come_out_neutralised_from_every_export(client, ccn3, prefix):
    organisation = baker.make("trusts.Organisation", code="ZZ1", name="Formula Trust", kind_id="acute")
    system = ccn3.entitlements.first().system
    entitlement = Entitlement.objects.create(revision=ccn3, organisation=organisation, system=system, status="entitled")
    # Written past the save, which would turn a leading CR into LF: an export is safe however its data got in.
    Organisation.objects.filter(pk=organisation.pk).update(name=f"{prefix}cmd|' /C calc'!A0")
    Entitlement.objects.filter(pk=entitlement.pk).update(delivery_model=f"{prefix}1+1")
    entitlements = {row["identifier"]: row for row in csv_rows(client.get("/entitlements/", {"_export": "csv"}))}
    assert entitlements["ZZ1"]["organisation"] == f"'{prefix}cmd|' /C calc'!A0"
    assert entitlements["ZZ1"]["delivery_model"] == f"'{prefix}1+1"
    compare = {
        row["identifier"]: row for row in csv_rows(client.get("/contracts/london-lsp/compare/", {"_export": "csv"}))
    }
    assert compare["ZZ1"]["organisation"] == f"'{prefix}cmd|' /C calc'!A0"
    assert compare["ZZ1"]["delivery_model"] == f"'{prefix}1+1"
    trusts = {row["identifier"]: row for row in csv_rows(client.get("/trusts/", {"_export": "csv"}))}
    assert trusts["ZZ1"]["name"] == f"'{prefix}cmd|' /C calc'!A0"


@pytest.mark.django_db
def test_exports_stream(client):
    response = client.get("/entitlements/", {"_export": "csv"})
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/entitlements/",
        "/contracts/london-lsp/compare/",
        "/contracts/london-lsp/compare/?live=yes&sort=-identifier",
        "/trusts/",
        "/trusts/?kind=acute&sort=-identifier",
    ],
)
def test_copy_and_python_write_the_same_bytes(client, url, monkeypatch, ccn3):
    from django.db import connection

    from contracts import exports

    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    organisation = baker.make(
        "trusts.Organisation", code="ZZ2", name='=1+1, "quoted"\nnext line', kind_id="acute", sector="@sector"
    )
    Entitlement.objects.create(
        revision=ccn3, organisation=organisation, system=ccn3.entitlements.first().system, status="entitled",
        delivery_model="\r-carriage", deployment_slot="'slot", withdrawal_reason="+reason",
    )  # fmt: skip
    separator = "&" if "?" in url else "?"
    first = b"".join(client.get(f"{url}{separator}_export=csv").streaming_content)
    used_copy = exports.copy_available()
    monkeypatch.setattr(exports, "copy_available", lambda: not used_copy)
    second = b"".join(client.get(f"{url}{separator}_export=csv").streaming_content)
    assert first == second
    if "live=yes" in url:
        assert b"ZZ2" not in first  # not live there, so not among the rows
    else:
        assert b"'=1+1" in first and b"'@sector" in first


@pytest.mark.django_db
def test_an_export_of_no_rows_is_just_the_header(client):
    response = client.get("/entitlements/", {"organisation": "no such trust", "_export": "csv"})
    assert b"".join(response.streaming_content).decode() == (
        "contract,revision,identifier,organisation,kind,sector,system,status,delivery_model,slot,reason,sources,evidence\n"
    )
