"""Numbers shaped for pictures: outcome bars (each outcome's share of one system's organisations) and a
contract's value over time."""

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from contracts.models import Deliverable, Revision, System
from contracts.outcomes import Outcome
from nhsit.lib.money import gbp_short
from nhsit.lib.qualifiers import qualified_number


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


# The value chart's drawing area, in the SVG's own units; the page scales it to its width.
CHART_WIDTH, CHART_HEIGHT = 640, 240
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 64, 16, 16, 32


@dataclass(frozen=True)
class ValuePoint:
    revision: Revision
    x: float
    y: float
    label: str  # the value, as the axis writes it


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class ValueChart:
    """A contract's value over its revisions on a real time axis: a step line, since each value holds until the
    next revision changes it. Revisions with no recorded value or date are left off, and named."""

    points: list[ValuePoint]
    steps: str  # the SVG polyline's points
    years: list[Tick]
    values: list[Tick]
    left_off: list[Revision]
    words: str
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    left: int = CHART_LEFT
    bottom: int = CHART_HEIGHT - CHART_BOTTOM
    right: int = CHART_WIDTH - CHART_RIGHT


def value_chart(revisions: list[Revision]) -> ValueChart | None:
    """The chart of the revisions' values, or None when fewer than two have both a value and a date."""
    known = [(r, r.signed_on, r.total_value) for r in revisions if r.total_value is not None and r.signed_on]
    if len(known) < 2:
        return None
    first_year, last_year = known[0][1].year, known[-1][1].year + 1
    start, end = datetime.date(first_year, 1, 1), datetime.date(last_year, 12, 31)
    step = _round_step(max(value for _r, _day, value in known) * Decimal("1.15") / 4)

    def x(day: datetime.date) -> float:
        span = (end - start).days or 1
        return round(CHART_LEFT + (CHART_WIDTH - CHART_LEFT - CHART_RIGHT) * (day - start).days / span, 1)

    def y(value: Decimal) -> float:
        height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
        return round(CHART_TOP + height * (1 - float(value / (step * 4))), 1)

    points = [ValuePoint(revision, x(day), y(value), gbp_short(value)) for revision, day, value in known]
    corners = []
    for point, following in zip(points, [*points[1:], None], strict=True):
        corners.append(f"{point.x},{point.y}")
        corners.append(f"{following.x if following else x(end)},{point.y}")
    words = ", then ".join(f"{gbp_short(value)} under {r.title} ({r.signed_display})" for r, _day, value in known)
    plotted = [revision for revision, _day, _value in known]
    return ValueChart(
        points=points,
        steps=" ".join(corners),
        years=[Tick(x(datetime.date(year, 1, 1)), str(year)) for year in range(first_year, last_year + 1)],
        values=[Tick(y(step * index), gbp_short(step * index)) for index in range(5)],
        left_off=[revision for revision in revisions if revision not in plotted],
        words=f"The contract's value: {words}.",
    )


def _round_step(value: Decimal) -> Decimal:
    """A tidy axis step at or above `value`: 1, 2 or 5 times a power of ten."""
    magnitude = Decimal(10) ** (len(str(int(value))) - 1) if value >= 1 else Decimal(1)
    for factor in (1, 2, 5, 10):
        if magnitude * factor >= value:
            return magnitude * factor
    return magnitude * 10


@dataclass(frozen=True)
class PromiseBar:
    """One programme line: what was promised at most, what was delivered, and what became of it, as two bars on
    one scale (the promise is the full width)."""

    title: str
    unit: str
    promised: Deliverable
    delivered: Deliverable | None
    latest: Deliverable
    delivered_width: float  # per cent of the promise

    @property
    def words(self) -> str:
        promised = f"{qualified_number(self.promised.quantity, self.promised.quantity_qualifier)} {self.unit}"
        if self.delivered is None:
            delivered = "delivered: not recorded"
        else:
            number = qualified_number(self.delivered.delivered_quantity, self.delivered.delivered_qualifier)
            delivered = f"delivered {number} {self.unit}"
        return f"{self.title}: promised {promised} ({self.promised.revision.title}); {delivered}; " + (
            f"{self.latest.get_status_display()} under {self.latest.revision.title}."
        )


def promise_bars(lines: list[Deliverable]) -> list[PromiseBar]:
    """For each programme line with a promised quantity: its largest promise, its delivery where recorded, and its
    latest status (lines given revision by revision, in order)."""
    by_code: dict[tuple[int, str], list[Deliverable]] = {}
    for line in lines:
        by_code.setdefault((line.revision.contract_id, line.code), []).append(line)
    bars = []
    for own in by_code.values():
        promised_lines = [(line.quantity, line) for line in own if line.quantity]
        if not promised_lines:
            continue
        quantity, promised = max(promised_lines, key=lambda pair: pair[0])
        delivered = next((line for line in reversed(own) if line.delivered_quantity is not None), None)
        share = 100 * (delivered.delivered_quantity or 0) / quantity if delivered else 0
        bars.append(
            PromiseBar(
                title=promised.title,
                unit=promised.unit,
                promised=promised,
                delivered=delivered,
                latest=own[-1],
                delivered_width=round(min(float(share), 100.0), 2),
            )  # fmt: skip
        )
    return bars
