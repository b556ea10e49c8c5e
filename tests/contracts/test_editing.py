"""The editors' workshop: who changed what, revert, no silent overwrite, published data, roles."""

import re

import pytest
from django.urls import reverse

from contracts.models import Entitlement, Revision, Source
from organisations.models import Organisation
from tests.conftest import client_for
from tests.helpers import admin_form_data, visible_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seed_drafts")]


def rnoh_cerner(revision: Revision) -> Entitlement:
    return Entitlement.objects.get(revision=revision, organisation__code="RAN", system__slug="cerner-millennium")


ARTICLE = "ehi-2010-04-london-it-programme-slashed"


def cited(words: str = "Words of the source for the new value.") -> dict:
    """What a form is sent with a changed fact: its source and the source's words."""
    from contracts.models import Source

    return {"cite_source": str(Source.objects.get(key=ARTICLE).pk), "cite_quote": words, "cite_grade": "stated"}


def change_url(record) -> str:
    meta = record._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])


def test_a_stale_save_is_refused_and_the_first_editors_value_survives(editor, second_editor, original):
    entitlement = rnoh_cerner(original)
    first, second = client_for(editor), client_for(second_editor)
    first_form = admin_form_data(first.get(change_url(entitlement)))
    second_form = admin_form_data(second.get(change_url(entitlement)))

    first_form.update(status="withdrawn", withdrawal_reason="Budget cuts, as the trust was told.", **cited())
    assert first.post(change_url(entitlement), first_form).status_code == 302

    second_form.update(status="declined", **cited())
    refused = second.post(change_url(entitlement), second_form)
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Someone else saved this record after you opened it, so your save was refused" in page
    assert "by editor: status: entitled → withdrawn" in page
    assert 'value="declined" selected' in page  # the second editor's input is still in the form
    entitlement.refresh_from_db()
    assert entitlement.status == "withdrawn"


def test_a_stale_inline_row_on_an_organisation_is_refused_too(editor, second_editor, original):
    entitlement = rnoh_cerner(original)
    organisation_url = change_url(entitlement.organisation)
    first, second = client_for(editor), client_for(second_editor)
    stale = admin_form_data(second.get(organisation_url))
    form = admin_form_data(first.get(change_url(entitlement)))
    form.update(delivery_model="New Delivery Model for Cerner")
    assert first.post(change_url(entitlement), form).status_code == 302

    row = next(key for key, value in stale.items() if key.endswith("-id") and value == str(entitlement.pk))
    stale[row.replace("-id", "-deployment_slot")] = "2011"
    refused = second.post(organisation_url, stale)
    assert refused.status_code == 409
    assert "Someone else saved this record after you opened it" in refused.content.decode()
    entitlement.refresh_from_db()
    assert entitlement.delivery_model == "New Delivery Model for Cerner"
    assert entitlement.deployment_slot != "2011"


def test_a_form_save_is_recorded_with_user_time_and_field_changes(editor, original):
    entitlement = rnoh_cerner(original)
    client = client_for(editor)
    form = admin_form_data(client.get(change_url(entitlement)))
    form.update(deployment_slot="Nominal slot, 2010")
    client.post(change_url(entitlement), form)

    latest = entitlement.history.first()
    assert latest.history_user == editor
    assert latest.history_date is not None
    changes = latest.diff_against(latest.prev_record, excluded_fields=["version"]).changes
    assert [(change.field, change.new) for change in changes] == [("deployment_slot", "Nominal slot, 2010")]
    history_page = client.get(reverse("admin:contracts_entitlement_history", args=[entitlement.pk]))
    assert "Nominal slot, 2010" in history_page.content.decode()


