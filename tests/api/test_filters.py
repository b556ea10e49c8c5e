"""The API filters with the pages' own filter sets: the same rows as the page's CSV, the same refusals."""

import csv
import io

import pytest

from contracts.api.filtering import StrictFilterBackend
from contracts.filters import EntitlementFilter
from contracts.selectors.entitlements import entitlement_rows
from tests.api.conftest import all_rows


def csv_rows(client, url: str, **params) -> list[dict]:
    response = client.get(url, {**params, "_export": "csv"})
    assert response.status_code == 200, response.content[:500]
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


HEADLINE = {"base": "original", "target": "ccn3", "system": "cerner-millennium", "outcome": "lost"}


def test_the_headline_question_has_the_pages_answer(api):
    rows = all_rows(api, "/api/contracts/london-lsp/compare/", **HEADLINE)
    exported = csv_rows(api, "/contracts/london-lsp/compare/", **HEADLINE)
    assert exported, "the seed has trusts that lost Cerner under CCN3"
    assert sorted((row["identifier"], row["outcome"]) for row in rows) == sorted(
        (row["identifier"], row["outcome"]) for row in exported
    )
    assert {row["outcome"] for row in rows} == {"lost"}
    assert {row["system"] for row in rows} == {"cerner-millennium"}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"system": "rio"},
        {"outcome": ["kept", "gained"]},
        {"kind": "acute", "live": "yes"},
        {"ods": "RAN RAL", "roll_up": "yes"},
    ],
)
def test_compare_rows_are_the_pages_csv_rows(api, params):
    rows = all_rows(api, "/api/contracts/london-lsp/compare/", page_size=17, **params)
    exported = csv_rows(api, "/contracts/london-lsp/compare/", **params)
    as_api = [
        (row["identifier"], row["system"], row["base_status"], row["target_status"], row["outcome"]) for row in rows
    ]
    as_csv = [
        (row["identifier"], row["system"], row["base_status"], row["target_status"], row["outcome"]) for row in exported
    ]
    assert sorted(as_api) == sorted(as_csv)
    assert len(set(as_api)) == len(as_api)


@pytest.mark.parametrize(
    "params",
    [
        {"status": "withdrawn"},
        {"system": ["rio", "cerner-millennium"], "revision": "ccn3"},
        {"ods_code": "RAN"},
        {"organisation": "royal"},
        {"evidence": "uncited"},
        {"contract": "london-lsp", "revision": "original", "kind": "acute"},
    ],
)
def test_entitlement_rows_are_the_pages_csv_rows(api, params):
    rows = all_rows(api, "/api/entitlements/", page_size=100, **params)
    exported = csv_rows(api, "/entitlements/", **params)
    key = ("contract", "revision", "system", "status")
    as_api = sorted((row["organisation"], *(row[name] for name in key)) for row in rows)
    as_csv = sorted((row["identifier"], *(row[name] for name in key)) for row in exported)
    assert as_api == as_csv


def test_source_and_citation_filters_are_the_pages(api):
    kept = all_rows(api, "/api/sources/", supports="nothing")
    exported = csv_rows(api, "/sources/", supports="nothing")
    assert sorted(row["key"] for row in kept) == sorted(row["key"] for row in exported)
    stated = all_rows(api, "/api/citations/", grade="inferred", page_size=500)
    assert stated and {row["grade"] for row in stated} == {"inferred"}


@pytest.mark.parametrize(
    ("url", "params", "named"),
    [
        ("/api/entitlements/", {"sytem": "rio"}, "sytem"),
        ("/api/entitlements/", {"page": "2"}, "page"),
        ("/api/entitlements/", {"_export": "csv"}, "_export"),
        ("/api/entitlements/", {"status": "lost"}, "status"),
        ("/api/entitlements/", {"system": "no-such-system"}, "system"),
        ("/api/entitlements/", {"ods_code": "ZZZ99"}, "ods_code"),
        ("/api/contracts/", {"format": "json"}, "format"),
        ("/api/contracts/london-lsp/", {"base": "original"}, "base"),
        ("/api/organisations/RAN/", {"as_of": "2010-13-01"}, "as_of"),
        ("/api/organisations/RAN/", {"asof": "2010-01-01"}, "asof"),
        ("/api/contracts/london-lsp/compare/", {"target": "ccn9"}, "target"),
        ("/api/contracts/london-lsp/compare/", {"outcome": "won"}, "outcome"),
        ("/api/contracts/london-lsp/compare/", {"sort": "outcome"}, "sort"),
        ("/api/contracts/london-lsp/compare/", {"as_of": "yesterday"}, "as_of"),
        ("/api/contracts/london-lsp/compare/", {"as_of": "2010-06-01", "target": "ccn3"}, "as_of"),
        ("/api/contracts/london-lsp/compare/", {"as_of": "1999-01-01"}, "as_of"),
        ("/api/contracts/london-lsp/compare/", {"ods": "ZZZ99"}, "ods"),
        ("/api/figures/", {"verdict": "maybe"}, "verdict"),
        ("/api/sources/", {"kind": "rumour"}, "kind"),
        ("/api/citations/", {"organisation": "ZZZ99"}, "organisation"),
        ("/api/entitlements/", {"page_size": "0"}, "page_size"),
        ("/api/entitlements/", {"page_size": "501"}, "page_size"),
        ("/api/entitlements/", {"page_size": "ten"}, "page_size"),
        ("/api/entitlements/", {"cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_a_bad_parameter_is_a_400_that_names_it(api, url, params, named):
    response = api.get(url, params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert named in body["errors"] or f"“{named}" in body["detail"] or f"{named}:" in body["detail"], body


def test_an_unknown_parameter_gets_the_nearest_filter_suggested(api):
    body = api.get("/api/entitlements/", {"sytem": "rio"}).json()
    assert "did you mean “system”?" in body["detail"]


def test_a_well_formed_cursor_with_a_key_of_the_wrong_type_is_a_400(api):
    import base64

    cursor = base64.b64encode(b"p=not-a-number").decode()
    response = api.get("/api/entitlements/", {"cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]


def test_the_backend_refuses_what_django_filters_own_would_ignore(rf, db):
    """django-filter's DRF backend ignores a parameter no filter knows; this one is handed the page's strict filter
    set with the API's parameters, and refuses it."""
    from rest_framework.exceptions import ValidationError
    from rest_framework.request import Request

    class View:
        filterset_class = EntitlementFilter

        def query_parameters(self):
            return {"cursor", "page_size"}

    for query, refused in [("sytem=rio", "sytem"), ("per_page=10", "per_page"), ("status=lost", "status")]:
        request = Request(rf.get(f"/api/entitlements/?{query}"))
        with pytest.raises(ValidationError) as raised:
            StrictFilterBackend().filter_queryset(request, entitlement_rows(), View())
        assert refused in str(raised.value.detail)
    request = Request(rf.get("/api/entitlements/?status=withdrawn&cursor=x"))
    rows = StrictFilterBackend().filter_queryset(request, entitlement_rows(), View())
    assert {row.status for row in rows} == {"withdrawn"}
