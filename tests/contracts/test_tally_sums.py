"""The tally's cells summed for several parts at once (the filter counts of compare, the organisations list and the
entitlement list): on PostgreSQL in one pass over the cells, which must give what a group per part gives."""

from collections import Counter

import pytest
from django.db import connection
from django.db.models import F, Q

from contracts.selectors.tally import _summed_part_by_part, status_pair_cells, tally_sums, with_outcome

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


def part_by_part(cells, parts) -> dict[str, Counter]:
    sums: dict[str, Counter] = {name: Counter() for name in parts}
    for name, value, number in _summed_part_by_part(cells, parts):
        if number:
            sums[name][value] += number
    return sums


def london_cells(original, ccn3):
    return with_outcome(status_pair_cells(base=original, target=ccn3))


def test_one_pass_gives_each_parts_sums_as_a_group_per_part_does(original, ccn3):
    cells = london_cells(original, ccn3)
    summed = tally_sums(cells, PARTS)
    assert summed == part_by_part(cells, PARTS)
    assert summed["every cell"][""] > summed["acute cells"][""] > 0
    assert summed["no cell"] == Counter()
    assert set(summed["by live"]) == {"true", "false"}
    assert sum(summed["by system"].values()) == summed["every cell"][""]


def test_one_pass_over_no_cells_sums_to_nothing(original, ccn3):
    cells = london_cells(original, ccn3).none()
    assert tally_sums(cells, PARTS) == {name: Counter() for name in PARTS}


def test_parts_all_of_one_column_or_of_none(original, ccn3):
    cells = london_cells(original, ccn3)
    for parts in ({"a": (None, Q()), "b": (None, Q(kind="acute"))}, {"a": (F("kind"), Q()), "b": (F("kind"), Q())}):
        assert tally_sums(cells, parts) == part_by_part(cells, parts)
