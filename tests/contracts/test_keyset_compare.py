"""The compare page's matrix is paged by where each page starts (?after=, ?before=): every organisation once, in
name order, however deep the page; a place that cannot be read is refused in words, and an old numbered link leads
to the matrix's first page."""

import pytest

from contracts.models import System
from contracts.services.compare import revision_compare
from nhsit.lib.keyset import cursor_text
from tests.helpers import offset_pages, pager_link, pages_walked, visible_text

COMPARE = "/contracts/london-lsp/compare/"
MATRIX_PAGER = "Pages of the matrix"


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr("contracts.pages.compare.MATRIX_ORGANISATIONS_PER_PAGE", 4)
    return 4


def link(response, rel: str) -> str | None:
    return pager_link(response, rel, pager=MATRIX_PAGER)


def shown(response) -> list[int]:
    """The organisations the matrix shows, in its order."""
    return [row.organisation.pk for row in response.context["matrix"].rows]


def in_matrix_order(london, **filters) -> list[int]:
    base, target = london.revisions.get(code="original"), london.revisions.get(code="ccn3")
    organisations = revision_compare(base=base, target=target, **filters).organisations
    return list(organisations.order_by("name", "code", "pk").values_list("pk", flat=True))


def walk(client, query: str) -> list[list[int]]:
    return pages_walked(client, COMPARE, query, shown, pager=MATRIX_PAGER)


def test_the_next_links_show_the_pages_an_offset_walk_would(client, london, small_pages):
    pages = walk(client, "?base=original&target=ccn3")
    assert len(pages) > 2
    assert pages == offset_pages(in_matrix_order(london), small_pages)


def test_next_next_previous_comes_back_to_the_second_page(client, london, small_pages):
    first = client.get(f"{COMPARE}?base=original&target=ccn3")
    second = client.get(f"{COMPARE}{link(first, 'next')}")
    third = client.get(f"{COMPARE}{link(second, 'next')}")
    back = client.get(f"{COMPARE}{link(third, 'prev')}")
    expected = offset_pages(in_matrix_order(london), small_pages)
    assert [shown(first), shown(second), shown(third), shown(back)] == [*expected[:3], expected[1]]
    assert shown(client.get(f"{COMPARE}{link(second, 'prev')}")) == expected[0]
    assert link(first, "prev") is None


def test_the_pager_is_a_labelled_nav_of_plain_links(client, london, small_pages):
    html = client.get(f"{COMPARE}?after={cursor_text(['C', '', 0])}").content.decode()
    pager = html[html.index('aria-label="Pages of the matrix"') :]
    pager = pager[: pager.index("</nav>")]
    assert 'rel="prev"' in pager and 'rel="next"' in pager and "First organisations" in pager
    assert "<button" not in pager and "onclick" not in pager


def test_a_filtered_matrix_pages_through_exactly_its_organisations(client, london, small_pages):
    pages = walk(client, "?base=original&target=ccn3&system=cerner-millennium&system=rio&outcome=lost&outcome=kept")
    systems = list(System.objects.filter(slug__in=["cerner-millennium", "rio"]))
    assert [pk for page in pages for pk in page] == in_matrix_order(london, outcomes=["lost", "kept"], systems=systems)
    assert len(pages) > 1


def test_the_matrix_says_which_organisations_it_shows(client, london, small_pages):
    response = client.get(f"{COMPARE}?base=original&target=ccn3&system=cerner-millennium")
    rows = response.context["matrix"].rows
    text = visible_text(response)
    total = len(in_matrix_order(london, systems=[System.objects.get(slug="cerner-millennium")]))
    assert f"{total} organisations in all; this page shows 4, from {rows[0].organisation.name} to" in text
    several = visible_text(client.get(COMPARE))
    assert "in all" not in several.split("The outcome matrix")[1].split("Each cell")[0]
    assert "This page shows 4, from" in several


@pytest.mark.parametrize("cursor", ["nonsense", "WzFd", "WyJhIiwiYiIsImMiLCJkIl0", "e30", cursor_text(["A", "B"])])
def test_a_place_in_the_matrix_that_cannot_be_read_is_refused_in_words(client, london, cursor):
    response = client.get(f"{COMPARE}?after={cursor}")
    assert response.status_code == 400
    assert "is not a place in this list" in visible_text(response)


def test_both_directions_at_once_are_refused(client, london):
    key = cursor_text(["A", "", 0])
    response = client.get(f"{COMPARE}?after={key}&before={key}")
    assert response.status_code == 400
    assert "not both" in visible_text(response)


def test_a_place_in_the_matrix_keeps_the_table_below_on_its_own_pages(client, london, small_pages):
    response = client.get(f"{COMPARE}?after={cursor_text(['C', '', 0])}&page=2&per_page=5")
    assert response.status_code == 200
    assert response.context["table"].page.number == 2
    assert all(row.organisation.name > "C" for row in response.context["matrix"].rows)


def test_an_old_numbered_matrix_link_leads_to_the_first_page_with_its_filters(client, london):
    response = client.get(f"{COMPARE}?system=rio&matrix_page=3")
    assert response.status_code == 302
    assert response["Location"] == f"{COMPARE}?system=rio#matrix"
    assert client.get(f"{COMPARE}?matrix_page=2")["Location"] == f"{COMPARE}#matrix"


def walk_back(client, response) -> list[list[int]]:
    start = link(response, "prev")
    walked = [] if start is None else pages_walked(client, COMPARE, start, shown, pager=MATRIX_PAGER, rel="prev")
    return walked[::-1]


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("outcome=lost", {"outcomes": ["lost"]}),
        ("outcome=kept&kind=acute", {"outcomes": ["kept"], "kinds": ["acute"]}),
        ("outcome=lost&outcome=unknown", {"outcomes": ["lost", "unknown"]}),
        ("live=yes", {"live": True}),
        ("live=no&outcome=unknown", {"live": False, "outcomes": ["unknown"]}),
    ],
)
def test_a_matrix_of_organisations_only_their_rows_tell_of_pages_through_exactly_them(
    client, london, small_pages, query, filters
):
    """Each organisation asked of its own rows as the list is read: forwards and back, the pages hold exactly the
    organisations with such rows, in the list's order."""
    base, target = london.revisions.get(code="original"), london.revisions.get(code="ccn3")
    rows = revision_compare(base=base, target=target, **filters).rows
    with_rows = {row["organisation_id"] for row in rows}
    expected = offset_pages(in_matrix_order(london, **filters), small_pages)
    assert set(in_matrix_order(london, **filters)) == with_rows != set()
    pages = walk(client, f"?base=original&target=ccn3&{query}")
    assert pages == expected
    last = client.get(f"{COMPARE}?base=original&target=ccn3&{query}")
    for _ in pages[1:]:
        last = client.get(f"{COMPARE}{link(last, 'next')}")
    assert walk_back(client, last) == expected[:-1]
