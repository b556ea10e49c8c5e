"""Recording a new change note: copy a revision whole, atomically, then change what changed."""

from decimal import Decimal

import pytest
from django.urls import reverse

from contracts.models import Citation, Deliverable, Entitlement, Revision, Source
from contracts.services import revision_copy as copying
from contracts.services.revision_copy import RevisionCopyError, revision_copy
from tests.conftest import client_for
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db

ARTICLE = "ehi-2010-04-london-it-programme-slashed"


def snapshot(revision: Revision, model) -> list[tuple]:
    fields = {
        Entitlement: ["organisation__code", "system__slug", "status", "delivery_model", "withdrawal_reason"],
        Deliverable: ["code", "system__slug", "title", "quantity", "unit", "terms"],
    }[model]
    return sorted(model.objects.filter(revision=revision).values_list(*fields))


def test_it_copies_every_entitlement_and_deliverable(ccn3, editor):
    copy = revision_copy(revision=ccn3, code="ccn4", title="Contract Change Note 4", total_value=Decimal(950_000_000))
    assert (copy.sequence, copy.is_published, copy.total_value) == (ccn3.sequence + 1, False, Decimal(950_000_000))
    assert snapshot(copy, Entitlement) == snapshot(ccn3, Entitlement)
    assert snapshot(copy, Deliverable) == snapshot(ccn3, Deliverable)
    assert copy.entitlements.count() == 39 and copy.deliverables.count() == ccn3.deliverables.count()
    # No source of the old revision is copied: each copied row is marked unsourced, carried forward, until confirmed.
    assert not copy.citations.exists()
    copied = Citation.objects.filter(entitlement__revision=copy)
    assert copied.count() == 39 and set(copied.values_list("grade", "source")) == {("unsourced", None)}
    assert copied.first().reasoning == (
        "Carried forward from Contract Change Note 3 (CCN3) when Contract Change Note 4 was made: not yet confirmed "
        "for Contract Change Note 4."
    )
    assert Citation.objects.filter(deliverable__revision=copy, grade="unsourced").count() == copy.deliverables.count()


def test_lines_still_delivered_carry_on_as_included_and_removed_ones_stay_removed(ccn3):
    copy = revision_copy(revision=ccn3, code="ccn4", title="CCN4")
    statuses = dict(copy.deliverables.values_list("code", "status"))
    for code, status in ccn3.deliverables.values_list("code", "status"):
        assert statuses[code] == ("included" if status in {"included", "reduced", "added"} else status)


def test_the_copy_is_in_each_rows_history(ccn3, editor):
    copy = revision_copy(revision=ccn3, code="ccn4", title="CCN4", user=editor)
    entry = copy.entitlements.first().history.first()
    assert entry.history_user == editor
    assert entry.history_change_reason == "Copied from Contract Change Note 3 (CCN3) into CCN4"


def test_a_failure_part_way_leaves_no_trace(ccn3, monkeypatch):
    real = copying.bulk_create_with_history

    def fail_on_deliverables(objs, model, **kwargs):
        if model is Deliverable:
            raise RuntimeError("the database went away")
        return real(objs, model, **kwargs)

    monkeypatch.setattr(copying, "bulk_create_with_history", fail_on_deliverables)
    with pytest.raises(RuntimeError):
        revision_copy(revision=ccn3, code="ccn4", title="CCN4")
    assert not Revision.objects.filter(code="ccn4").exists()
    assert Entitlement.objects.filter(revision__code="ccn4").count() == 0


def test_a_code_already_used_is_refused(ccn3):
    with pytest.raises(RevisionCopyError, match="already has a revision with the code “original”"):
        revision_copy(revision=ccn3, code="original", title="Again")


def test_an_editor_copies_a_revision_from_the_admin_action(ccn3, editor):
    client = client_for(editor)
    url = reverse("admin:contracts_revision_changelist")
    selected = f"{ccn3.pk},{ccn3.version}"
    form_page = client.post(url, {"action": "new_revision_from_this_one", "_selected_action": [selected]})
    assert "New revision from Contract Change Note 3 (CCN3)" in form_page.content.decode()
    done = client.post(
        url,
        {
            "action": "new_revision_from_this_one",
            "_selected_action": [selected],
            "apply": "1",
            "code": "ccn4",
            "title": "Contract Change Note 4",
            "signed_on": "2011-03-01",
            "signed_precision": "month",
            "total_value": "950000000",
            "cite_source": Source.objects.get(key=ARTICLE).pk,
            "cite_quote": "A test quote for the new value",
            "cite_grade": "stated",
        },
    )
    copy = Revision.objects.get(code="ccn4")
    assert done.status_code == 302 and done["Location"] == reverse("admin:contracts_revision_change", args=[copy.pk])
    assert copy.entitlements.count() == ccn3.entitlements.count()
    assert copy.citations.get().quote == "A test quote for the new value"


def test_a_copy_with_a_date_or_a_value_asks_for_its_source(ccn3, editor):
    page = client_for(editor).post(
        reverse("admin:contracts_revision_changelist"),
        {
            "action": "new_revision_from_this_one", "_selected_action": [f"{ccn3.pk},{ccn3.version}"], "apply": "1",
            "code": "ccn4", "title": "CCN4", "signed_precision": "day", "total_value": "950000000",
        },
    )  # fmt: skip
    assert "The new revision's date and value are facts: choose the source that gives them" in visible_text(page)
    assert not Revision.objects.filter(code="ccn4").exists()


def test_the_admin_action_shows_a_bad_code_beside_the_field(ccn3, editor):
    before = Revision.objects.filter(contract=ccn3.contract).count()
    response = client_for(editor).post(
        reverse("admin:contracts_revision_changelist"),
        {
            "action": "new_revision_from_this_one",
            "_selected_action": [f"{ccn3.pk},{ccn3.version}"],
            "apply": "1",
            "code": "original",
            "title": "Again",
            "signed_precision": "day",
        },
    )
    assert "already has a revision with the code" in response.content.decode()
    assert Revision.objects.filter(contract=ccn3.contract).count() == before
