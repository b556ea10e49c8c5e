"""The "Cite selected records" action: one source for every selected row, asked for first, all in one step; refused
to whoever may not change the rows, and for a published revision's rows to all but a corrector."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from contracts.models import Citation, Deliverable, Entitlement, Source
from tests.conftest import client_for
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db

DELIVERABLES = reverse("admin:contracts_deliverable_changelist")
ENTITLEMENTS = reverse("admin:contracts_entitlement_changelist")
SOURCE_KEY = "ehi-2010-04-london-it-programme-slashed"


def selection(records) -> dict:
    return {"action": "cite_selected", "index": "0", ACTION_CHECKBOX_NAME: [f"{r.pk},{r.version}" for r in records]}


def citing(**extra) -> dict:
    source = Source.objects.get(key=SOURCE_KEY)
    data = {"apply": "1", "cite_source": str(source.pk), "cite_quote": "London's programme was scaled back."}
    return {**data, "cite_grade": "stated", **extra}


def test_an_editor_cites_three_deliverables_in_one_step(editor, ccn3, seed_drafts):
    deliverables = list(Deliverable.objects.filter(revision=ccn3).order_by("code")[:3])
    client = client_for(editor)
    asked = client.post(DELIVERABLES, selection(deliverables))
    assert asked.status_code == 200
    text = visible_text(asked)
    assert "Cite 3 deliverables" in text
    assert "Each of these 3 records will get a citation of its own" in text
    assert all(str(deliverable) in text for deliverable in deliverables)
    assert not Citation.objects.filter(quote="London's programme was scaled back.").exists()

    done = client.post(DELIVERABLES, {**selection(deliverables), **citing()}, follow=True)
    assert "3 deliverables cited from E-Health Insider" in visible_text(done)
    for deliverable in deliverables:
        (citation,) = deliverable.citations.filter(quote="London's programme was scaled back.")
        assert (citation.grade, citation.current, citation.source.key) == ("stated", True, SOURCE_KEY)
        assert citation.history.first().history_user == editor


def test_an_inference_without_its_reasoning_is_asked_for_again(editor, ccn3, seed_drafts):
    deliverables = list(Deliverable.objects.filter(revision=ccn3)[:2])
    response = client_for(editor).post(DELIVERABLES, {**selection(deliverables), **citing(cite_grade="inferred")})
    assert "Say how the new value follows from what the source says." in visible_text(response)
    assert not Citation.objects.filter(quote="London's programme was scaled back.").exists()


def test_a_published_revisions_rows_are_cited_only_by_a_corrector(editor, corrector, ccn3):
    rows = list(Entitlement.objects.filter(revision=ccn3, system__slug="rio")[:2])
    refused = client_for(editor).post(ENTITLEMENTS, {**selection(rows), **citing()}, follow=True)
    assert "Nothing was cited: 2 of the selected records belong to a published revision" in visible_text(refused)
    assert not Citation.objects.filter(quote="London's programme was scaled back.").exists()

    done = client_for(corrector).post(ENTITLEMENTS, {**selection(rows), **citing()}, follow=True)
    assert "2 entitlements cited from" in visible_text(done)
    assert Citation.objects.filter(quote="London's programme was scaled back.").count() == 2


def test_a_viewer_cannot_cite_by_posting_the_action(viewer, ccn3, seed_drafts):
    rows = list(Entitlement.objects.filter(revision=ccn3)[:2])
    before = Citation.objects.count()
    response = client_for(viewer).post(ENTITLEMENTS, {**selection(rows), **citing()}, follow=True)
    assert response.status_code in (200, 403)
    assert "cited from" not in visible_text(response)
    assert Citation.objects.count() == before
