"""A draft revision (not published) is on no public page or export; an editor sees it only by asking to preview."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User

from contracts.models import Citation, Entitlement, EvidenceGrade, ReportedFigure, Revision, Source
from contracts.services.citing import ChangeSupport
from contracts.services.revision_copy import revision_copy
from tests.conftest import client_for, previewing_drafts
from tests.helpers import csv_rows, visible_text

pytestmark = pytest.mark.django_db

DRAFT_TITLE = "Draft CCN4"
DRAFT_QUOTE = "Words only the draft change note holds."
DRAFT_FIGURE = "A figure only the draft speaks of"

PUBLIC_PAGES = [
    "/",
    "/contracts/",
    "/contracts/london-lsp/",
    "/contracts/london-lsp/compare/",
    "/systems/",
    "/systems/cerner-millennium/",
    "/systems/rio/",
    "/entitlements/",
    "/entitlements/?revision=ccn3",
    "/trusts/",
    "/trusts/RAS/",
    "/trusts/RV3/",
    "/sources/",
    "/trusts/?q=Hospital",
]
PUBLIC_CSVS = [
    "/entitlements/?_export=csv",
    "/contracts/london-lsp/compare/?_export=csv",
    "/trusts/?_export=csv",
    "/sources/?_export=csv",
]


@pytest.fixture
def draft(ccn3):
    """CCN4, drafted from CCN3 at £1: Hillingdon (RAS) gains Cerner, with a cited line and a figure of its own."""
    source = Source.objects.order_by("pk").first()
    support = ChangeSupport(source=source, quote=DRAFT_QUOTE)
    draft = revision_copy(revision=ccn3, code="ccn4", title=DRAFT_TITLE, total_value=Decimal(1), support=support)
    entitlement = draft.entitlements.get(organisation__code="RAS", system__slug="cerner-millennium")
    entitlement.status = "entitled"
    entitlement.save()
    Citation.objects.create(entitlement=entitlement, source=source, quote=DRAFT_QUOTE, grade=EvidenceGrade.STATED)
    ReportedFigure.objects.create(
        contract=ccn3.contract, key="draft-only", statement=DRAFT_FIGURE, value=1, unit="trusts",
        measure="status_count", system=entitlement.system, revision=draft, status="entitled",
    )  # fmt: skip
    return draft


def leaks(text: str) -> list[str]:
    return [word for word in [DRAFT_TITLE, DRAFT_QUOTE, DRAFT_FIGURE, "ccn4", "£1 "] if word in text]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_no_public_page_shows_a_draft(client, draft, url):
    response = client.get(url)
    assert response.status_code == 200
    assert leaks(visible_text(response)) == []
    assert "ccn4" not in response.content.decode()


@pytest.mark.parametrize("url", PUBLIC_CSVS)
def test_no_export_holds_a_draft(client, draft, url):
    rows = csv_rows(client.get(url))
    assert rows, "the export holds the published rows"
    assert leaks(repr(rows)) == []


def test_the_source_a_draft_cites_does_not_show_that_citation(client, draft):
    source = Citation.objects.get(revision=draft).source
    page = client.get(source.get_absolute_url())
    assert page.status_code == 200
    assert DRAFT_QUOTE not in visible_text(page)
    listed = next(row for row in csv_rows(client.get("/sources/?_export=csv")) if row["title"] == source.title)
    published = Citation.objects.filter(source=source).exclude(revision=draft).exclude(entitlement__revision=draft)
    assert int(listed["records_supported"]) == published.count()


def test_asking_for_a_draft_by_its_code_is_refused_as_an_unknown_revision(client, draft):
    published = set(Revision.objects.filter(is_published=True).values_list("code", flat=True))
    page = client.get("/entitlements/", {"revision": "ccn4"})
    assert page.status_code == 400
    refused = re.search(r"There is no revision called ‘ccn4’ here\. Choose one of: ([^.]+)\.", visible_text(page))
    assert refused and set(refused.group(1).split(", ")) == published
    assert client.get("/entitlements/", {"revision": "ccn4", "_export": "csv"}).status_code == 400
    compare = client.get("/contracts/london-lsp/compare/", {"base": "ccn3", "target": "ccn4"})
    assert compare.status_code == 400
    refused = re.search(r"There is no revision called ‘ccn4’ here\. Choose one of: ([^.]+)\.", visible_text(compare))
    assert refused and set(refused.group(1).split(", ")) == published
    assert DRAFT_TITLE not in visible_text(compare)


def test_the_home_page_reports_the_latest_published_change(client, draft):
    text = visible_text(client.get("/"))
    assert "Contract Change Note 3 (CCN3)" in text
    assert "−100.0%" not in text


def test_a_signed_in_editor_sees_no_draft_until_asking_to_preview(editor, draft):
    client = client_for(editor)
    assert DRAFT_TITLE not in visible_text(client.get("/contracts/london-lsp/"))


def test_an_editor_previewing_sees_the_draft_on_every_page_and_is_told(editor, draft):
    client = previewing_drafts(editor)
    contract = visible_text(client.get("/contracts/london-lsp/"))
    assert DRAFT_TITLE in contract
    assert "Preview: these pages include draft revisions, which the public does not see." in contract
    assert DRAFT_FIGURE in contract
    trust = visible_text(client.get("/trusts/RAS/"))
    assert DRAFT_TITLE in trust and DRAFT_QUOTE in trust
    rows = csv_rows(client.get("/entitlements/", {"revision": "ccn4", "_export": "csv"}))
    assert len(rows) == Entitlement.objects.filter(revision=draft).count()
    compare = visible_text(client.get("/contracts/london-lsp/compare/"))
    assert f"From Contract Change Note 3 (CCN3) to {DRAFT_TITLE}" in compare or DRAFT_TITLE in compare


def test_stopping_the_preview_hides_the_draft_again(editor, draft):
    client = previewing_drafts(editor)
    response = client.post("/admin/preview-drafts/", {"preview": "off", "next": "/contracts/london-lsp/"})
    assert response.status_code == 302 and response["Location"] == "/contracts/london-lsp/"
    text = visible_text(client.get("/contracts/london-lsp/"))
    assert DRAFT_TITLE not in text and "Preview:" not in text


def test_the_preview_cannot_be_switched_on_by_someone_not_signed_in_as_staff(client, draft):
    response = client.post("/admin/preview-drafts/", {"preview": "on", "next": "/"})
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert DRAFT_TITLE not in visible_text(client.get("/contracts/london-lsp/"))
    member = User.objects.create_user("member", password="a-long-test-password")  # signed in, but not staff
    client.force_login(member)
    client.post("/admin/preview-drafts/", {"preview": "on", "next": "/"})
    assert DRAFT_TITLE not in visible_text(client.get("/contracts/london-lsp/"))


def test_the_preview_only_goes_back_to_a_page_of_this_site(editor, draft):
    response = client_for(editor).post("/admin/preview-drafts/", {"preview": "on", "next": "https://example.com/"})
    assert response["Location"] == "/"


def test_a_staff_member_who_may_not_see_revisions_gets_no_preview(draft):
    clerk = User.objects.create_user("clerk", password="a-long-test-password", is_staff=True)
    client = previewing_drafts(clerk)
    assert DRAFT_TITLE not in visible_text(client.get("/contracts/london-lsp/"))
    viewer = User.objects.create_user("reader", password="a-long-test-password", is_staff=True)
    viewer.groups.add(Group.objects.get(name="Viewer"))
    assert DRAFT_TITLE in visible_text(previewing_drafts(viewer).get("/contracts/london-lsp/"))
