"""The Atom feeds of a contract, an organisation and a system: each published revision and each correction to
published data with its reason, newest first, each linking to the page that shows it; drafts in none."""

import datetime
from decimal import Decimal
from urllib.parse import urlsplit

import feedparser  # type: ignore[import-untyped]  # no type hints shipped
import pytest

from contracts.models import Entitlement, Revision, Source
from contracts.outcomes import Outcome
from contracts.services.citing import ChangeSupport
from contracts.services.compare import revision_compare
from contracts.services.history import history_of, record_change
from contracts.services.revision_copy import revision_copy
from tests.contracts.test_ocds import lost_words

pytestmark = pytest.mark.django_db

CONTRACT_FEED = "/contracts/london-lsp/feed/"
RNOH_FEED = "/trusts/RAN/feed/"
CERNER_FEED = "/systems/cerner-millennium/feed/"
FEEDS = [CONTRACT_FEED, RNOH_FEED, CERNER_FEED]
REASON = "EHI, April 2010: RNOH was told no slot would be offered"


def parsed(client, url: str) -> feedparser.FeedParserDict:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


def when(entry) -> datetime.datetime:
    return datetime.datetime.fromisoformat(entry.published)


@pytest.fixture
def correction(corrector, ccn3) -> Entitlement:
    """A corrector changes RNOH's published CCN3 Cerner entitlement, giving a reason."""
    entitlement = ccn3.entitlements.get(organisation__code="RAN", system__slug="cerner-millennium")
    entitlement.deployment_slot = "None offered"
    record_change(entitlement, reason=REASON, user=corrector)
    entitlement.save()
    return entitlement


@pytest.fixture
def draft(ccn3) -> Revision:
    """An unpublished change note after CCN3, in which Hillingdon (RAS) gains Cerner."""
    support = ChangeSupport(source=Source.objects.order_by("pk").first(), quote="Words only the draft holds.")
    draft = revision_copy(revision=ccn3, code="ccn4", title="Draft CCN4", total_value=Decimal(1), support=support)
    entitlement = draft.entitlements.get(organisation__code="RAS", system__slug="cerner-millennium")
    entitlement.status = "entitled"
    record_change(entitlement, reason="A change to the draft, with a reason", user=None)
    entitlement.save()
    return draft


@pytest.mark.parametrize("url", FEEDS)
def test_each_feed_has_an_entry_per_published_revision_newest_first(client, url, london):
    feed = parsed(client, url)
    published = london.revisions.filter(is_published=True)
    titles = [entry.title for entry in feed.entries]
    for revision in published:
        assert any(title.startswith(f"{revision.title} published") for title in titles), revision.code
    dates = [when(entry) for entry in feed.entries]
    assert dates == sorted(dates, reverse=True)
    assert len({entry.id for entry in feed.entries}) == len(feed.entries)
    assert all(entry.id.startswith("tag:testserver,") for entry in feed.entries)


@pytest.mark.parametrize("url", FEEDS)
def test_every_entry_links_to_a_page_that_answers(client, url, correction):
    for entry in parsed(client, url).entries:
        link = urlsplit(entry.link)
        assert link.netloc == "testserver"
        assert client.get(link.path).status_code == 200, entry.link


def test_a_revisions_entry_is_dated_when_it_was_published_here_and_says_when_it_was_signed(client, ccn3):
    published = history_of(Revision).filter(id=ccn3.pk, is_published=True).order_by("history_date").first()
    entry = next(entry for entry in parsed(client, CONTRACT_FEED).entries if entry.title.startswith(ccn3.title))
    assert when(entry) == published.history_date
    assert f"(signed {ccn3.signed_display})" in entry.summary
    assert entry.link.endswith(f"/contracts/london-lsp/#revision-{ccn3.code}")


