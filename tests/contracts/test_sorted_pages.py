"""A list sorted by a column (?sort=) is paged by number: walking its pages shows every row once, sorted, with rows
the column leaves tied (every row of one system, sorted by system) in the list's first order among themselves.

The entitlement list sorted by one column reads each page from the groups of rows it falls in
(contracts.selectors.sorted_entitlements), their sizes from the tally where it counts the column and the filters,
from the rows otherwise; sorted by the organisation's code, by sorting the rows. All are walked here and held to
the same order."""

import math

import pytest

import contracts.views.compare
import contracts.views.entitlements
from contracts.models import Citation, Entitlement, Revision, System
from contracts.selectors.citations import citation_count, strongest_grade
from contracts.services.compare import revision_compare
from contracts.services.sorted_comparison import FIRST_ORDER
from organisations.models import Organisation
from tests.conftest import previewing_drafts
from tests.helpers import visible_text

COMPARE = "/contracts/london-lsp/compare/"
ENTITLEMENTS_FIRST_ORDER = ("revision__contract__slug", "revision__sequence", "organisation__name", "system__name")


def numbered_pages(client, path: str, sort: str, total: int, filters: dict | None = None) -> list[list]:
    """Each numbered page of the list sorted by `sort`, as the records (or rows) it shows, from page 1 to the last,
    about fifteen of them."""
    per_page = max(math.ceil(total / 15), 1)
    pages = []
    for number in range(1, math.ceil(total / per_page) + 1):
        response = client.get(path, {**(filters or {}), "sort": sort, "per_page": per_page, "page": number})
        assert response.status_code == 200, visible_text(response)[:300]
        pages.append([row.record for row in response.context["table"].page.object_list])
    return pages


@pytest.fixture
def read_from_groups(monkeypatch) -> list[str]:
    """The fields of the sorts whose pages were read from their groups, one for each page so read."""
    fields = []
    real = contracts.views.entitlements.sorted_slice

    def spied(rows, groups, field, **place):
        fields.append(field)
        return real(rows, groups, field, **place)

    monkeypatch.setattr(contracts.views.entitlements, "sorted_slice", spied)
    return fields


# Each sort asked, and the order it gives (before the list's first order).
SORTS = [
    ("system", ("system__name",)),
    ("-system", ("-system__name",)),
    ("status", ("status",)),
    ("-status", ("-status",)),
    ("revision", ("revision__sequence",)),
    ("-revision", ("-revision__sequence",)),
    ("kind", ("organisation__kind",)),
    ("-kind", ("-organisation__kind",)),
    ("sector", ("organisation__sector",)),
    ("contract", ("revision__contract__slug",)),
    ("-contract", ("-revision__contract__slug",)),
    # Columns the tally does not count.
    ("delivery_model", ("delivery_model",)),
    ("-deployment_slot", ("-deployment_slot",)),
    ("withdrawal_reason", ("withdrawal_reason",)),
    ("evidence", ("evidence",)),
    ("-evidence", ("-evidence",)),
    ("source_count", ("source_count",)),
    ("-source_count", ("-source_count",)),
]
# Filters the tally counts, each with the rows it leaves.
TALLIED_FILTERS = [
    ({}, {}),
    ({"status": "withdrawn"}, {"status": "withdrawn"}),
    ({"system": ["rio", "cerner-millennium"]}, {"system__slug__in": ["rio", "cerner-millennium"]}),
    ({"revision": "ccn3", "kind": "acute"}, {"revision__code": "ccn3", "organisation__kind": "acute"}),
]


def in_sorted_order(order: tuple[str, ...], revisions=None, **filters) -> list[int]:
    revisions = Revision.objects.filter(is_published=True) if revisions is None else revisions
    return list(
        Entitlement.objects.annotate(
            evidence=strongest_grade("entitlement"), source_count=citation_count("entitlement")
        )
        .filter(revision__in=revisions, **filters)
        .order_by(*order, *ENTITLEMENTS_FIRST_ORDER, "pk")
        .values_list("pk", flat=True)
    )


