"""The organisations list's counts: beside each filter value and in the results bar, from the status-pair tally
where one system is in view, each equal to the rows its link shows and current on the next request."""

import pytest

from contracts.models import Entitlement, EntitlementStatus
from organisations.models import Organisation
from tests.contracts.test_facets import facet_links
from tests.helpers import shown_count

pytestmark = pytest.mark.django_db

ONE_SYSTEM = "Choose one system to see how many organisations have each status"


@pytest.mark.parametrize(
    "filters",
    [
        {"contract": "london-lsp", "system": "cerner-millennium"},
        {"contract": "london-lsp", "system": "rio", "kind": "acute"},
        {"contract": "london-lsp", "system": "cerner-millennium", "outcome": "lost"},
        {"contract": "london-lsp", "system": "cerner-millennium", "status": "entitled", "outcome": "kept"},
        {"contract": "london-lsp", "status": "withdrawn"},
        {"contract": "london-lsp"},
        {"contract": "london-lsp", "q": "royal"},
    ],
)
def test_each_count_is_the_number_of_organisations_its_link_shows(client, filters):
    links = facet_links(client.get("/trusts/", filters))
    assert links, "the page shows counts"
    for query, count in links:
        assert shown_count(client.get(f"/trusts/?{query}")) == count, query


def test_with_one_system_it_counts_organisations_by_status_and_outcome(client):
    page = client.get("/trusts/", {"contract": "london-lsp", "system": "cerner-millennium"})
    queries = [query for query, _count in facet_links(page)]
    assert any("status=" in query for query in queries)
    assert any("outcome=" in query for query in queries)
    assert ONE_SYSTEM not in page.content.decode()


def test_with_several_systems_it_asks_for_one_to_count_statuses(client):
    page = client.get("/trusts/", {"contract": "london-lsp"})
    assert ONE_SYSTEM in page.content.decode()
    queries = [query for query, _count in facet_links(page)]
    assert not any("status=" in query or "outcome=" in query for query in queries)
    assert any("system=" in query for query in queries), "each system is still counted"


def test_an_edit_shows_in_the_counts_on_the_next_request(client, london):
    filters = {"contract": "london-lsp", "system": "cerner-millennium", "status": "withdrawn"}
    before = shown_count(client.get("/trusts/", filters))
    latest = london.revisions.filter(is_published=True).order_by("-sequence").first()
    entitled = Entitlement.objects.filter(
        revision=latest, system__slug="cerner-millennium", status=EntitlementStatus.ENTITLED
    ).first()
    entitled.status = EntitlementStatus.WITHDRAWN
    entitled.withdrawal_reason = "Budget cuts."
    entitled.save()
    page = client.get("/trusts/", filters)
    assert shown_count(page) == before + 1
    links = dict(facet_links(client.get("/trusts/", {"contract": "london-lsp", "system": "cerner-millennium"})))
    withdrawn = [count for query, count in links.items() if "status=withdrawn" in query]
    assert withdrawn == [before + 1]


def test_a_status_sort_has_numbered_pages_only_as_far_as_page_20(client):
    sort = "system_london_lsp_cerner_millennium"
    assert client.get("/trusts/", {"sort": sort, "per_page": "1", "page": "20"}).status_code == 200
    past = client.get("/trusts/", {"sort": sort, "per_page": "1", "page": "21"})
    assert past.status_code == 400
    assert "Pages past 20 are reached by the Next links" in past.content.decode()
    cursor = client.get("/trusts/", {"sort": sort, "after": "x"})
    assert cursor.status_code == 400


@pytest.fixture
def widgets_most_of_the_register(london):
    """More organisations named "Widget Trust …" than all the others, so that a search for "widget" matches most of
    the register: some entitled to Cerner in every revision, others to RiO in the latest only (unknown before)."""
    from contracts.models import System
    from tests.scale import entitled_organisations_loaded

    revisions = list(london.revisions.order_by("sequence"))
    others = Organisation.objects.count()
    cerner, rio = System.objects.get(slug="cerner-millennium"), System.objects.get(slug="rio")
    entitled_organisations_loaded(
        prefix="ZW", name="Widget Trust", count=others + 50, systems=[cerner], revisions=revisions
    )
    entitled_organisations_loaded(
        prefix="ZX", name="Widget Care", count=others // 2, systems=[rio], revisions=revisions[-1:]
    )
    return others


SEARCHED = [
    {"contract": "london-lsp", "q": "widget"},
    {"contract": "london-lsp", "q": "widget", "system": "cerner-millennium"},
    {"contract": "london-lsp", "q": "widget", "system": "rio", "outcome": "unknown"},
    {"contract": "london-lsp", "q": "widget", "system": "rio", "status": "entitled", "kind": "acute"},
    {"contract": "london-lsp", "q": "Widget Trust", "system": "cerner-millennium", "status": "entitled"},
]


@pytest.mark.parametrize("filters", SEARCHED)
def test_a_search_matching_most_organisations_counts_as_the_rows_do(
    client, monkeypatch, widgets_most_of_the_register, filters
):
    """The tally's counts less the unmatched organisations', against the same counts read from the matched
    organisations' rows."""
    from contracts.pages import facets

    through_the_tally = client.get("/trusts/", filters)
    monkeypatch.setattr(facets, "organisation_facets_from_rows", None)  # not read: the tally counts these
    assert client.get("/trusts/", filters).status_code == 200
    monkeypatch.undo()
    monkeypatch.setattr(facets, "MOST_UNMATCHED", -1)
    from_the_rows = client.get("/trusts/", filters)
    assert shown_count(through_the_tally) == shown_count(from_the_rows) > 0
    tallied, counted = through_the_tally.context["facets"], from_the_rows.context["facets"]
    for name in tallied:
        assert tallied[name] == counted[name], name
    assert set(tallied) >= {"system", "kind", "sector"}
    if "system" in filters:
        assert set(tallied) >= {"status", "outcome"}


@pytest.mark.parametrize("filters", SEARCHED)
def test_a_search_matching_most_organisations_counts_what_each_link_shows(
    client, widgets_most_of_the_register, filters
):
    links = facet_links(client.get("/trusts/", filters))
    assert links
    for query, count in links:
        assert shown_count(client.get(f"/trusts/?{query}")) == count, query