def test_a_bulk_action_asks_for_its_source_cites_each_row_and_is_recorded_in_the_history(editor, original):
    selected = list(Entitlement.objects.filter(revision=original, system__slug="rio", status="entitled")[:2])
    client = client_for(editor)
    action = {"action": "mark_unknown", "_selected_action": [f"{row.pk},{row.version}" for row in selected]}
    asked = client.post(reverse("admin:contracts_entitlement_changelist"), action)
    assert (
        "A new status is a new fact" in asked.content.decode()
        or "give the source that says so" in asked.content.decode()
    )
    assert [Entitlement.objects.get(pk=row.pk).status for row in selected] == ["entitled", "entitled"]
    unsourced = {**action, "apply": "1", "unsourced_reason": "The trusts' RiO deployments were not confirmed."}
    response = client.post(reverse("admin:contracts_entitlement_changelist"), unsourced)
    assert response.status_code == 302
    for row in selected:
        latest = row.history.first()
        assert latest.history_user == editor
        assert latest.history_change_reason == "Bulk action: marked unknown (sources do not say)"
        changed = Entitlement.objects.get(pk=row.pk)
        assert changed.status == "unknown"
        (new,) = changed.citations.filter(current=True)
        assert (new.grade, new.reasoning) == ("unsourced", "The trusts' RiO deployments were not confirmed.")
        assert changed.citations.filter(current=False).exists()  # the sources of "entitled", kept


def test_a_bulk_action_without_a_source_or_a_reason_changes_nothing(editor, original):
    selected = list(Entitlement.objects.filter(revision=original, system__slug="rio", status="entitled")[:2])
    response = client_for(editor).post(
        reverse("admin:contracts_entitlement_changelist"),
        {"action": "mark_unknown", "apply": "1", "_selected_action": [f"{row.pk},{row.version}" for row in selected]},
    )
    assert "A new status is a new fact: choose the source that gives it and its words" in visible_text(response)
    assert [Entitlement.objects.get(pk=row.pk).status for row in selected] == ["entitled", "entitled"]


def test_revert_restores_the_earlier_values(editor, original):
    entitlement = rnoh_cerner(original)
    before = entitlement.history.first()
    client = client_for(editor)
    form = admin_form_data(client.get(change_url(entitlement)))
    form.update(status="declined", delivery_model="Typed by mistake", **cited())
    assert client.post(change_url(entitlement), form).status_code == 302

    revert_url = reverse("admin:contracts_entitlement_simple_history", args=[entitlement.pk, before.history_id])
    revert_form = admin_form_data(client.get(revert_url))
    assert client.post(revert_url, revert_form).status_code == 302
    entitlement.refresh_from_db()
    assert (entitlement.status, entitlement.delivery_model) == ("entitled", "")
    assert entitlement.history.first().history_change_reason.startswith("Reverted to the version of")


def test_the_recent_changes_page_shows_who_changed_what(editor, original):
    entitlement = rnoh_cerner(original)
    client = client_for(editor)
    form = admin_form_data(client.get(change_url(entitlement)))
    form.update(deployment_slot="Autumn 2010")
    client.post(change_url(entitlement), form)
    page = client.get(reverse("recent_changes")).content.decode()
    assert "Autumn 2010" in page and "editor" in page


def test_an_editor_can_change_entitlements_but_not_users(editor, original):
    client = client_for(editor)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    entitlement = rnoh_cerner(original)
    form = admin_form_data(client.get(change_url(entitlement)))
    form.update(notes="Checked against the source.")
    assert client.post(change_url(entitlement), form).status_code == 302


def test_a_viewer_can_read_but_change_nothing(viewer, original):
    client = client_for(viewer)
    entitlement = rnoh_cerner(original)
    page = client.get(change_url(entitlement))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(change_url(entitlement), {"status": "unknown"}).status_code == 403
    assert client.get(reverse("admin:contracts_entitlement_add")).status_code == 403
    assert rnoh_cerner(original).status == "entitled"


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, original):
    response = client.get(change_url(rnoh_cerner(original)))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_visitor_who_is_not_staff_is_sent_to_the_login_page(original):
    from django.contrib.auth.models import User

    user = User.objects.create_user(username="reader", password="a-long-test-password")
    response = client_for(user).get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_published_revision_is_read_only_for_an_editor(editor, ccn3):
    ccn3.is_published = True
    ccn3.save()
    client = client_for(editor)
    entitlement = rnoh_cerner(ccn3)
    assert 'name="_save"' not in client.get(change_url(entitlement)).content.decode()
    assert client.post(change_url(entitlement), {"status": "unknown"}).status_code == 403
    assert rnoh_cerner(ccn3).status == "withdrawn"


