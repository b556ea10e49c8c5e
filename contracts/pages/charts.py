"""Outcome counts shaped for a bar: each outcome's share of one system's organisations."""

from collections import Counter
from dataclasses import dataclass

from contracts.models import System
from contracts.outcomes import Outcome


@dataclass(frozen=True)
class BarSegment:
    outcome: str
    label: str
    count: int
    start: float  # per cent of the bar's width
    width: float


@dataclass(frozen=True)
class OutcomeBar:
    system: System
    total: int
    segments: list[BarSegment]

    def count(self, outcome: str) -> int:
        return next((segment.count for segment in self.segments if segment.outcome == outcome), 0)


def outcome_bars(*, systems: list[System], counts: dict[str, Counter]) -> list[OutcomeBar]:
    bars = []
    for system in systems:
        system_counts = counts.get(system.slug, Counter())
        total = sum(system_counts.values())
        segments, start = [], 0.0
        for outcome in Outcome:
            count = system_counts.get(outcome.value, 0)
            width = 100 * count / total if total else 0.0
            segments.append(BarSegment(outcome.value, outcome.label, count, round(start, 3), round(width, 3)))
            start += width
        bars.append(OutcomeBar(system=system, total=total, segments=segments))
    return bars
