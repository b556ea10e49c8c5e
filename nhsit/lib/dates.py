"""Dates that sources give with less than a day's precision ("Jun 2008", "by Oct 2007")."""

import datetime

from django.db import models


class DatePrecision(models.TextChoices):
    DAY = "day", "day"
    MONTH = "month", "month"
    YEAR = "year", "year"
    # The source says only that it had happened by this day ("live by Mar 2008").
    ON_OR_BEFORE = "on_or_before", "on or before"


def partial_date(text: str | None) -> tuple[datetime.date | None, str]:
    """Read "2010", "2010-04", "2010-04-13" or "by 2008-03-06" into a date and its precision: the inverse of
    partial_date_display, as the seed files write dates."""
    if not text:
        return None, DatePrecision.DAY
    if text.startswith("by "):
        return datetime.date.fromisoformat(text[3:]), DatePrecision.ON_OR_BEFORE
    parts = text.split("-")
    if len(parts) == 1:
        return datetime.date(int(parts[0]), 1, 1), DatePrecision.YEAR
    if len(parts) == 2:
        return datetime.date(int(parts[0]), int(parts[1]), 1), DatePrecision.MONTH
    return datetime.date.fromisoformat(text), DatePrecision.DAY


def partial_date_display(value: datetime.date | None, precision: str) -> str:
    """Show a date no more precisely than its source gives it ("not recorded" when the records have none)."""
    if value is None:
        return "not recorded"
    if precision == DatePrecision.YEAR:
        return f"{value.year}"
    if precision == DatePrecision.MONTH:
        return value.strftime("%b %Y")
    text = f"{value.day} {value.strftime('%b %Y')}"
    if precision == DatePrecision.ON_OR_BEFORE:
        return f"by {text}"
    return text


def duration_words(duration: datetime.timedelta) -> str:
    """A wait in words, to the minute: "1 hour", "90 minutes", "2 days"."""
    minutes = max(1, round(duration.total_seconds() / 60))
    for unit, size in [("day", 24 * 60), ("hour", 60)]:
        if minutes % size == 0:
            count = minutes // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def latest_possible_day(value: datetime.date, precision: str) -> datetime.date:
    """The last day a partial date can mean: 31 Dec for a year, the month's last day for a month, the day itself
    otherwise (an "on or before" date is at latest that day)."""
    if precision == DatePrecision.YEAR:
        return datetime.date(value.year, 12, 31)
    if precision == DatePrecision.MONTH:
        following = datetime.date(value.year + value.month // 12, value.month % 12 + 1, 1)
        return following - datetime.timedelta(days=1)
    return value


def earliest_possible_day(value: datetime.date, precision: str) -> datetime.date | None:
    """The first day a partial date can mean; None for "on or before", which has no earliest day."""
    if precision == DatePrecision.ON_OR_BEFORE:
        return None
    return value
