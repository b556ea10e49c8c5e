"""Who may do what through the API: anyone reads published data from any origin; nobody writes; drafts are shown
to nobody; each address is throttled; pages are walked by cursor."""

import pytest
from django.core.cache import cache
from django.db.models import Q

from contracts.models import Citation, Deliverable, Entitlement, ReportedFigure
from tests.api.conftest import all_rows
from tests.conftest import client_for, previewing_drafts

READS = [
    "/api/contracts/",
    "/api/contracts/london-lsp/",
    "/api/contracts/london-lsp/revisions/",
    "/api/contracts/london-lsp/compare/",
    "/api/organisations/RAN/",
    "/api/systems/",
    "/api/entitlements/",
    "/api/sources/",
    "/api/figures/",
    "/api/data-quality/",
    "/api/schema/",
]


@pytest.mark.parametrize("url", READS)
def test_reads_are_open_to_any_origin(api, url):
    response = api.get(url, HTTP_ORIGIN="https://elsewhere.example")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"


def test_refusals_are_readable_from_any_origin_too(api):
    assert api.get("/api/entitlements/", {"sytem": "rio"})["Access-Control-Allow-Origin"] == "*"


def test_the_rest_of_the_site_is_not(api):
    for url in ["/", "/entitlements/", "/contracts/london-lsp/compare/"]:
        assert "Access-Control-Allow-Origin" not in api.get(url)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", ["/api/entitlements/", "/api/contracts/london-lsp/", "/api/organisations/RAN/"])
def test_writes_are_refused(api, method, url):
    response = getattr(api, method)(url, data="{}", content_type="application/json")
    assert response.status_code == 405
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_signed_in_editor_cannot_write_either(editor, method):
    response = getattr(client_for(editor), method)("/api/entitlements/1/", data="{}", content_type="application/json")
    assert response.status_code in (404, 405)
    response = getattr(client_for(editor), method)("/api/entitlements/", data="{}", content_type="application/json")
    assert response.status_code == 405


def test_cursor_pages_walk_every_row_once(api):
    rows = all_rows(api, "/api/entitlements/", page_size=7)
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(Entitlement.objects.filter(revision__is_published=True).values_list("id", flat=True))


def test_compare_pages_walk_every_row_once_back_and_forth(api):
    whole = api.get("/api/contracts/london-lsp/compare/", {"page_size": 500}).json()["results"]
    forward = all_rows(api, "/api/contracts/london-lsp/compare/", page_size=3)
    key = [(row["identifier"], row["system"]) for row in forward]
    assert key == [(row["identifier"], row["system"]) for row in whole]
    assert len(set(key)) == len(key)
    body = api.get("/api/contracts/london-lsp/compare/", {"page_size": 3}).json()
    body = api.get(body["next"]).json()
    back = api.get(body["previous"]).json()
    assert [row["identifier"] for row in back["results"]] == [row["identifier"] for row in whole[:3]]


def test_a_page_reads_a_fixed_number_of_queries(api, django_assert_max_num_queries):
    # The filter form's choices, then the page of rows with its counts in one query, whatever its size.
    with django_assert_max_num_queries(7):
        assert api.get("/api/entitlements/", {"page_size": 500}).status_code == 200
    with django_assert_max_num_queries(9):
        assert api.get("/api/contracts/london-lsp/compare/", {"page_size": 500}).status_code == 200


def test_the_throttle_answers_429_past_the_rate(api, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/min"}}
    cache.clear()
    statuses = [api.get("/api/contracts/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.get("/api/systems/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "throttled" in response.json()["detail"]


def test_the_throttle_follows_the_setting_once_it_changes_back(api, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "1/min"}}
    cache.clear()
    assert [api.get("/api/contracts/").status_code for _ in range(2)] == [200, 429]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None}}
    assert api.get("/api/contracts/").status_code == 200