def test_a_correction_to_published_data_asks_for_a_reason_and_keeps_it(corrector, ccn3):
    ccn3.is_published = True
    ccn3.save()
    client = client_for(corrector)
    entitlement = rnoh_cerner(ccn3)
    form = admin_form_data(client.get(change_url(entitlement)))
    form.update(deployment_slot="None offered")
    without_reason = client.post(change_url(entitlement), form)
    assert "This record is published: say why it is being corrected." in without_reason.content.decode()
    assert rnoh_cerner(ccn3).deployment_slot == ""

    form = admin_form_data(client.get(change_url(entitlement)))
    form.update(deployment_slot="None offered", correction_reason="EHI 2010: no slot was offered")
    assert client.post(change_url(entitlement), form).status_code == 302
    latest = rnoh_cerner(ccn3).history.first()
    assert latest.deployment_slot == "None offered"
    assert latest.history_change_reason == "EHI 2010: no slot was offered"


def test_a_bulk_action_on_a_published_revision_changes_nothing_for_an_editor(editor, ccn3):
    ccn3.is_published = True
    ccn3.save()
    selected = list(Entitlement.objects.filter(revision=ccn3, system__slug="rio"))
    client_for(editor).post(
        reverse("admin:contracts_entitlement_changelist"),
        {"action": "mark_unknown", "_selected_action": [f"{row.pk},{row.version}" for row in selected]},
    )
    assert [row.status for row in selected] == [Entitlement.objects.get(pk=row.pk).status for row in selected]


def test_a_revisions_page_lists_its_entitlements_narrowed_by_system_and_kind(editor, ccn3):
    client = client_for(editor)
    page = client.get(change_url(ccn3), {"system": "cerner-millennium", "kind": "specialist_acute"})
    formset = next(
        inline.formset for inline in page.context["inline_admin_formsets"] if inline.formset.model is Entitlement
    )
    assert {form.instance.organisation.identifier for form in formset.forms} >= {"RAN"}
    assert {form.instance.system.slug for form in formset.forms} == {"cerner-millennium"}
    assert {form.instance.organisation.kind_id for form in formset.forms} == {"specialist_acute"}


@pytest.mark.parametrize(
    "model_name, lookup, field, first_value, second_value",
    [
        ("deliverable", {"code": "map-of-medicine", "revision__code": "ccn3"}, "terms", "Renewed for a year", "Ended"),
        ("deployment", {"organisation__code": "RAN"}, "notes", "Checked with the trust", "Unchecked"),
        ("revision", {"code": "ccn3"}, "value_note", "GBP, as the change note states", "Unknown basis"),
    ],
)
def test_every_versioned_record_refuses_a_stale_save(
    editor, second_editor, model_name, lookup, field, first_value, second_value
):
    from django.apps import apps

    model = apps.get_model("contracts", model_name)
    record = model.objects.filter(**lookup).first()
    first, second = client_for(editor), client_for(second_editor)
    first_form = admin_form_data(first.get(change_url(record)))
    second_form = admin_form_data(second.get(change_url(record)))
    first_form[field] = first_value
    assert first.post(change_url(record), first_form).status_code == 302
    second_form[field] = second_value
    refused = second.post(change_url(record), second_form)
    assert refused.status_code == 409
    assert "so your save was refused" in refused.content.decode()
    record.refresh_from_db()
    assert getattr(record, field) == first_value


def test_the_entitlement_list_offers_no_status_edit_that_could_not_carry_its_source(editor, original):
    listing = client_for(editor).get(reverse("admin:contracts_entitlement_changelist"), {"q": "RAN"})
    assert listing.context["cl"].formset is None
    assert 'name="form-0-status"' not in listing.content.decode()


