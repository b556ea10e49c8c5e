"""The compare page's table of rows is paged by where each page starts too, in parameters of its own
(?rows_after=, ?rows_before=), beside the matrix's: every (organisation, system) once, in the table's order, however
deep the page; a place that cannot be read, or one given with ?page= or ?sort=, is refused in words."""

import pytest

from contracts.models import System
from contracts.services.compare import revision_compare
from contracts.views.compare import COMPARE_ROWS_ORDER
from nhsit.lib.keyset import cursor_text, seek
from tests.helpers import offset_pages, pager_link, pages_walked, visible_text

COMPARE = "/contracts/london-lsp/compare/"
ROWS_PAGER = "Pages of results"
PER_PAGE = 7

pytestmark = pytest.mark.django_db


def shown(response) -> list[tuple[int, int]]:
    """The (organisation, system) of each row the table shows, in its order."""
    return [
        (row.record["organisation_id"], row.record["system_id"]) for row in response.context["table"].page.object_list
    ]


def in_table_order(london, **filters) -> list[tuple[int, int]]:
    base, target = london.revisions.get(code="original"), london.revisions.get(code="ccn3")
    rows = revision_compare(base=base, target=target, **filters).rows.order_by(*COMPARE_ROWS_ORDER)
    return [(row["organisation_id"], row["system_id"]) for row in rows]


def key(row: dict) -> list:
    return [row[name] for name in COMPARE_ROWS_ORDER]


def test_the_next_links_show_every_row_once_in_order(client, london):
    pages = pages_walked(client, COMPARE, f"?base=original&target=ccn3&per_page={PER_PAGE}", shown, pager=ROWS_PAGER)
    assert len(pages) > 3
    assert pages == offset_pages(in_table_order(london), PER_PAGE)


def test_the_previous_links_walk_back_to_the_first_page(client, london):
    expected = offset_pages(in_table_order(london), PER_PAGE)
    last = client.get(COMPARE, {"base": "original", "target": "ccn3", "per_page": PER_PAGE})
    while (following := pager_link(last, "next", pager=ROWS_PAGER)) is not None:
        last = client.get(f"{COMPARE}{following}")
    start = pager_link(last, "prev", pager=ROWS_PAGER)
    back = pages_walked(client, COMPARE, start, shown, pager=ROWS_PAGER, rel="prev")
    assert [shown(last), *back] == expected[::-1]


def test_the_rows_and_the_matrix_keep_their_own_places(client, london, monkeypatch):
    """Paging the table keeps the matrix where it is, and the other way round."""
    monkeypatch.setattr("contracts.pages.compare.MATRIX_ORGANISATIONS_PER_PAGE", 4)
    matrix_place = cursor_text(["K", "", 0])
    response = client.get(COMPARE, {"after": matrix_place, "per_page": PER_PAGE})
    following = pager_link(response, "next", pager=ROWS_PAGER)
    assert f"after={matrix_place}" in following and "rows_after=" in following
    second = client.get(f"{COMPARE}{following}")
    assert shown(second) == offset_pages(in_table_order(london), PER_PAGE)[1]
    assert all(row.organisation.name >= "K" for row in second.context["matrix"].rows)
    matrix_next = pager_link(second, "next", pager="Pages of the matrix")
    assert "rows_after=" in matrix_next


