"""A contract's and an organisation's page on a day: the revision in force then (?as_of=), and, separately, what
this site's records said then (?recorded_on=)."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contracts.models import Entitlement, EntitlementStatus, Revision
from contracts.services.history import history_of, record_change
from nhsit.lib.dates import earliest_possible_day, latest_possible_day
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db


def shown(day: datetime.date) -> str:
    return f"{day.day} {day.strftime('%b %Y')}"


def dated_revisions(contract) -> list[Revision]:
    return [revision for revision in contract.revisions.filter(is_published=True).order_by("sequence")
            if revision.signed_on]  # fmt: skip


def test_before_the_first_revision_the_page_says_none_was_signed(client, london):
    first = dated_revisions(london)[0]
    day = earliest_possible_day(first.signed_on, first.signed_precision) - datetime.timedelta(days=1)
    response = client.get(f"/contracts/{london.slug}/", {"as_of": day.isoformat()})
    assert response.status_code == 200
    text = visible_text(response)
    assert f"In force on {shown(day)}: no revision" in text
    assert f"No revision of {london.title} was signed by {shown(day)}" in text


def test_between_and_after_the_revisions_the_latest_signed_by_then_is_in_force(client, london):
    revisions = dated_revisions(london)
    assert len(revisions) > 1
    for revision, following in zip(revisions, revisions[1:], strict=False):
        day = latest_possible_day(revision.signed_on, revision.signed_precision)
        if day < (earliest_possible_day(following.signed_on, following.signed_precision) or day):
            text = visible_text(client.get(f"/contracts/{london.slug}/", {"as_of": day.isoformat()}))
            assert f"In force on {shown(day)}: {revision.title}" in text
    day = datetime.date(2030, 1, 1)
    text = visible_text(client.get(f"/contracts/{london.slug}/", {"as_of": day.isoformat()}))
    assert f"In force on {shown(day)}: {revisions[-1].title}" in text
    assert "not what this site’s records said" in text


def test_a_loosely_dated_signing_is_said_in_words_not_chosen(client, london, ccn3):
    ccn3.signed_on, ccn3.signed_precision = datetime.date(2010, 4, 1), "month"
    ccn3.save()
    before = london.revisions.filter(is_published=True, sequence__lt=ccn3.sequence).order_by("-sequence").first()
    text = visible_text(client.get(f"/contracts/{london.slug}/", {"as_of": "2010-04-15"}))
    assert f"In force on 15 Apr 2010: {before.title}, unless {ccn3.title} already was" in text
    assert f"{ccn3.title} was signed Apr 2010, and the sources do not say on which day" in text


def test_an_organisations_page_shows_the_revision_in_force_for_each_contract(client, london):
    latest = dated_revisions(london)[-1]
    text = visible_text(client.get("/trusts/RAN/", {"as_of": "2030-01-01"}))
    assert f"In force on 1 Jan 2030: {latest.title}" in text


def test_as_of_costs_an_organisations_page_no_more_queries(client, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as plain:
        client.get("/trusts/RAN/")
    with django_assert_max_num_queries(len(plain)):
        assert client.get("/trusts/RAN/", {"as_of": "2010-04-15"}).status_code == 200


@pytest.mark.parametrize("day", ["2010-13-01", "15/04/2010", "2010-4-15", "", "yesterday"])
@pytest.mark.parametrize("page", ["/contracts/london-lsp/", "/trusts/RAN/"])
def test_a_day_that_is_not_a_date_is_refused(client, page, day):
    response = client.get(page, {"as_of": day})
    assert response.status_code == 400
    assert "is not a date; give one as YYYY-MM-DD" in response.content.decode()


def test_a_bad_recorded_on_day_is_refused(client):
    response = client.get("/trusts/RAN/", {"recorded_on": "2010-02-30"})
    assert response.status_code == 400
    assert "recorded_on" in response.content.decode()


@pytest.mark.parametrize("page", ["/contracts/london-lsp/", "/trusts/RAN/"])
def test_as_of_with_revisions_to_compare_is_refused(client, page, original):
    response = client.get(page, {"as_of": "2010-04-15", "base": original.code})
    assert response.status_code == 400
    assert "Give one or the other, not both" in response.content.decode()


@pytest.fixture
def corrected(corrector, ccn3):
    """The seed as recorded a while ago, and one of RAN's CCN3 statuses corrected today, with a reason."""
    loaded = timezone.now() - datetime.timedelta(days=30)
    for model in [Revision, Entitlement]:
        history_of(model).update(history_date=loaded)
    entitlement = Entitlement.objects.filter(revision=ccn3, organisation__code="RAN").select_related("system").first()
    old = entitlement.status
    entitlement.status = EntitlementStatus.UNKNOWN if old != EntitlementStatus.UNKNOWN else EntitlementStatus.ENTITLED
    record_change(entitlement, reason="The letter says otherwise", user=corrector)
    entitlement.save()
    return entitlement, old


def recorded_rows(response) -> list[str]:
    """The rows of the "as recorded" table, each as its text."""
    html = response.content.decode().split('id="as-recorded"')[1].split("</section>")[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in html.split("<tr>")[2:]]


def status_words(status: str) -> str:
    """As its badge shows it: "unknown", not "unknown (sources do not say)"."""
    return EntitlementStatus(status).label.split(" (")[0]


def test_recorded_on_the_day_before_a_correction_shows_the_old_status_since_corrected(client, corrected):
    entitlement, old = corrected
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.get("/trusts/RAN/", {"recorded_on": yesterday.isoformat()})
    assert response.status_code == 200
    text = visible_text(response)
    assert f"As recorded on {shown(yesterday)}" in text
    assert "it is not the revision in force that day" in text
    row = next(row for row in recorded_rows(response) if entitlement.system.name in row and "since corrected" in row)
    assert status_words(old) in row.split("since corrected")[0]
    assert status_words(entitlement.status) in row.split("since corrected")[1]
    assert f"on {shown(timezone.localdate())}: “The letter says otherwise”" in row


def test_recorded_on_today_shows_the_status_as_it_now_is(client, corrected):
    entitlement, _old = corrected
    today = timezone.localdate()
    response = client.get("/trusts/RAN/", {"recorded_on": today.isoformat()})
    assert f"As recorded on {shown(today)}" in visible_text(response)
    rows = recorded_rows(response)
    assert len(rows) == Entitlement.objects.filter(organisation__code="RAN", revision__is_published=True).count()
    assert all(row.endswith("unchanged") for row in rows)
    row = next(row for row in rows if entitlement.system.name in row and entitlement.revision.title in row)
    assert status_words(entitlement.status) in row


def test_recorded_on_a_day_a_revision_was_a_draft_does_not_show_it(client, corrected, ccn3):
    ccn3.is_published = False
    ccn3.save()
    today = timezone.localdate()
    text = visible_text(client.get("/trusts/RAN/", {"recorded_on": today.isoformat()}))
    assert ccn3.title not in text.split("As recorded on")[1].split("What was delivered")[0]


def test_recorded_on_a_day_a_revision_was_still_a_draft_leaves_it_out(client, corrected, ccn3):
    history_of(Revision).filter(id=ccn3.pk).update(is_published=False)  # a draft until today
    ccn3.refresh_from_db()
    ccn3.save()  # and published today, as it is now
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    rows = recorded_rows(client.get("/trusts/RAN/", {"recorded_on": yesterday.isoformat()}))
    assert rows and not [row for row in rows if ccn3.title in row]
    today = recorded_rows(client.get("/trusts/RAN/", {"recorded_on": timezone.localdate().isoformat()}))
    assert [row for row in today if ccn3.title in row]
