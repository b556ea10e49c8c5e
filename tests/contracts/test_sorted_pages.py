"""A list sorted by a column (?sort=) is paged by number: walking its pages shows every row once, sorted, with rows
the column leaves tied (every row of one system, sorted by system) in the list's first order among themselves."""

import math

import pytest

from contracts.models import Entitlement
from organisations.models import Organisation
from tests.helpers import visible_text

COMPARE = "/contracts/london-lsp/compare/"
ENTITLEMENTS_FIRST_ORDER = ("revision__contract__slug", "revision__sequence", "organisation__name", "system__name")


def numbered_pages(client, path: str, sort: str, total: int) -> list[list]:
    """Each numbered page of the list sorted by `sort`, as the records (or rows) it shows, from page 1 to the last,
    about fifteen of them."""
    per_page = math.ceil(total / 15)
    pages = []
    for number in range(1, math.ceil(total / per_page) + 1):
        response = client.get(path, {"sort": sort, "per_page": per_page, "page": number})
        assert response.status_code == 200, visible_text(response)[:300]
        pages.append([row.record for row in response.context["table"].page.object_list])
    return pages


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("system", ("system__name",)),
        ("-system", ("-system__name",)),
        ("status", ("status",)),
        ("-revision", ("-revision__sequence",)),
        ("kind", ("organisation__kind",)),
        ("contract", ("revision__contract__slug",)),
    ],
)
def test_the_entitlement_list_sorted_by_a_column_shows_each_row_once_ties_in_its_first_order(
    client, london, sort, order
):
    expected = list(
        Entitlement.objects.filter(revision__is_published=True)
        .order_by(*order, *ENTITLEMENTS_FIRST_ORDER, "pk")
        .values_list("pk", flat=True)
    )
    pages = numbered_pages(client, "/entitlements/", sort, len(expected))
    assert [row.pk for page in pages for row in page] == expected


def test_the_compare_table_sorted_by_outcome_shows_each_row_once_ties_in_its_first_order(client, london):
    first = client.get(COMPARE, {"sort": "outcome", "per_page": 500})
    total = first.context["table"].paginator.count
    pages = numbered_pages(client, COMPARE, "outcome", total)
    rows = [row for page in pages for row in page]
    keys = [(row["organisation_id"], row["system_id"]) for row in rows]
    assert len(keys) == total and len(set(keys)) == total
    shown = [(row["outcome"], row["organisation_name"], row["organisation_code"], row["system_name"]) for row in rows]
    assert shown == sorted(shown)
    assert len({row["outcome"] for row in rows}) > 1


def test_the_organisations_list_sorted_by_kind_shows_each_once_ties_by_name(client, london):
    shown = Organisation.objects.filter(entitlements__isnull=False).distinct()
    first = client.get("/trusts/", {"sort": "kind", "per_page": 500})
    total = first.context["table"].paginator.count
    assert total >= shown.count() > 20
    pages = numbered_pages(client, "/trusts/", "kind", total)
    records = [record for page in pages for record in page]
    assert len({record.pk for record in records}) == total == len(records)
    assert [(record.kind_id, record.name) for record in records] == sorted((r.kind_id, r.name) for r in records)