def test_the_ccn3_entry_says_what_it_withdrew_from_how_many(client, london, ccn3):
    entry = next(entry for entry in parsed(client, CONTRACT_FEED).entries if entry.title.startswith(ccn3.title))
    earlier = london.revisions.filter(is_published=True, sequence__lt=ccn3.sequence, entitlements__isnull=False)
    base = earlier.distinct().order_by("sequence").last()
    lost = revision_compare(base=base, target=ccn3).rows.filter(outcome=Outcome.LOST)
    assert lost
    assert entry.title.startswith(f"{ccn3.title} published ({london.title}): ")
    for name, words in lost_words(lost).items():
        assert f"{name} {words}" in entry.title
    assert "Value reduced by £112m, from £1.1bn to £988m." in entry.summary


def test_an_organisations_entry_says_what_that_organisation_lost(client, ccn3):
    entry = next(entry for entry in parsed(client, RNOH_FEED).entries if entry.title.startswith(ccn3.title))
    assert entry.title.endswith(": for RNOH, Cerner Millennium withdrawn")


@pytest.mark.parametrize("url", FEEDS)
def test_a_correction_with_a_reason_appears_first_with_its_reason(client, url, correction):
    entry = parsed(client, url).entries[0]
    assert entry.title.startswith("Correction to Contract Change Note 3 (CCN3)")
    assert "deployment slot: " in entry.title and "→ None offered" in entry.title
    assert f"Reason given: {REASON}" in entry.summary
    path = urlsplit(entry.link).path
    assert path == ("/systems/cerner-millennium/" if url == CERNER_FEED else "/trusts/RAN/")


def test_a_correction_is_only_in_the_feeds_it_concerns(client, correction):
    for url in ["/trusts/RVL/feed/", "/systems/rio/feed/"]:
        assert REASON not in client.get(url).content.decode()


def test_a_change_made_while_a_revision_was_a_draft_is_no_correction(client, ccn3):
    ccn3.is_published = False
    ccn3.save()
    entitlement = ccn3.entitlements.get(organisation__code="RAN", system__slug="cerner-millennium")
    record_change(entitlement, reason="Before publishing", user=None)
    entitlement.deployment_slot = "Checked before publishing"
    entitlement.save()
    ccn3.is_published = True
    record_change(ccn3, reason="Published", user=None)
    ccn3.save()
    text = client.get(CONTRACT_FEED).content.decode()
    assert "Before publishing" not in text
    assert parsed(client, CONTRACT_FEED).entries[0].title.startswith(f"{ccn3.title} published")


def test_drafts_are_in_no_feed(client, draft):
    for url in FEEDS + ["/trusts/RAS/feed/"]:
        text = client.get(url).content.decode()
        assert "Draft CCN4" not in text
        assert "A change to the draft" not in text


def test_a_revision_once_published_is_the_newest_entry(client, draft):
    draft.is_published = True
    record_change(draft, reason="Published", user=None)
    draft.save()
    published = history_of(Revision).filter(id=draft.pk).order_by("-history_date").first()
    for url in [CONTRACT_FEED, CERNER_FEED, "/trusts/RAS/feed/"]:
        entry = parsed(client, url).entries[0]
        assert entry.title.startswith("Draft CCN4 published")
        assert when(entry) == published.history_date
    ras = parsed(client, "/trusts/RAS/feed/").entries[0]
    assert ras.title.endswith("nothing withdrawn")


def test_an_ods_code_with_its_prefix_is_sent_to_the_feed_under_the_code_alone(client):
    response = client.get("/trusts/GB-NHS-RAN/feed/")
    assert response.status_code == 301
    assert response["Location"] == RNOH_FEED


def test_entry_ids_are_stable(client, correction):
    assert [entry.id for entry in parsed(client, CONTRACT_FEED).entries] == [
        entry.id for entry in parsed(client, CONTRACT_FEED).entries
    ]


