"""Charts where a picture says more: drawn on the server as SVG, each with its numbers in a table and in words."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils.html import escape

from contracts.pages.charts import value_chart
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db


def test_the_value_chart_puts_each_revision_at_its_date_on_a_real_time_axis(london):
    revisions = list(london.revisions.filter(is_published=True).order_by("sequence"))
    chart = value_chart(revisions)
    plotted = [point.revision for point in chart.points]
    assert plotted == [r for r in revisions if r.total_value is not None and r.signed_on]
    xs = [point.x for point in chart.points]
    assert xs == sorted(xs)
    days = [(point.revision.signed_on - plotted[0].signed_on).days for point in chart.points]
    # Equal spans of time are equal spans of the axis.
    scale = (xs[-1] - xs[0]) / days[-1]
    assert all(abs((x - xs[0]) - day * scale) < 1 for x, day in zip(xs, days, strict=True))
    assert chart.left_off == [r for r in revisions if r not in plotted]


def test_the_value_chart_is_higher_for_a_larger_value(original, ccn3):
    chart = value_chart([original, ccn3])
    first, last = chart.points
    assert original.total_value > ccn3.total_value
    assert first.y < last.y  # SVG's y runs downwards


def test_no_chart_for_fewer_than_two_values(original):
    assert value_chart([original]) is None
    original.total_value = None
    assert value_chart([original]) is None


def test_the_contract_page_shows_the_chart_with_its_table_and_words(client, original):
    page = client.get("/contracts/london-lsp/").content.decode()
    svg = page[page.index('<figure class="value-chart">') : page.index("</figure>")]
    assert 'role="img"' in svg and "<title" in svg
    assert re.search(r"The contract(&#x27;|')s value: £1\.1bn under", svg)
    table = page[page.index('id="value-table-caption"') :]
    assert "£1,100,000,000" in table[: table.index("</table>")]
    assert "Value over time" in visible_text(client.get("/contracts/london-lsp/"))


def test_the_chart_axis_is_in_years_and_tidy_sums(original, ccn3):
    chart = value_chart([original, ccn3])
    assert [tick.label for tick in chart.years][0] == str(original.signed_on.year)
    assert chart.values[0].label == "£0"
    assert all(label.label.startswith("£") for label in chart.values)


def test_a_loosely_dated_revision_is_placed_at_its_first_possible_day(original, ccn3):
    ccn3.signed_on, ccn3.signed_precision = datetime.date(2010, 4, 1), "month"
    chart = value_chart([original, ccn3])
    assert chart.points[1].revision.signed_display == "Apr 2010"
    assert Decimal(chart.points[1].revision.total_value) == ccn3.total_value


def test_the_gp_systems_line_shows_promised_against_delivered_in_words(client):
    response = client.get("/systems/gp-systems/")
    bars = response.context["overview"].promises
    assert bars, "the GP systems line has a promised quantity"
    bar = bars[0]
    assert bar.promised.quantity > (bar.delivered.delivered_quantity if bar.delivered else 0)
    page = response.content.decode()
    assert 'class="promise-bar"' in page
    assert escape(bar.words) in page
    text = visible_text(response)
    assert "Promised " in text and " · Delivered " in text
    assert "removed" in text


def test_a_delivered_bar_is_as_long_as_its_share_of_the_promise(client):
    for bar in client.get("/systems/gp-systems/").context["overview"].promises:
        if bar.delivered:
            share = 100 * float(bar.delivered.delivered_quantity) / float(bar.promised.quantity)
            assert abs(bar.delivered_width - min(share, 100)) < 0.01


def test_the_systems_list_shows_each_systems_outcomes_from_first_revision_to_latest(client, london):
    response = client.get("/systems/")
    rows = {row.system.slug: row for row in response.context["rows"]}
    cerner = rows["cerner-millennium"]
    (contract, bar), *_others = cerner.bars
    assert contract == london
    first, latest = london.revisions.order_by("sequence").first(), london.revisions.order_by("sequence").last()
    compared = client.get("/contracts/london-lsp/compare/", {"base": first.code, "target": latest.code})
    counts = compared.context["matrix"].bars
    expected = next(b for b in counts if b.system.slug == "cerner-millennium")
    assert [s.count for s in bar.segments] == [s.count for s in expected.segments]
    assert 'aria-label="' in response.content.decode()


def test_no_pattern_id_repeats_on_a_page_with_many_bars(client):
    page = client.get("/systems/").content.decode()
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
