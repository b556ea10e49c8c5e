"""The tally's cells summed for several parts at once (the filter counts of compare, the organisations list and the
entitlement list): on PostgreSQL, where the parts keep much the same cells, in one pass over them, which must give
what a group per part gives."""

from collections import Counter

import pytest
from django.db import connection
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext

from contracts.selectors import tally
from contracts.selectors.tally import status_pair_cells, tally_sums, with_outcome

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="elsewhere tally_sums sums part by part"),
]

PARTS = {
    "every cell": (None, Q()),
    "acute cells": (None, Q(kind="acute")),
    "no cell": (None, Q(pk__in=[])),
    "by system": (F("system_id"), Q()),
    "by system, lost": (F("system_id"), Q(outcome="lost")),
    "by system, acute": (F("system_id"), Q(kind="acute")),
    "by outcome, two kinds": (F("outcome"), Q(kind__in=["acute", "mental_health"])),
    "by live": (F("live"), Q()),
    "by live text": (F("live_text"), Q(live=True) | Q(kind="acute")),
    "by base status, nothing": (F("first_status"), Q(pk__in=[])),
    "by sector, not unknown": (F("sector"), ~Q(outcome="unknown")),
}


def summed(found, parts) -> dict[str, Counter]:
    sums: dict[str, Counter] = {name: Counter() for name in parts}
    for name, value, number in found:
        if number:
            sums[name][value] += number
    return sums


def one_pass(cells, parts) -> dict[str, Counter]:
    return summed(tally._summed_in_one_pass(cells, parts), parts)


def part_by_part(cells, parts) -> dict[str, Counter]:
    return summed(tally._summed_part_by_part(cells, parts), parts)


def london_cells(original, ccn3):
    return with_outcome(status_pair_cells(base=original, target=ccn3))


def test_one_pass_gives_each_parts_sums_as_a_group_per_part_does(original, ccn3):
    cells = london_cells(original, ccn3)
    sums = one_pass(cells, PARTS)
    assert sums == part_by_part(cells, PARTS) == tally_sums(cells, PARTS)
    assert sums["every cell"][""] > sums["acute cells"][""] > 0
    assert sums["no cell"] == Counter()
    assert set(sums["by live"]) == {"true", "false"}
    assert sum(sums["by system"].values()) == sums["every cell"][""]


def test_one_pass_over_no_cells_sums_to_nothing(original, ccn3):
    cells = london_cells(original, ccn3).none()
    assert one_pass(cells, PARTS) == {name: Counter() for name in PARTS}


def test_parts_all_of_one_column_or_of_none(original, ccn3):
    cells = london_cells(original, ccn3)
    for parts in ({"a": (None, Q()), "b": (None, Q(kind="acute"))}, {"a": (F("kind"), Q()), "b": (F("kind"), Q())}):
        assert one_pass(cells, parts) == part_by_part(cells, parts) == tally_sums(cells, parts)


def test_parts_sharing_their_cells_are_summed_in_one_pass(original, ccn3):
    """One query either way; the one pass is the one that groups by GROUPING SETS."""
    cells = london_cells(original, ccn3)
    shared = {
        "total": (None, Q(kind="acute")),
        "by system": (F("system_id"), Q(kind="acute")),
        "by kind": (F("kind"), Q()),
    }
    apart = shared | {"by outcome": (F("outcome"), Q(system__slug="rio"))}
    for parts, grouped in ((shared, True), (apart, False)):
        with CaptureQueriesContext(connection) as queries:
            sums = tally_sums(cells, parts)
        assert len(queries) == 1
        assert ("GROUPING SETS" in queries[0]["sql"]) is grouped
        assert sums == part_by_part(cells, parts)