def test_an_editor_cannot_add_rows_to_a_published_revision(editor, ccn3):
    ccn3.is_published = True
    ccn3.save()
    client = client_for(editor)
    from contracts.models import System
    from organisations.models import Organisation

    response = client.post(
        reverse("admin:contracts_entitlement_add"),
        {
            "revision": ccn3.pk,
            "organisation": Organisation.objects.get(code="RAN").pk,
            "system": System.objects.get(slug="rio").pk,
            "status": "entitled",
            "version": "",
        },
    )
    assert "is published: only someone who may correct published data can" in response.content.decode()
    assert not Entitlement.objects.filter(revision=ccn3, organisation__code="RAN", system__slug="rio").exists()


def test_an_editor_cannot_change_a_published_row_inline_on_an_organisation(editor, ccn3):
    ccn3.is_published = True
    ccn3.save()
    entitlement = rnoh_cerner(ccn3)
    client = client_for(editor)
    url = change_url(entitlement.organisation)
    form = admin_form_data(client.get(url))
    row = next(key for key, value in form.items() if key.endswith("-id") and value == str(entitlement.pk))
    form[row.replace("-id", "-deployment_slot")] = "Changed quietly"
    response = client.post(url, form)
    assert "is published: only someone who may correct published data can" in response.content.decode()
    assert rnoh_cerner(ccn3).deployment_slot == ""


def publish(revision: Revision) -> Revision:
    revision.is_published = True
    revision.save()
    return revision


def test_an_editor_cannot_unpublish_a_revision(editor, ccn3):
    """Unticking "published" lifted a revision's read-only lock; the field is now not an editor's to change."""
    publish(ccn3)
    client = client_for(editor)
    page = client.get(change_url(ccn3))
    assert 'name="is_published"' not in page.content.decode()
    data = {**admin_form_data(page), "is_published": "", "title": "Quietly retitled"}
    assert client.post(change_url(ccn3), data).status_code == 403
    ccn3.refresh_from_db()
    assert ccn3.is_published and ccn3.title == "Contract Change Note 3 (CCN3)"


def test_an_editor_cannot_publish_a_draft_either(editor, ccn3):
    client = client_for(editor)
    data = {**admin_form_data(client.get(change_url(ccn3))), "is_published": "on"}
    assert client.post(change_url(ccn3), data).status_code == 302
    ccn3.refresh_from_db()
    assert not ccn3.is_published


def test_a_publisher_unpublishes_only_with_a_reason_and_changes_nothing_else(publisher, ccn3):
    publish(ccn3)
    client = client_for(publisher)
    page = client.get(change_url(ccn3))
    assert 'name="is_published"' in page.content.decode() and 'name="title"' not in page.content.decode()
    data = {**admin_form_data(page), "title": "Retitled by a publisher", "total_value": "1"}
    data.pop("is_published")
    refused = client.post(change_url(ccn3), data)
    assert "Say why it is being unpublished" in refused.content.decode()
    ccn3.refresh_from_db()
    assert ccn3.is_published

    data["correction_reason"] = "Published before its entitlements were checked"
    assert client.post(change_url(ccn3), data).status_code == 302
    ccn3.refresh_from_db()
    assert not ccn3.is_published
    assert ccn3.title == "Contract Change Note 3 (CCN3)" and ccn3.total_value == 988_000_000
    assert ccn3.history.first().history_change_reason == "Published before its entitlements were checked"


def test_a_published_revisions_own_fields_are_corrected_only_with_a_reason(corrector, ccn3):
    publish(ccn3)
    client = client_for(corrector)
    data = {**admin_form_data(client.get(change_url(ccn3))), "total_value": "948000000", **cited("£948m")}
    refused = client.post(change_url(ccn3), data)
    assert "This record is published: say why it is being corrected." in refused.content.decode()
    data = {**admin_form_data(client.get(change_url(ccn3))), "total_value": "948000000", **cited("£948m")}
    data["correction_reason"] = "CIO UK: £948m at 2004-05 prices"
    assert client.post(change_url(ccn3), data).status_code == 302
    ccn3.refresh_from_db()
    assert ccn3.total_value == 948_000_000 and ccn3.is_published