def test_a_page_deep_in_the_rows_is_read_from_its_place(client, london):
    base, target = london.revisions.get(code="original"), london.revisions.get(code="ccn3")
    rows = list(revision_compare(base=base, target=target).rows.order_by(*COMPARE_ROWS_ORDER))
    response = client.get(COMPARE, {"rows_after": cursor_text(key(rows[-4])), "per_page": PER_PAGE})
    assert response.status_code == 200
    assert shown(response) == [(row["organisation_id"], row["system_id"]) for row in rows[-3:]]
    assert pager_link(response, "next", pager=ROWS_PAGER) is None
    assert "This page shows 3 rows" in visible_text(response)


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"rows_after": "not-a-place"}, "is not a place in this list"),
        ({"rows_after": cursor_text(["A", "B", 1, "C", 2]), "rows_before": cursor_text(["A", "B", 1, "C", 2])},
         "Give ?rows_after= or ?rows_before=, not both"),
        ({"rows_after": cursor_text(["A", "B", 1, "C", 2]), "page": "2"}, "Give ?page= or a place in the list"),
        ({"rows_before": cursor_text(["A", "B", 1, "C", 2]), "sort": "outcome"}, "remove ?sort="),
        ({"rows_after": cursor_text(["A", "B", "1", "C", 2])}, "is not a place in this list"),
    ],
)  # fmt: skip
def test_a_place_that_cannot_be_used_is_refused_in_words(client, london, query, says):
    response = client.get(COMPARE, query)
    assert response.status_code == 400
    assert says in visible_text(response)


def test_numbered_pages_stop_where_reading_past_the_earlier_rows_would_cost(client, london):
    assert client.get(COMPARE, {"page": "2", "per_page": PER_PAGE}).status_code == 200
    refused = client.get(COMPARE, {"page": "21", "per_page": PER_PAGE})
    assert refused.status_code == 400
    assert "reached by the Next links" in visible_text(refused)


@pytest.fixture
def rows_read_by_cursor(monkeypatch):
    """The cursors the table's pages were read beyond by a query of their own (None: its first page)."""
    import contracts.views.compare as view

    read = []

    def counted(rows, **options):
        read.append(options["cursor"])
        return seek(rows, **options)

    monkeypatch.setattr(view, "seek", counted)
    return read


FILTERS = [
    {},
    {"system": "cerner-millennium", "outcome": "lost"},
    {"kind": "acute", "outcome": "lost"},
    {"system": ["rio", "cerner-millennium"]},
    {"outcome": ["kept", "unknown"]},
]


@pytest.mark.parametrize("filters", FILTERS)
@pytest.mark.parametrize("per_page", [1, PER_PAGE, 50])
def test_the_first_page_is_the_rows_the_matrix_read_when_it_holds_them(
    client, london, rows_read_by_cursor, filters, per_page
):
    """The matrix at its start lists the first organisations, and their rows are the table's first: its first page
    comes from them, the same rows with the same next link, without reading the rows again."""
    as_filtered = {"system": "systems", "kind": "kinds", "outcome": "outcomes"}
    chosen = {as_filtered[name]: [value] if isinstance(value, str) else value for name, value in filters.items()}
    if "systems" in chosen:
        chosen["systems"] = list(System.objects.filter(slug__in=chosen["systems"]))
    expected = offset_pages(in_table_order(london, **chosen), per_page)
    assert expected, filters
    response = client.get(COMPARE, {"base": "original", "target": "ccn3", "per_page": per_page, **filters})
    assert shown(response) == expected[0]
    assert rows_read_by_cursor == []
    following = pager_link(response, "next", pager=ROWS_PAGER)
    assert (following is not None) == (len(expected) > 1)
    if following:
        assert shown(client.get(f"{COMPARE}{following}")) == expected[1]


def test_the_first_page_is_read_of_its_own_where_the_matrix_does_not_hold_it(
    client, london, rows_read_by_cursor, monkeypatch
):
    """A matrix of too few organisations to fill the table's page, or away from its start, leaves the table's first
    page to a query of its own: the same rows."""
    monkeypatch.setattr("contracts.pages.compare.MATRIX_ORGANISATIONS_PER_PAGE", 2)
    expected = offset_pages(in_table_order(london), 50)[0]
    response = client.get(COMPARE, {"base": "original", "target": "ccn3"})
    assert shown(response) == expected
    assert len(response.context["matrix"].rows) == 2
    assert rows_read_by_cursor == [None]
    deeper = client.get(COMPARE, {"base": "original", "target": "ccn3", "after": cursor_text(["K", "", 0])})
    assert shown(deeper) == expected
    assert all(row.organisation.name >= "K" for row in deeper.context["matrix"].rows)
    assert rows_read_by_cursor == [None, None]
