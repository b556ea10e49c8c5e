"""The tables lead with what their page answers, and leave out a column with nothing to say for the rows shown."""

import re
from html import unescape

import pytest

from organisations.models import Organisation

pytestmark = pytest.mark.django_db

COMPARE = "/contracts/london-lsp/compare/"


def column_headings(response) -> list[str]:
    """The headings of the page's results table, as a reader sees them."""
    html = response.content.decode()
    table = html[html.index('<table class="data-table"') :]
    head = table[: table.index("</thead>")]
    cells = re.findall(r"<th[^>]*>(.*?)</th>", head, flags=re.S)
    words = (unescape(re.sub(r"<[^>]+>", " ", cell)).replace("(sort)", "") for cell in cells)
    return [" ".join(word.split()) for word in words]


def test_the_organisations_list_puts_the_statuses_right_after_the_name(client):
    headings = column_headings(client.get("/trusts/", {"contract": "london-lsp"}))
    assert headings[:2] == ["Code", "Name"]
    assert "Cerner Millennium" in headings[2:-3]
    assert headings[-1] == "Contracts"


def test_the_organisations_list_leaves_out_the_sector_when_no_row_shown_has_one(client):
    assert not Organisation.objects.exclude(sector="").exists(), "The seed records a sector: no test."
    assert "Sector" not in column_headings(client.get("/trusts/"))


def test_the_organisations_list_shows_the_sector_when_a_row_shown_has_one(client):
    Organisation.objects.filter(code="RAN").update(sector="NHS")
    response = client.get("/trusts/", {"q": "RAN"})
    assert "Sector" in column_headings(response)


def test_the_compare_table_puts_the_outcome_right_after_the_organisation(client):
    headings = column_headings(client.get(COMPARE, {"system": "cerner-millennium"}))
    assert headings[:3] == ["Code", "Organisation", "Outcome"]
    assert "Sector" not in headings


def test_the_entitlement_list_puts_system_and_status_right_after_the_organisation(client):
    headings = column_headings(client.get("/entitlements/", {"sort": "organisation"}))
    assert headings[:4] == ["Code", "Organisation", "System", "Status"]
    assert "Sector" not in headings


def test_leaving_out_an_empty_column_costs_no_query(client, django_assert_max_num_queries, django_assert_num_queries):
    """The rows of the page are read once, whether or not the sector column is shown. (Each request asks for
    another page address, so that none is answered from the cache.)"""
    client.get("/trusts/", {"q": "RAL"})
    with django_assert_max_num_queries(100) as without_sector:
        assert "Sector" not in column_headings(client.get("/trusts/", {"q": "RAN"}))
    Organisation.objects.filter(code="RAN").update(sector="NHS")
    with django_assert_num_queries(len(without_sector.captured_queries)):
        assert "Sector" in column_headings(client.get("/trusts/", {"q": "RAN", "page": "1"}))
