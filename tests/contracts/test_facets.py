"""Counts beside every filter value: how many rows choosing only that value gives, the other filters as they are.
Each count is checked against the page its link opens."""

import re
from html import unescape

import pytest
from django.db import connection

from tests.helpers import shown_count

pytestmark = pytest.mark.django_db

FACET_LINK = re.compile(r'<a class="facet-count" href="\?([^"]*)"[^>]*>([\d,]+)</a>')


def facet_links(response) -> list[tuple[str, int]]:
    page = response.content.decode()
    return [(unescape(query), int(count.replace(",", ""))) for query, count in FACET_LINK.findall(page)]


@pytest.mark.parametrize(
    "path, filters",
    [
        ("/entitlements/", {}),
        ("/entitlements/", {"contract": "london-lsp", "system": "cerner-millennium"}),
        ("/entitlements/", {"status": "unknown", "kind": "acute"}),
        ("/contracts/london-lsp/compare/", {}),
        ("/contracts/london-lsp/compare/", {"system": "cerner-millennium", "kind": "acute"}),
        ("/contracts/london-lsp/compare/", {"outcome": "lost"}),
        ("/contracts/london-lsp/compare/", {"live": "yes", "outcome": ["lost", "kept"]}),
        ("/contracts/london-lsp/compare/", {"live": "no", "system": ["cerner-millennium", "rio"], "kind": "acute"}),
        ("/contracts/london-lsp/compare/", {"base": "original", "target": "ccn3", "outcome": "unknown"}),
        ("/trusts/", {}),
        ("/trusts/", {"kind": "acute"}),
        ("/trusts/", {"system": "rio", "status": "entitled"}),
        ("/sources/", {}),
        ("/sources/", {"kind": "article"}),
    ],
)
def test_each_count_is_the_number_of_rows_its_link_shows(client, path, filters):
    links = facet_links(client.get(path, filters))
    assert links, "the page shows counts"
    for query, count in links:
        assert shown_count(client.get(f"{path}?{query}")) == count, query


def test_a_drop_down_filter_gives_its_count_in_each_option(client):
    page = client.get("/entitlements/", {"system": "rio"}).content.decode()
    option = re.search(r'<option value="london-lsp"[^>]*>[^<]*\((\d+)\)</option>', page)
    assert option
    assert shown_count(client.get("/entitlements/", {"system": "rio", "contract": "london-lsp"})) == int(option[1])


def test_invalid_filters_show_no_counts(client):
    response = client.get("/entitlements/", {"status": "nope"})
    assert response.status_code == 400
    assert facet_links(response) == []


def test_the_counts_cost_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        client.get("/entitlements/", {"system": "rio", "status": "entitled"})


def test_the_heading_says_what_the_comparison_shows(client, london):
    first = london.revisions.order_by("sequence").first()
    latest = london.revisions.order_by("sequence").last()
    response = client.get(
        "/contracts/london-lsp/compare/",
        {"base": first.code, "target": latest.code, "kind": "acute", "system": "cerner-millennium", "outcome": "lost"},
    )
    heading = f"Acute organisations that lost Cerner Millennium: {first.title} → {latest.title}"
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert f"<title>{heading} – " in page


def test_a_list_heading_names_its_filters(client):
    page = client.get("/entitlements/", {"system": "rio", "status": "unknown"}).content.decode()
    assert "<h1>Entitlements: RiO, unknown (sources do not say)</h1>" in page


def test_each_applied_filter_is_a_chip_that_removes_just_it(client):
    response = client.get("/entitlements/", {"system": "rio", "status": "unknown", "page": "1"})
    chips = re.findall(r'<a class="chip" href="\?([^"]*)"', response.content.decode())
    assert len(chips) == 2
    for query in chips:
        remaining = client.get(f"/entitlements/?{unescape(query)}")
        shown = remaining.context["filterset"].form.cleaned_data
        assert bool(shown.get("system")) != bool(shown.get("status"))
        assert "page" not in unescape(query)


def test_the_compare_chips_keep_the_revisions(client):
    page = client.get("/contracts/london-lsp/compare/", {"outcome": "lost"}).content.decode()
    (query,) = re.findall(r'<a class="chip" href="\?([^"]*)"', page)
    assert "base=" in unescape(query) and "outcome" not in unescape(query)


def test_counts_that_would_take_too_long_are_left_out_and_the_page_says_so(client, monkeypatch):
    from contracts.pages import facets

    def too_long(rows, paths):
        raise facets.CountsTookTooLong

    monkeypatch.setattr(facets, "_grouped", too_long)
    # Counted from the rows: the evidence is not one of the tally's columns.
    response = client.get("/entitlements/", {"system": "rio", "evidence": "stated"})
    assert response.status_code == 200
    assert facet_links(response) == []
    assert "The count beside each choice is left out" in response.content.decode()
    assert shown_count(response) > 0
    # Read from the tally: never too long.
    assert facet_links(client.get("/entitlements/", {"system": "rio"}))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the time limit is PostgreSQL's statement_timeout")
def test_on_postgresql_the_counts_stop_at_their_time_limit_and_the_request_goes_on(settings):
    from django.db.models import Func, IntegerField, Value

    from contracts.models import Entitlement
    from contracts.pages.facets import CountsTookTooLong, _grouped

    settings.FACET_TIME_LIMIT_MS = 1
    pause = Func(Value(0.01), template="(SELECT 1 FROM pg_sleep(%(expressions)s))", output_field=IntegerField())
    slow = Entitlement.objects.annotate(pause=pause)
    with pytest.raises(CountsTookTooLong):
        _grouped(slow, {"pause": "pause"})
    assert Entitlement.objects.exists()  # the connection is usable: the savepoint was rolled back
    settings.FACET_TIME_LIMIT_MS = 10_000
    assert _grouped(Entitlement.objects.all(), {"status": "status"})
