import datetime

import pytest

from contracts.selectors.revisions import revision_in_force

pytestmark = pytest.mark.django_db


def test_before_the_contract_was_signed_nothing_was_in_force(london):
    in_force = revision_in_force(contract=london, day=datetime.date(2003, 1, 1))
    assert in_force.revision is None


def test_a_day_after_every_signing_has_the_latest_revision(london):
    latest = london.revisions.order_by("-sequence").first()
    in_force = revision_in_force(contract=london, day=datetime.date(2020, 1, 1))
    assert in_force.revision == latest
    assert in_force.perhaps is None


def test_a_day_inside_a_loosely_dated_signing_is_not_decided(london, ccn3, original):
    ccn3.signed_on, ccn3.signed_precision = datetime.date(2010, 4, 1), "month"
    ccn3.save()
    in_force = revision_in_force(contract=london, day=datetime.date(2010, 4, 15))
    assert in_force.perhaps == ccn3
    assert in_force.revision != ccn3


def test_a_draft_is_never_in_force_on_a_public_page(london, ccn3):
    ccn3.is_published = False
    ccn3.save()
    assert revision_in_force(contract=london, day=datetime.date(2020, 1, 1)).revision != ccn3
    assert revision_in_force(contract=london, day=datetime.date(2020, 1, 1), drafts=True).revision == ccn3
