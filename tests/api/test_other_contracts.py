"""A contract from outside the NHS beside the London seed: the API names its councils by their GB-LAE
identifiers, and a revision code two contracts share needs its contract, as on the pages."""

from tests.api.conftest import all_rows
from tests.contracts.council import council_contract


def test_a_council_is_found_by_its_prefixed_identifier(api, db):
    council_contract()
    body = api.get("/api/organisations/GB-LAE-WSM/").json()
    assert body["identifier"] == "GB-LAE-WSM"
    assert body["scheme"] == "GB-LAE"
    assert {row["contract"] for row in body["entitlements"]} == {"councils-care"}


def test_the_council_contract_compares_on_its_own(api, db):
    council_contract()
    rows = all_rows(api, "/api/contracts/councils-care/compare/", base="original", target="ccn2", outcome="lost")
    assert {(row["identifier"], row["system"]) for row in rows} >= {("GB-LAE-CMD", "social-care-record")}
    assert all(row["identifier"].startswith("GB-LAE-") for row in rows)


def test_a_revision_code_of_two_contracts_needs_its_contract(api, db):
    council_contract()
    response = api.get("/api/entitlements/", {"revision": "original"})
    assert response.status_code == 400
    assert "contract" in response.json()["errors"]
    both = all_rows(api, "/api/entitlements/", revision="original", contract="councils-care")
    assert both and {row["contract"] for row in both} == {"councils-care"}
