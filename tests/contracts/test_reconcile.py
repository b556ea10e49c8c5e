from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from contracts.models import ReportedFigure
from contracts.services.reconcile import (
    Recorded,
    Verdict,
    contract_figures,
    reported_figure_reconcile,
    stated_range,
    verdict_for,
)


@pytest.mark.parametrize(
    ("value", "qualifier", "expected"),
    [
        (8, "exact", (8, 8)),
        (16, "about", (Decimal("14.4"), Decimal("17.6"))),
        (5, "about", (4, 6)),
        (10, "at_most", (None, 10)),
        (100, "at_least", (100, None)),
    ],
)
def test_a_stated_number_allows_a_range_by_its_qualifier(value, qualifier, expected):
    assert stated_range(Decimal(value), qualifier) == expected


@pytest.mark.parametrize(
    ("value", "qualifier", "recorded", "verdict"),
    [
        (8, "exact", Recorded(Decimal(8)), Verdict.AGREES),
        (8, "exact", Recorded(Decimal(7)), Verdict.DISAGREES),
        (6, "exact", Recorded(Decimal(6), unknown=2), Verdict.OPEN),
        (16, "about", Recorded(Decimal(1), unknown=21), Verdict.OPEN),
        (16, "about", Recorded(Decimal(1), unknown=3), Verdict.DISAGREES),
        (10, "at_most", Recorded(Decimal(2), unknown=5), Verdict.AGREES),
        (10, "at_most", Recorded(Decimal(11)), Verdict.DISAGREES),
        (100, "at_least", Recorded(Decimal(112)), Verdict.AGREES),
        (85, "exact", Recorded(None), Verdict.NOT_COMPARED),
    ],
)
def test_the_verdict_says_whether_the_records_can_agree(value, qualifier, recorded, verdict):
    assert verdict_for(Decimal(value), qualifier, recorded) == verdict


@pytest.fixture
def reconciled(london):
    return {
        result.figure.key: result for result in reported_figure_reconcile(figures=contract_figures(contract=london))
    }


@pytest.mark.parametrize(
    ("key", "recorded", "unknown", "verdict"),
    [
        ("cerner-live-april-2010", 8, 0, "agrees"),
        ("cerner-bt-delivered-april-2010", 6, 2, "open"),
        ("acute-trusts-after-mergers", 29, 0, "disagrees"),
        ("cerner-lost-by-half", 1, 15, "open"),  # reset-2007 to CCN3: RNOH
        ("cerner-at-most-ten-more", 4, 12, "open"),
        ("value-cut", 112000000, 0, "agrees"),
        ("value-cut-percent", Decimal("10.18"), 0, "agrees"),
        ("value-cut-guardian", 112000000, 0, "disagrees"),
        ("value-cut-percent-pac", Decimal("10.18"), 0, "disagrees"),
        ("original-value-bt-2003", 1100000000, 0, "disagrees"),
        ("acute-hospitals-originally-contracted-pac", 29, 0, "disagrees"),
        ("acute-hospitals-after-ccn3-pac", 8, 15, "open"),
        ("gp-practices", 1500, 0, "agrees"),
        ("gp-practices-around-1500-bacon", 1500, 0, "agrees"),
        ("gp-practices-pac", 1500, 0, "disagrees"),
        ("gp-practices-delivered", 100, 0, "agrees"),
        ("rio-users", 50000, 0, "agrees"),
        ("rio-mental-health-live-2007", 1, 0, "disagrees"),
        ("rio-mental-health-april-2010", 1, 0, "disagrees"),
        ("rio-mental-health-not-deploying", 0, 5, "open"),
        ("rio-deployments-fell-by-one", 0, 5, "open"),
        ("rio-pcts-community", 0, 0, "disagrees"),
        ("rio-pcts-not-getting", 0, 0, "disagrees"),
    ],
)
def test_it_sets_each_seed_figure_beside_the_records(reconciled, key, recorded, unknown, verdict):
    result = reconciled[key]
    assert (result.recorded, result.unknown, result.verdict) == (Decimal(recorded), unknown, verdict)


def test_figures_on_another_basis_are_reported_but_not_compared(reconciled):
    for key in (
        "value-cut-nao",
        "value-after-ccn3-2004-prices",
        "original-value-2004-prices",
        "gp-practices-delivered-2008",
        "value-cut-carnall",
        "reset-2007-added",
        "cerner-four-further-2012",
        "isoft7-trusts-2006",
        "small-hospitals-removed-pac",
    ):
        assert (reconciled[key].recorded, reconciled[key].verdict) == (None, "not_compared")


def test_every_seed_figure_is_reconciled(london, reconciled):
    assert set(reconciled) == set(ReportedFigure.objects.filter(contract=london).values_list("key", flat=True))


def test_the_mismatches_do_not_change_the_records(london, ccn3, reconciled):
    assert reconciled["acute-trusts-after-mergers"].verdict == "disagrees"
    assert ccn3.entitlements.filter(system__slug="cerner-millennium").count() == 29


def test_reconciling_costs_a_bounded_number_of_queries(london, django_assert_max_num_queries):
    figures = list(contract_figures(contract=london))
    with django_assert_max_num_queries(len(figures)):
        reported_figure_reconcile(figures=figures)


def test_a_figure_must_say_what_its_measure_counts(london, ccn3):
    figure = ReportedFigure(
        contract=london,
        key="half",
        statement="half",
        value=1,
        unit="trusts",
        measure="outcome_count",
        revision=ccn3,
        organisation_kinds=["hospital"],
    )
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert {"system", "base_revision", "outcome", "organisation_kinds"} <= set(error.value.message_dict)
