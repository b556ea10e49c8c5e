"""A span of rows read from a run of groups of known sizes."""

import pytest

from nhsit.lib.groups import parts_of_span

SIZES = [("a", 3), ("b", 0), ("c", 5), ("d", 2)]


@pytest.mark.parametrize(("start", "stop"), [(0, 0), (0, 2), (0, 3), (2, 4), (3, 8), (7, 10), (9, 20), (10, 12)])
def test_the_parts_of_a_span_are_the_rows_it_covers_in_order(start, stop):
    rows = [(name, index) for name, size in SIZES for index in range(size)]
    parts = list(parts_of_span(SIZES, start=start, stop=stop))
    assert [(name, index) for name, first, last in parts for index in range(first, last)] == rows[start:stop]
    assert all(last > first for _, first, last in parts)