def test_an_editor_cannot_revert_a_published_revision(editor, ccn3):
    ccn3.value_note = "Before publishing"
    ccn3.save()
    past = ccn3.history.first()
    publish(ccn3)
    client = client_for(editor)
    revert = reverse("admin:contracts_revision_simple_history", args=[ccn3.pk, past.history_id])
    assert client.post(revert, admin_form_data(client_for(editor).get(revert))).status_code == 403
    ccn3.refresh_from_db()
    assert ccn3.is_published


def test_a_viewer_cannot_revert_by_posting_the_history_form(viewer, editor, original):
    """The history form shows no Save button to a viewer, and a POST of it is refused (simple-history saved it)."""
    entitlement = rnoh_cerner(original)
    past = entitlement.history.first()
    entitlement.delivery_model = "Changed by an editor"
    entitlement.save()
    url = reverse("admin:contracts_entitlement_simple_history", args=[entitlement.pk, past.history_id])
    client = client_for(viewer)
    page = client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(url, {**admin_form_data(client_for(editor).get(url))}).status_code == 403
    assert rnoh_cerner(original).delivery_model == "Changed by an editor"


def test_a_save_that_changes_nothing_writes_nothing(editor, second_editor, original):
    """An editor who saves without changing anything does not make every other editor's open form stale."""
    entitlement = rnoh_cerner(original)
    waiting = admin_form_data(client_for(second_editor).get(change_url(entitlement)))
    history = entitlement.history.count()
    client = client_for(editor)
    assert client.post(change_url(entitlement), admin_form_data(client.get(change_url(entitlement)))).status_code == 302
    assert entitlement.history.count() == history
    waiting["delivery_model"] = "Still saved"
    assert client_for(second_editor).post(change_url(entitlement), waiting).status_code == 302
    assert rnoh_cerner(original).delivery_model == "Still saved"


def test_reverting_published_data_is_a_correction_with_a_reason(corrector, ccn3):
    entitlement = rnoh_cerner(ccn3)
    past = entitlement.history.first()
    entitlement.deployment_slot = "Typed by mistake"
    entitlement.save()
    publish(ccn3)
    client = client_for(corrector)
    url = reverse("admin:contracts_entitlement_simple_history", args=[entitlement.pk, past.history_id])
    form = admin_form_data(client.get(url))
    without = client.post(url, form)
    assert "This record is published: say why it is being corrected." in without.content.decode()
    assert rnoh_cerner(ccn3).deployment_slot == "Typed by mistake"
    assert client.post(url, {**form, "correction_reason": "The slot was never offered"}).status_code == 302
    latest = rnoh_cerner(ccn3).history.first()
    assert latest.deployment_slot == ""
    assert latest.history_change_reason.startswith("Reverted to the version of")
    assert latest.history_change_reason.endswith(": The slot was never offered")


def test_a_changed_status_without_a_source_or_a_reason_is_refused(editor, original):
    entitlement = rnoh_cerner(original)
    client = client_for(editor)
    form = {**admin_form_data(client.get(change_url(entitlement))), "status": "declined"}
    refused = client.post(change_url(entitlement), form)
    assert refused.status_code == 200
    assert (
        "The status changed: choose the source that gives the new value and give its words, or say why there is no "
        "source (“Or: no source, because…”)."
    ) in visible_text(refused)
    assert rnoh_cerner(original).status == "entitled"


