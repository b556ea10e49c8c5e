"""The system page's lists of the first organisations with each outcome, each found by walking organisations in name
order: the same organisations, in the same order, as the whole comparison gives, cut to the list's length."""

import pytest
from django.db import connection

from contracts.models import Entitlement, System
from contracts.outcomes import Outcome
from contracts.services.compare import revision_compare
from contracts.services.first_by_outcome import OutcomeList, _first_rows, first_by_outcome
from tests.helpers import visible_text
from tests.scale import entitled_organisations_loaded

SHOWN = ["identifier", "organisation_name", "base_status", "target_status", "live"]


def from_the_comparison(base, target, system, outcome, length):
    rows = revision_compare(base=base, target=target, systems=[system], outcomes=[outcome]).rows
    ordered = sorted(rows, key=lambda row: (row["organisation_name"], row["organisation_code"]))
    return [[row[name] for name in SHOWN] for row in ordered[:length]]


@pytest.mark.parametrize("length", [1, 3, 100])
@pytest.mark.parametrize("pair", [("original", "ccn3"), ("ccn3", "original")])
def test_each_outcome_lists_what_the_whole_comparison_gives_it_first(london, length, pair):
    base, target = (london.revisions.get(code=code) for code in pair)
    systems = System.objects.filter(entitlements__revision__contract=london).distinct()
    assert systems.count() > 1
    for system in systems:
        found = first_by_outcome(
            [OutcomeList(base, target, system, outcome.value) for outcome in Outcome], length=length
        )
        assert {row["contract_id"] for row in found} == {london.pk}
        for outcome in Outcome:
            listed = [[row[name] for name in SHOWN] for row in found if row["outcome"] == outcome]
            assert listed == from_the_comparison(base, target, system, outcome, length), (system.slug, outcome)


def test_an_organisation_with_no_row_in_either_revision_is_not_listed_as_unknown(london, original, ccn3):
    cerner = System.objects.get(slug="cerner-millennium")
    unknown = first_by_outcome([OutcomeList(original, ccn3, cerner, Outcome.UNKNOWN)], length=1000)
    having = set(
        Entitlement.objects.filter(revision__in=[original, ccn3], system=cerner).values_list(
            "organisation__code", flat=True
        )
    )
    assert unknown and {row["organisation_code"] for row in unknown} <= having


def test_the_system_page_lists_the_first_of_each_outcome_by_name(client, monkeypatch, original, ccn3):
    monkeypatch.setattr("contracts.pages.systems.SYSTEM_PAGE_LIST", 2)
    cerner = System.objects.get(slug="cerner-millennium")
    text = visible_text(client.get("/systems/cerner-millennium/"))
    for outcome in [Outcome.KEPT, Outcome.LOST]:
        for identifier, name, *_ in from_the_comparison(original, ccn3, cerner, outcome, 2):
            assert f"{name} ({identifier})" in text
    rows = revision_compare(base=original, target=ccn3, systems=[cerner], outcomes=[Outcome.LOST]).rows
    third = sorted(rows, key=lambda row: (row["organisation_name"], row["organisation_code"]))[2]
    assert f"{third['organisation_name']} ({third['identifier']})" not in text
    assert f"Lost ({len(rows)}, the first 2 below)" in text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_a_list_reads_organisations_in_name_order_asking_each_its_statuses(london, original, ccn3):
    """Not every organisation's rows hashed or sorted: the walk stops at the list's length."""
    cerner = System.objects.get(slug="cerner-millennium")
    entitled_organisations_loaded(
        prefix="ZK", name="Kept Trust", count=3000, systems=[cerner], revisions=[original, ccn3]
    )
    sql, params = _first_rows(OutcomeList(original, ccn3, cerner, Outcome.KEPT), length=100)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "organisation_list_order" in plan
    assert "Hash" not in plan and "Sort" not in plan
    listed = first_by_outcome([OutcomeList(original, ccn3, cerner, Outcome.KEPT)], length=100)
    assert [[row[name] for name in SHOWN] for row in listed] == from_the_comparison(
        original, ccn3, cerner, Outcome.KEPT, 100
    )