@pytest.mark.parametrize(
    "url", ["/trusts/NOPE/feed/", "/trusts/GB-XXX-RAN/feed/", "/systems/nope/feed/", "/contracts/nope/feed/"]
)
def test_a_bad_identifier_is_not_found(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", FEEDS)
def test_an_unknown_parameter_is_refused_by_name(client, url):
    response = client.get(f"{url}?since=2010")
    assert response.status_code == 400
    assert "“since”" in response.content.decode()


@pytest.mark.parametrize("url", FEEDS)
def test_a_feed_costs_the_same_queries_with_many_corrections(
    client, url, corrector, ccn3, django_assert_max_num_queries
):
    for entitlement in ccn3.entitlements.filter(system__slug="cerner-millennium").order_by("pk")[:12]:
        entitlement.notes = f"{entitlement.notes} Checked."
        record_change(entitlement, reason="Checked against the letter", user=corrector)
        entitlement.save()
    for line in ccn3.deliverables.order_by("pk")[:4]:
        line.notes = f"{line.notes} Checked."
        record_change(line, reason="Checked against the letter", user=corrector)
        line.save()
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("page", "feed"),
    [
        ("/contracts/london-lsp/", CONTRACT_FEED),
        ("/trusts/RAN/", RNOH_FEED),
        ("/systems/cerner-millennium/", CERNER_FEED),
    ],
)
def test_each_page_links_its_feed(client, page, feed):
    html = client.get(page).content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert f'href="{feed}"' in html
    assert f'<a href="{feed}">Follow changes (Atom feed)</a>' in html


@pytest.mark.parametrize("url", FEEDS)
def test_a_feed_refuses_writes(client, url):
    for method in (client.post, client.put, client.patch, client.delete):
        assert method(url).status_code == 405


def test_a_published_row_deleted_with_a_reason_is_a_correction(client, corrector, ccn3):
    entitlement = ccn3.entitlements.get(organisation__code="RAN", system__slug="cerner-millennium")
    record_change(entitlement, reason="Recorded twice by mistake", user=corrector)
    entitlement.delete()
    entry = parsed(client, RNOH_FEED).entries[0]
    assert entry.title.endswith("Cerner Millennium: the entitlement was removed")
    assert "Reason given: Recorded twice by mistake" in entry.summary


def test_a_long_correction_is_cut_short_in_its_title_and_given_whole_in_its_summary(client, corrector, ccn3):
    entitlement = ccn3.entitlements.get(organisation__code="RAN", system__slug="cerner-millennium")
    entitlement.notes = "A long note. " * 20
    record_change(entitlement, reason="Long", user=corrector)
    entitlement.save()
    entry = parsed(client, RNOH_FEED).entries[0]
    assert entry.title.endswith("…")
    assert len(entry.title) < 300
    assert ("A long note. " * 20).strip() in entry.summary


def test_each_feed_holds_the_revisions_of_the_contracts_that_concern_it_and_no_others(client, london):
    from tests.contracts.council import council_contract

    councils = council_contract()

    def published(feed_url: str) -> set[str]:
        """The revisions whose publication the feed holds ("CCN1 published (the contract): …")."""
        entries = parsed(client, feed_url).entries
        return {entry.title.split(" published (")[0] for entry in entries if " published (" in entry.title}

    london_titles = set(london.revisions.filter(is_published=True).values_list("title", flat=True))
    council_titles = set(councils.revisions.values_list("title", flat=True))
    assert london_titles.isdisjoint(council_titles)
    # RiO is in both contracts; Cerner and the councils' case payments in one each; GP systems only in London's
    # programme lines, with no entitlement.
    assert published("/systems/rio/feed/") >= london_titles | council_titles
    assert published(CERNER_FEED) >= london_titles and published(CERNER_FEED).isdisjoint(council_titles)
    assert published("/systems/case-payments/feed/") >= council_titles
    assert published("/systems/case-payments/feed/").isdisjoint(london_titles)
    assert published("/systems/gp-systems/feed/") >= london_titles
    # An organisation: the contracts whose published revisions name it.
    assert published(RNOH_FEED) >= london_titles and published(RNOH_FEED).isdisjoint(council_titles)
    assert published("/trusts/GB-LAE-WSM/feed/") >= council_titles
    assert published("/trusts/GB-LAE-WSM/feed/").isdisjoint(london_titles)