def test_a_changed_status_is_saved_with_its_citation_and_the_old_ones_kept_for_the_earlier_value(editor, original):
    entitlement = rnoh_cerner(original)
    old = set(entitlement.citations.values_list("pk", flat=True))
    client = client_for(editor)
    form = {**admin_form_data(client.get(change_url(entitlement))), "status": "declined", **cited("Chose its own PAS.")}
    assert client.post(change_url(entitlement), form).status_code == 302
    entitlement.refresh_from_db()
    (new,) = entitlement.citations.filter(current=True)
    assert (new.quote, new.grade, new.source.key, new.supports) == (
        "Chose its own PAS.",
        "stated",
        ARTICLE,
        {"status": "declined"},
    )
    assert set(entitlement.citations.filter(current=False).values_list("pk", flat=True)) == old
    assert new.history.first().history_user == editor


def test_an_inferred_value_says_how_it_follows(editor, original):
    entitlement = rnoh_cerner(original)
    client = client_for(editor)
    form = {
        **admin_form_data(client.get(change_url(entitlement))),
        "status": "declined",
        **cited(),
        "cite_grade": "inferred",
    }
    refused = client.post(change_url(entitlement), form)
    assert "Say how the new value follows from what the source says." in visible_text(refused)
    form["cite_reasoning"] = "It kept its PAS, so it declined Cerner."
    assert client.post(change_url(entitlement), form).status_code == 302
    assert rnoh_cerner(original).citations.get(current=True).reasoning == "It kept its PAS, so it declined Cerner."


def test_a_status_changed_in_an_organisations_inline_row_needs_its_source_too(editor, original):
    entitlement = rnoh_cerner(original)
    client = client_for(editor)
    url = change_url(entitlement.organisation)
    form = admin_form_data(client.get(url))
    row = next(key for key, value in form.items() if key.endswith("-id") and value == str(entitlement.pk))
    form[row.replace("-id", "-status")] = "declined"
    refused = client.post(url, form)
    assert "The status changed: choose the source that gives the new value" in visible_text(refused)
    assert rnoh_cerner(original).status == "entitled"
    form[row.replace("-id", "-unsourced_reason")] = "Told by the trust's IM&T director; not yet published"
    assert client.post(url, form).status_code == 302
    changed = rnoh_cerner(original)
    assert changed.status == "declined"
    assert changed.citations.get(current=True).reasoning == "Told by the trust's IM&T director; not yet published"


def test_a_new_fact_added_in_the_admin_needs_its_source(editor):
    client = client_for(editor)
    add = reverse("admin:trusts_organisation_add")
    data = {**admin_form_data(client.get(add)), "code": "RZZ", "name": "A New NHS Trust", "kind": "acute"}
    refused = client.post(reverse("admin:trusts_organisation_add"), data)
    assert "is new: choose the source that gives the new value" in visible_text(refused)
    assert not Organisation.objects.filter(code="RZZ").exists()
    assert (
        client.post(reverse("admin:trusts_organisation_add"), {**data, **cited("RZZ A New NHS Trust")}).status_code
        == 302
    )
    assert Organisation.objects.get(code="RZZ").citations.get().quote == "RZZ A New NHS Trust"


def test_reverting_a_change_makes_the_old_citations_current_again(editor, original):
    entitlement = rnoh_cerner(original)
    before = entitlement.history.first()
    client = client_for(editor)
    form = {**admin_form_data(client.get(change_url(entitlement))), "status": "declined", **cited()}
    client.post(change_url(entitlement), form)
    revert = reverse("admin:contracts_entitlement_simple_history", args=[entitlement.pk, before.history_id])
    assert client.post(revert, admin_form_data(client.get(revert))).status_code == 302
    reverted = rnoh_cerner(original)
    assert reverted.status == "entitled"
    assert {citation.supports["status"] for citation in reverted.citations.filter(current=True)} == {"entitled"}
    assert reverted.citations.filter(current=False, supports={"status": "declined"}).count() == 1


def browser_form(response, form_id: str) -> dict[str, list[str]]:
    """What a browser sends of the page's form: only the fields the page holds, as it holds them."""
    from tests.web_client import page_forms

    return next(form for form in page_forms(response.content.decode()) if form.attributes.get("id") == form_id).data()