# Every address that could show a revision's code, rows or figures.
SHOWING_CCN3 = [
    "/api/contracts/london-lsp/",
    "/api/contracts/london-lsp/revisions/",
    "/api/entitlements/?page_size=500",
    "/api/deliverables/?page_size=500",
    "/api/organisations/RAN/",
    "/api/organisations/RAN/?as_of=2020-01-01",
    "/api/systems/cerner-millennium/",
    "/api/figures/",
    "/api/contracts/london-lsp/compare/?page_size=500",
    "/api/contracts/london-lsp/compare/?as_of=2020-01-01&page_size=500",
]


def test_an_unpublished_revision_vanishes_from_every_endpoint(api, ccn3, publisher):
    shown_before = {url: api.get(url).content.decode() for url in SHOWING_CCN3}
    assert all('"ccn3"' in body for body in shown_before.values())
    ccn3.is_published = False
    ccn3.save()
    for url in SHOWING_CCN3:
        response = api.get(url)
        assert response.status_code == 200, (url, response.content)
        assert '"ccn3"' not in response.content.decode(), url
    hidden_ids = set(Entitlement.objects.filter(revision=ccn3).values_list("id", flat=True))
    shown = {row["id"] for row in all_rows(api, "/api/entitlements/", page_size=500)}
    assert hidden_ids and not hidden_ids & shown
    lines = {row["id"] for row in all_rows(api, "/api/deliverables/", page_size=500)}
    assert not set(Deliverable.objects.filter(revision=ccn3).values_list("id", flat=True)) & lines
    cited = Citation.objects.filter(
        Q(revision=ccn3)
        | Q(entitlement__revision=ccn3)
        | Q(deliverable__revision=ccn3)
        | Q(reported_figure__revision=ccn3)
    )
    citations = {row["id"] for row in all_rows(api, "/api/citations/", page_size=500)}
    assert cited.exists() and not set(cited.values_list("id", flat=True)) & citations
    figures = {row["key"] for row in api.get("/api/figures/").json()["results"]}
    assert not set(ReportedFigure.objects.filter(revision=ccn3).values_list("key", flat=True)) & figures
    # Not even to a signed-in editor previewing drafts: the API reads no session.
    assert '"ccn3"' not in previewing_drafts(publisher).get("/api/entitlements/?page_size=500").content.decode()


def test_comparing_with_an_unpublished_revision_is_a_400_naming_it(api, ccn3):
    ccn3.is_published = False
    ccn3.save()
    response = api.get("/api/contracts/london-lsp/compare/", {"base": "original", "target": "ccn3"})
    assert response.status_code == 400
    assert "ccn3" in response.json()["errors"]["target"][0]
    page = api.get("/contracts/london-lsp/compare/", {"base": "original", "target": "ccn3"})
    assert page.status_code in (200, 400) and "ccn3" in page.content.decode()


def test_a_cursor_made_for_a_deep_page_starts_after_its_row(api):
    from contracts.api.pagination import cursor_after

    ids = sorted(Entitlement.objects.filter(revision__is_published=True).values_list("id", flat=True))
    body = api.get("/api/entitlements/", {"cursor": cursor_after(ids[-5]), "page_size": 2}).json()
    assert [row["id"] for row in body["results"]] == ids[-4:-2]
    assert body["next"] and body["previous"]


@pytest.mark.parametrize(
    ("url", "most"),
    [
        ("/api/contracts/", 2),
        ("/api/contracts/london-lsp/", 3),
        ("/api/contracts/london-lsp/revisions/", 3),
        ("/api/organisations/?page_size=500", 2),
        ("/api/systems/?page_size=500", 2),
        ("/api/systems/rio/", 4),
        ("/api/deliverables/?page_size=500", 2),
        ("/api/deployments/?page_size=500", 2),
        ("/api/sources/?page_size=500", 6),
        ("/api/sources/1/", 3),
        ("/api/citations/?page_size=500", 6),
    ],
)
def test_a_list_costs_the_same_queries_however_many_rows(api, django_assert_max_num_queries, url, most):
    with django_assert_max_num_queries(most):
        assert api.get(url).status_code == 200
