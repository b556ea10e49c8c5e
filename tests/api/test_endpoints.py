"""Each endpoint on the real seed: what it says matches what the database holds."""

from contracts.models import Contract, Deliverable, Deployment, Entitlement, Source, System
from organisations.models import Organisation
from tests.api.conftest import all_rows


def test_the_contracts_list_names_london_by_its_slug(api):
    rows = all_rows(api, "/api/contracts/")
    assert "london-lsp" in [row["slug"] for row in rows]
    assert len(rows) == Contract.objects.count()


def test_a_contract_lists_its_revisions_in_order_with_their_values(api, london):
    body = api.get("/api/contracts/london-lsp/").json()
    codes = [revision["code"] for revision in body["revisions"]]
    assert codes == list(london.revisions.filter(is_published=True).order_by("sequence").values_list("code", flat=True))
    assert codes[0] == "original" and codes[-1] == "ccn3"
    assert body["supplier"] == london.supplier.slug


def test_the_revisions_give_each_change_in_value_against_the_one_before(api, london):
    rows = all_rows(api, "/api/contracts/london-lsp/revisions/", page_size=1)
    assert [row["sequence"] for row in rows] == sorted(row["sequence"] for row in rows)
    assert rows[0]["value_change"] is None
    for before, after in zip(rows, rows[1:], strict=False):
        if before["total_value"] is not None and after["total_value"] is not None:
            assert after["value_change"] == after["total_value"] - before["total_value"]
    ccn3 = next(row for row in rows if row["code"] == "ccn3")
    assert set(ccn3) >= {"title", "signed_on", "signed_precision", "summary", "total_value", "value_change"}


def test_an_unknown_contract_is_a_404_in_json(api):
    response = api.get("/api/contracts/no-such-contract/")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_an_organisation_is_found_by_its_ods_code(api, original, ccn3):
    body = api.get("/api/organisations/RAN/").json()
    assert body["identifier"] == "RAN"
    statuses = {(row["revision"], row["system"]): row["status"] for row in body["entitlements"] if row["via"] is None}
    ran = Organisation.objects.get(code="RAN")
    expected = {
        (entitlement.revision.code, entitlement.system.slug): entitlement.status
        for entitlement in Entitlement.objects.filter(organisation=ran, revision__is_published=True)
    }
    assert statuses == expected
    assert statuses[("original", "cerner-millennium")] == "entitled"


def test_an_organisation_lists_its_successors_and_predecessors(api):
    succession = Organisation.objects.filter(successions__isnull=False).first()
    assert succession is not None, "the seed records a merger"
    successor = succession.successions.first().successor
    body = api.get(f"/api/organisations/{succession.identifier}/").json()
    assert successor.identifier in [row["successor"]["identifier"] for row in body["successors"]]
    body = api.get(f"/api/organisations/{successor.identifier}/").json()
    assert succession.identifier in [row["predecessor"]["identifier"] for row in body["predecessors"]]


def test_an_unknown_organisation_is_a_404(api):
    response = api.get("/api/organisations/ZZZZZ9/")
    assert response.status_code == 404
    assert "ZZZZZ9" in response.json()["detail"]


def test_organisations_are_listed_by_identifier(api):
    rows = all_rows(api, "/api/organisations/", page_size=500)
    assert len(rows) == Organisation.objects.count()
    assert "RAN" in {row["identifier"] for row in rows}


def test_systems_are_listed_and_one_shows_its_programme_lines(api):
    rows = all_rows(api, "/api/systems/")
    assert {row["slug"] for row in rows} == set(System.objects.values_list("slug", flat=True))
    system = Deliverable.objects.filter(revision__is_published=True).first().system
    body = api.get(f"/api/systems/{system.slug}/").json()
    assert body["deliverables"]
    assert "london-lsp" in body["contracts"]


def test_deliverables_and_deployments_are_listed(api):
    assert len(all_rows(api, "/api/deliverables/")) == Deliverable.objects.filter(revision__is_published=True).count()
    assert len(all_rows(api, "/api/deployments/")) == Deployment.objects.count()


