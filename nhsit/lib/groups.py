"""Rows read from a run of groups whose sizes are known: which part of which group a span of the rows is."""

from collections.abc import Iterable, Iterator
from typing import TypeVar

Group = TypeVar("Group")


def parts_of_span(groups: Iterable[tuple[Group, int]], *, start: int, stop: int) -> Iterator[tuple[Group, int, int]]:
    """For rows `start` to `stop` of the groups (each with how many rows it holds) one after another: each group
    the span falls in, with the first and last (exclusive) of its own rows the span takes."""
    at = 0
    for group, rows in groups:
        if at >= stop:
            return
        if rows and at + rows > start:
            yield group, max(start - at, 0), min(stop - at, rows)
        at += rows