@pytest.fixture
def some_uncited(london) -> None:
    """Every seeded row is cited: a few made uncited (their citations no longer current), and one sourced by none
    (its citations graded unsourced, their source taken away), so that each sort meets all its values."""
    rows = Entitlement.objects.filter(revision__contract=london).order_by("pk")
    Citation.objects.filter(entitlement__in=rows[:25:3]).update(current=False)
    Citation.objects.filter(entitlement=rows[40]).update(source=None, grade="unsourced")


@pytest.mark.parametrize(("sort", "order"), SORTS)
@pytest.mark.parametrize(("asked", "leaves"), TALLIED_FILTERS)
def test_the_entitlement_list_sorted_by_a_column_shows_each_row_once_ties_in_its_first_order(
    client, london, some_uncited, read_from_groups, sort, order, asked, leaves
):
    expected = in_sorted_order(order, **leaves)
    assert expected
    pages = numbered_pages(client, "/entitlements/", sort, len(expected), asked)
    assert [row.pk for page in pages for row in page] == expected
    assert read_from_groups == [order[0].removeprefix("-")] * len(pages)


@pytest.mark.parametrize(
    ("sort", "order", "asked", "leaves"),
    [
        ("system", ("system__name",), {"ods_code": "RV3"}, {"organisation__code": "RV3"}),
        ("-status", ("-status",), {"evidence": "stated"}, {"evidence": "stated"}),
        (
            "kind",
            ("organisation__kind",),
            {"evidence": ["uncited", "stated"], "status": "entitled"},
            {"evidence__in": ["uncited", "stated"], "status": "entitled"},
        ),
        ("-system", ("-system__name",), {"evidence": "uncited"}, {"evidence": "uncited"}),
        ("-evidence", ("-evidence",), {"evidence": ["uncited", "inferred"]}, {"evidence__in": ["uncited", "inferred"]}),
        ("source_count", ("source_count",), {"organisation": "Barts"}, {"organisation__name__icontains": "Barts"}),
        ("-system", ("-system__name",), {"organisation": "trust"}, {"organisation__name__icontains": "trust"}),
        (
            "delivery_model",
            ("delivery_model",),
            {"organisation": "trust", "kind": "acute"},
            {"organisation__name__icontains": "trust", "organisation__kind": "acute"},
        ),
        ("-withdrawal_reason", ("-withdrawal_reason",), {"status": "withdrawn"}, {"status": "withdrawn"}),
    ],
)
def test_narrowed_by_what_the_tally_does_not_keep_the_groups_are_counted_from_the_rows_too(
    client, london, some_uncited, read_from_groups, sort, order, asked, leaves
):
    expected = in_sorted_order(order, **leaves)
    assert expected
    pages = numbered_pages(client, "/entitlements/", sort, len(expected), asked)
    assert [row.pk for page in pages for row in page] == expected
    assert read_from_groups == [order[0].removeprefix("-")] * len(pages)


@pytest.mark.parametrize("sort", ["identifier", "-identifier"])
def test_sorted_by_the_organisations_code_the_list_sorts_its_rows_to_the_same_order(
    client, london, read_from_groups, sort
):
    expected = in_sorted_order((sort.replace("identifier", "organisation__code"),))
    pages = numbered_pages(client, "/entitlements/", sort, len(expected))
    assert [row.pk for page in pages for row in page] == expected
    assert read_from_groups == []


def test_an_editor_previewing_drafts_walks_the_draft_revisions_rows_sorted_too(editor, london, read_from_groups):
    revision = Revision.objects.filter(contract=london).order_by("sequence").first()
    revision.is_published = False
    revision.save()
    client = previewing_drafts(editor)
    expected = in_sorted_order(("-system__name",), revisions=Revision.objects.all())
    assert len(expected) > len(in_sorted_order(("-system__name",)))
    pages = numbered_pages(client, "/entitlements/", "-system", len(expected))
    assert [row.pk for page in pages for row in page] == expected
    assert read_from_groups


