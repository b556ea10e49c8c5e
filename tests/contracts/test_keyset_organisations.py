"""The organisations list is paged by where each page starts (?after=, ?before=) in each order it offers: every
organisation once, in the order asked, and a place made for another order, or one that cannot be read, refused in
words."""

import pytest
from django.test import RequestFactory

from contracts.models import Contract
from contracts.selectors.organisations import organisation_list_order, organisation_rows
from contracts.selectors.revisions import latest_pairs
from contracts.selectors.systems import contract_system_columns
from contracts.views.organisations import by_status_if_asked
from nhsit.lib.keyset import cursor_text
from tests.helpers import offset_pages, pager_link, pages_walked, visible_text

TRUSTS = "/trusts/"
STATUS = "system_london_lsp_cerner_millennium"


def shown(response) -> list[int]:
    return [row.record.pk for row in response.context["table"].page.object_list]


def walk(client, query: str) -> list[list[int]]:
    return pages_walked(client, TRUSTS, query, shown)


def in_list_order(sort: str, **filters) -> list[int]:
    rows = organisation_rows().filter(**filters)
    contracts = list(Contract.objects.all())
    request = RequestFactory().get(TRUSTS, {"sort": sort})
    rows = by_status_if_asked(
        request, rows, pairs=latest_pairs(contracts), columns=contract_system_columns(contracts=contracts)
    )
    return list(rows.order_by(*organisation_list_order(sort)).values_list("pk", flat=True))


@pytest.mark.parametrize(
    "sort", ["", "name", "-name", "identifier", "-identifier", "kind", "-sector", STATUS, f"-{STATUS}"]
)
def test_each_order_pages_as_an_offset_walk_would(client, london, sort):
    query = f"?per_page=9&sort={sort}" if sort else "?per_page=9"
    pages = walk(client, query)
    assert len(pages) > 2
    assert pages == offset_pages(in_list_order(sort or "name"), 9)


def test_next_next_previous_comes_back_to_the_second_page(client, london):
    first = client.get(f"{TRUSTS}?per_page=6&sort=-identifier")
    second = client.get(f"{TRUSTS}{pager_link(first, 'next')}")
    third = client.get(f"{TRUSTS}{pager_link(second, 'next')}")
    back = client.get(f"{TRUSTS}{pager_link(third, 'prev')}")
    expected = offset_pages(in_list_order("-identifier"), 6)
    assert [shown(first), shown(second), shown(third), shown(back)] == [*expected[:3], expected[1]]
    assert shown(client.get(f"{TRUSTS}{pager_link(second, 'prev')}")) == expected[0]
    assert pager_link(first, "prev") is None


def test_a_filtered_list_pages_through_exactly_its_organisations(client, london):
    pages = walk(client, "?kind=acute&per_page=4&sort=name")
    assert [pk for page in pages for pk in page] == in_list_order("name", kind="acute")


def test_a_place_made_for_another_order_is_refused_in_words(client, london):
    first = client.get(f"{TRUSTS}?per_page=5&sort=identifier")
    cursor = pager_link(first, "next").split("after=")[1]
    response = client.get(f"{TRUSTS}?per_page=5&sort=-name&after={cursor}")
    assert response.status_code == 400
    assert "another order" in visible_text(response)
    assert client.get(f"{TRUSTS}?after={cursor}").status_code == 400


@pytest.mark.parametrize(
    "cursor", ["nonsense", "WzFd", "e30", cursor_text(["name", "A"]), cursor_text(["A", "B", "C"], order="name")]
)
def test_a_place_that_cannot_be_read_is_refused_in_words(client, london, cursor):
    response = client.get(f"{TRUSTS}?after={cursor}")
    assert response.status_code == 400
    assert "is not a place in this list" in visible_text(response)


def test_numbered_pages_still_serve_the_first_pages(client, london):
    response = client.get(f"{TRUSTS}?per_page=5&page=2&sort=-name")
    assert response.status_code == 200
    assert shown(response) == offset_pages(in_list_order("-name"), 5)[1]
    assert client.get(f"{TRUSTS}?page=21").status_code == 400
    cursor = cursor_text(["A", "", 0], order="name")
    assert client.get(f"{TRUSTS}?page=2&after={cursor}").status_code == 400


def test_the_pager_is_a_labelled_nav_of_plain_links(client, london):
    html = client.get(f"{TRUSTS}?per_page=5&after={cursor_text(['C', '', 0], order='name')}").content.decode()
    pager = html[html.index('<nav class="pagination" aria-label="Pages of results">') :]
    pager = pager[: pager.index("</nav>")]
    assert 'rel="prev"' in pager and 'rel="next"' in pager and "First page" in pager


def test_a_page_says_which_organisations_it_shows(client, london):
    response = client.get(f"{TRUSTS}?per_page=5&sort=-name")
    names = [row.record.name for row in response.context["table"].page.object_list]
    assert f"This page shows 5 rows, from {names[0]} to {names[-1]}, the first." in visible_text(response)
    later = visible_text(client.get(f"{TRUSTS}{pager_link(response, 'next')}"))
    assert "This page shows 5 rows, from" in later and ", the first." not in later