def test_a_source_lists_its_citations_with_quote_grade_and_record(api):
    source = Source.objects.filter(citations__isnull=False).distinct().first()
    body = api.get(f"/api/sources/{source.pk}/").json()
    assert body["key"] == source.key
    citation = body["citations"][0]
    assert {"quote", "note", "grade", "supports"} <= set(citation)
    assert citation["supports"]["kind"] and citation["supports"]["label"]


def test_a_source_number_that_is_no_number_or_too_large_is_a_404(api):
    for pk in ["abc", "99999999999999999999999", "0"]:
        response = api.get(f"/api/sources/{pk}/")
        assert response.status_code == 404, pk
        assert response["Content-Type"] == "application/json"


def test_sources_and_citations_are_listed(api):
    assert len(all_rows(api, "/api/sources/")) == Source.objects.count()
    citations = all_rows(api, "/api/citations/", page_size=500)
    assert citations and all("supports" in row for row in citations)


def test_figures_give_what_the_records_give_and_the_verdict(api):
    rows = api.get("/api/figures/").json()["results"]
    assert rows
    assert {"statement", "value", "recorded", "verdict"} <= set(rows[0])
    disagreeing = api.get("/api/figures/", {"verdict": "disagrees"}).json()["results"]
    assert all(row["verdict"] == "disagrees" for row in disagreeing)


def test_the_data_quality_counts_are_the_pages(api):
    body = api.get("/api/data-quality/").json()
    unknown = Entitlement.objects.filter(revision__is_published=True, status="unknown").count()
    assert body["checks"][0]["count"] == unknown
    assert api.get("/api/contracts/london-lsp/data-quality/").json()["contract"] == "london-lsp"


def test_the_data_quality_counts_by_organisation_come_a_page_at_a_time_and_say_how_many(api, monkeypatch):
    from contracts.pages import quality

    monkeypatch.setattr(quality, "ORGANISATIONS_PER_PAGE", 10)
    first = api.get("/api/data-quality/").json()
    assert len(first["organisations"]) == 10 and first["organisation_page"] == 1
    assert first["organisation_pages"] == -(-first["organisation_count"] // 10) > 1
    seen = [row["name"] for row in first["organisations"]]
    following = first["next"]
    while following:
        body = api.get(following).json()
        seen += [row["name"] for row in body["organisations"]]
        following = body["next"]
    assert len(seen) == first["organisation_count"]
    past = api.get("/api/data-quality/", {"page": "999"})
    assert past.status_code == 400 and "There is no page 999" in past.json()["errors"]["page"][0]
    assert api.get("/api/data-quality/", {"page": "x"}).status_code == 400
    assert api.get("/api/data-quality/", {"page": "²"}).status_code == 400
    assert api.get("/api/data-quality/", {"page": str(2**80)}).status_code == 400
    assert api.get("/api/data-quality/", {"pages": "2"}).status_code == 400


def test_the_schema_and_the_docs_are_served(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/contracts/{slug}/compare/" in schema.json()["paths"]
    docs = api.get("/api/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content


def test_as_of_compares_the_revision_in_force_and_says_which_perhaps_was(api, london):
    import datetime

    from contracts.selectors.revisions import revision_in_force

    for day in ["2010-04-01", "2010-04-15", "2020-01-01"]:
        expected = revision_in_force(contract=london, day=datetime.date.fromisoformat(day))
        body = api.get("/api/contracts/london-lsp/compare/", {"as_of": day}).json()
        assert body["target"]["code"] == expected.revision.code
        assert body["in_force"]["revision"]["code"] == expected.revision.code
        assert (body["in_force"]["perhaps"] or {}).get("code") == (expected.perhaps.code if expected.perhaps else None)
        shown = {row["revision"] for row in api.get("/api/organisations/RAN/", {"as_of": day}).json()["entitlements"]}
        assert shown <= {expected.revision.code, expected.perhaps.code if expected.perhaps else None}
    loose = revision_in_force(contract=london, day=datetime.date(2010, 4, 1))
    assert loose.perhaps is not None, "CCN3's signing is known only as 'by 8 Apr 2010'"