@pytest.mark.parametrize("published", [True, False])
def test_saving_an_organisation_page_unchanged_rewrites_none_of_its_rows(editor, corrector, published):
    organisation = Organisation.objects.get(code="RAX")
    if published:
        Revision.objects.filter(contract__slug="london-lsp").update(is_published=True)
    rows = list(Entitlement.objects.filter(organisation=organisation).order_by("pk"))
    before = [(row.version, row.history.count()) for row in rows]
    client = client_for(corrector if published else editor)
    page = client.get(change_url(organisation))
    response = client.post(change_url(organisation), browser_form(page, "organisation_form"))
    assert response.status_code == 302
    assert [(row.version, row.history.count()) for row in Entitlement.objects.filter(pk__in=[r.pk for r in rows])
            .order_by("pk")] == before  # fmt: skip


def test_saving_an_entitlement_rewrites_none_of_its_citations(editor, original):
    entitlement = rnoh_cerner(original)
    citations = list(entitlement.citations.order_by("pk").values_list("pk", "version"))
    client = client_for(editor)
    data = browser_form(client.get(change_url(entitlement)), "entitlement_form")
    data["deployment_slot"] = ["Wave 9"]
    assert client.post(change_url(entitlement), data).status_code == 302
    assert list(entitlement.citations.order_by("pk").values_list("pk", "version")) == citations


def deleting_row(client, organisation, entitlement, **extra) -> dict[str, list[str]]:
    data = browser_form(client.get(change_url(organisation)), "organisation_form")
    prefix = next(name for name, values in data.items() if name.endswith("-id") and values == [str(entitlement.pk)])
    data[prefix.replace("-id", "-DELETE")] = ["on"]
    for name, value in extra.items():
        data[prefix.replace("-id", f"-{name}")] = [value]
    return data


def test_an_editor_cannot_delete_a_published_row_from_an_organisations_page(editor, ccn3):
    ccn3.is_published = True
    ccn3.save()
    entitlement = rnoh_cerner(ccn3)
    organisation = entitlement.organisation
    client = client_for(editor)
    response = client.post(change_url(organisation), deleting_row(client, organisation, entitlement))
    assert response.status_code == 200
    assert "which is published: only someone who may correct published data can delete it." in visible_text(response)
    assert Entitlement.objects.filter(pk=entitlement.pk).exists()


def test_a_corrector_deletes_a_published_row_only_with_a_reason_kept_in_its_history(corrector, ccn3):
    ccn3.is_published = True
    ccn3.save()
    entitlement = rnoh_cerner(ccn3)
    organisation = entitlement.organisation
    client = client_for(corrector)
    refused = client.post(change_url(organisation), deleting_row(client, organisation, entitlement))
    assert "is published: say why it is being deleted" in visible_text(refused)
    assert Entitlement.objects.filter(pk=entitlement.pk).exists()
    data = deleting_row(client, organisation, entitlement, correction_reason="Entered twice")
    assert client.post(change_url(organisation), data).status_code == 302
    assert not Entitlement.objects.filter(pk=entitlement.pk).exists()
    assert Entitlement.history.filter(id=entitlement.pk).latest("history_id").history_change_reason == "Entered twice"


def test_a_source_added_after_a_page_is_offered_on_the_next_pages_inline_rows(editor):
    """The inline rows' source choices are read once per page, never kept for later pages."""
    editor_client = client_for(editor)
    url = f"/admin/trusts/organisation/{Organisation.objects.get(code='RAN').pk}/change/"

    def inline_row_offers_it() -> bool:
        html = editor_client.get(url).content.decode()
        row = re.search(r'<select name="entitlements-0-cite_source".*?</select>', html, re.S)
        assert row, "the page has an inline entitlement row with a source to cite"
        return "A source added just now" in row.group(0)

    assert not inline_row_offers_it()
    Source.objects.create(key="added-just-now", title="A source added just now", kind="article")
    assert inline_row_offers_it()
