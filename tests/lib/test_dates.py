"""Dates no more precise than their sources, in and out; waits in words."""

import datetime

import pytest

from nhsit.lib.dates import DatePrecision, duration_words, partial_date, partial_date_display


@pytest.mark.parametrize(
    ("text", "date", "precision", "shown"),
    [
        ("2010", datetime.date(2010, 1, 1), DatePrecision.YEAR, "2010"),
        ("2010-04", datetime.date(2010, 4, 1), DatePrecision.MONTH, "Apr 2010"),
        ("2010-04-13", datetime.date(2010, 4, 13), DatePrecision.DAY, "13 Apr 2010"),
        ("by 2008-03-06", datetime.date(2008, 3, 6), DatePrecision.ON_OR_BEFORE, "by 6 Mar 2008"),
    ],
)
def test_a_seed_date_keeps_its_precision_and_shows_no_more(text, date, precision, shown):
    assert partial_date(text) == (date, precision)
    assert partial_date_display(*partial_date(text)) == shown


def test_no_date_is_unknown():
    assert partial_date(None) == (None, DatePrecision.DAY)
    assert partial_date_display(None, DatePrecision.DAY) == "not recorded"


@pytest.mark.parametrize(
    ("hours", "words"), [(1, "1 hour"), (0.5, "30 minutes"), (48, "2 days"), (1 / 60, "1 minute"), (1.5, "90 minutes")]
)
def test_a_wait_reads_in_the_largest_whole_unit(hours, words):
    assert duration_words(datetime.timedelta(hours=hours)) == words