@pytest.fixture
def compare_read_from_groups(monkeypatch) -> list[int]:
    """How many groups each page of the compare table was read from, one number for each page so read."""
    groups_read = []
    real = contracts.views.compare.sorted_comparison_slice

    def spied(comparison, groups, **place):
        rows = real(comparison, groups, **place)
        groups_read.append(len(groups))
        return rows

    monkeypatch.setattr(contracts.views.compare, "sorted_comparison_slice", spied)
    return groups_read


def compare_rows_sorted(field: str, descending: bool, base, target, **filters) -> list[tuple]:
    """The comparison's rows as (organisation, system) ids, every row worked out and sorted by `field`, ties in the
    table's first order."""
    rows = revision_compare(base=base, target=target, **filters).rows
    order = (f"-{field}" if descending else field, *FIRST_ORDER)
    return [(row["organisation_id"], row["system_id"]) for row in rows.order_by(*order)]


@pytest.mark.parametrize(
    "sort",
    [
        "outcome",
        "-outcome",
        "system_name",
        "-system_name",
        "kind",
        "-sector",
        "base_status",
        "-target_status",
        "live",
        "-live",
        "delivery_model",
        "-delivery_model",
    ],
)
@pytest.mark.parametrize(
    ("asked", "filters"),
    [
        ({}, {}),
        ({"kind": "acute"}, {"kinds": ["acute"]}),
        ({"outcome": ["lost", "kept"]}, {"outcomes": ["lost", "kept"]}),
        (
            {"system": ["cerner-millennium", "rio"], "live": "no"},
            {"systems": ["cerner-millennium", "rio"], "live": False},
        ),
        ({"ods": "RAS,RV3"}, {"organisations": ["RAS", "RV3"]}),
    ],
)
def test_the_compare_table_sorted_by_outcome_or_system_shows_each_row_once_ties_in_its_first_order(
    client, london, compare_read_from_groups, sort, asked, filters
):
    first = client.get(COMPARE, asked)
    assert first.status_code == 200, visible_text(first)[:300]
    comparison = first.context["comparison"]
    if "systems" in filters:
        filters = filters | {"systems": list(System.objects.filter(slug__in=filters["systems"]))}
    if "organisations" in filters:
        filters = filters | {"organisations": comparison.organisation_ids}
    expected = compare_rows_sorted(
        sort.removeprefix("-"), sort.startswith("-"), comparison.base, comparison.target, **filters
    )
    assert expected
    pages = numbered_pages(client, COMPARE, sort, len(expected), asked)
    assert [(row["organisation_id"], row["system_id"]) for page in pages for row in page] == expected
    assert len(compare_read_from_groups) == len(pages)


def test_the_compare_table_sorted_otherwise_shows_each_row_once_ties_in_its_first_order(
    client, london, compare_read_from_groups
):
    comparison = client.get(COMPARE).context["comparison"]
    expected = compare_rows_sorted("organisation_code", True, comparison.base, comparison.target)
    pages = numbered_pages(client, COMPARE, "-identifier", len(expected))
    assert [(row["organisation_id"], row["system_id"]) for page in pages for row in page] == expected
    assert compare_read_from_groups == []


def test_the_organisations_list_sorted_by_kind_shows_each_once_ties_by_name(client, london):
    shown = Organisation.objects.filter(entitlements__isnull=False).distinct()
    first = client.get("/trusts/", {"sort": "kind", "per_page": 500})
    total = first.context["table"].paginator.count
    assert total >= shown.count() > 20
    pages = numbered_pages(client, "/trusts/", "kind", total)
    records = [record for page in pages for record in page]
    assert len({record.pk for record in records}) == total == len(records)
    assert [(record.kind_id, record.name) for record in records] == sorted((r.kind_id, r.name) for r in records)
