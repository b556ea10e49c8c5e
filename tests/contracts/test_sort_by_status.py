"""The organisations list sorts by a system's status: entitled first, then withdrawn, declined, not entitled,
unknown, and organisations with no row for it last; `-` reverses."""

import pytest

from contracts.models import Entitlement
from contracts.selectors.organisations import STATUS_ORDER
from tests.helpers import csv_rows

pytestmark = pytest.mark.django_db

SORT = "system_london_lsp_cerner_millennium"


def ranks_of(codes: list[str], london) -> list[int]:
    latest = london.revisions.filter(is_published=True).order_by("-sequence").first()
    statuses = dict(
        Entitlement.objects.filter(revision=latest, system__slug="cerner-millennium").values_list(
            "organisation__code", "status"
        )
    )
    return [STATUS_ORDER.index(statuses[code]) if code in statuses else len(STATUS_ORDER) for code in codes]


def test_the_list_sorts_by_a_systems_status(client, london):
    response = client.get("/trusts/", {"sort": SORT, "per_page": "500"})
    assert response.status_code == 200
    codes = [row.record.code for row in response.context["table"].page.object_list]
    ranks = ranks_of(codes, london)
    assert ranks == sorted(ranks) and len(set(ranks)) > 1


def test_the_reverse_sort_puts_no_row_first(client, london):
    response = client.get("/trusts/", {"sort": f"-{SORT}", "per_page": "500"})
    codes = [row.record.code for row in response.context["table"].page.object_list]
    ranks = ranks_of(codes, london)
    assert ranks == sorted(ranks, reverse=True)


def test_the_csv_follows_the_status_sort(client, london):
    rows = csv_rows(client.get("/trusts/", {"sort": SORT, "_export": "csv"}))
    ranks = ranks_of([row["identifier"] for row in rows], london)
    assert ranks == sorted(ranks)


def test_a_status_column_header_links_its_sort(client):
    page = client.get("/trusts/").content.decode()
    assert f"sort={SORT}" in page


def test_an_unknown_status_sort_is_refused(client):
    response = client.get("/trusts/", {"sort": "system_london_lsp_nothing"})
    assert response.status_code == 400
