"""The counts a reader sees follow every write at once: the tally they come from is kept by the database."""

import pytest
from django.db import transaction
from django.urls import reverse

from contracts.models import Entitlement, EntitlementStatus, Revision
from contracts.services.tally import tally_cells, tally_recount
from tests.conftest import client_for
from tests.helpers import admin_form_data, shown_count, visible_text

pytestmark = pytest.mark.django_db

COMPARE = "/contracts/london-lsp/compare/"
LOST_CERNER = {"system": "cerner-millennium", "outcome": "lost"}
ARTICLE = "ehi-2010-04-london-it-programme-slashed"


def cited() -> dict:
    from contracts.models import Source

    return {
        "cite_source": str(Source.objects.get(key=ARTICLE).pk),
        "cite_quote": "Words of the source for the new value.",
        "cite_grade": "stated",
    }


def rnoh_cerner(revision: Revision) -> Entitlement:
    return Entitlement.objects.get(revision=revision, organisation__code="RAN", system__slug="cerner-millennium")


def change_url(entitlement: Entitlement) -> str:
    return reverse("admin:contracts_entitlement_change", args=[entitlement.pk])


def test_a_status_changed_in_the_admin_shows_in_the_next_compare_count(client, corrector, ccn3):
    lost = shown_count(client.get(COMPARE, LOST_CERNER))
    assert lost >= 1  # RNOH among them
    entitlement = rnoh_cerner(ccn3)
    admin = client_for(corrector)
    form = admin_form_data(admin.get(change_url(entitlement)))
    form.update(
        status=EntitlementStatus.ENTITLED, withdrawal_reason="", correction_reason="RNOH kept Cerner.", **cited()
    )
    assert admin.post(change_url(entitlement), form).status_code == 302
    assert Entitlement.objects.get(pk=entitlement.pk).status == EntitlementStatus.ENTITLED

    assert shown_count(client.get(COMPARE, LOST_CERNER)) == lost - 1
    assert "RAN" not in visible_text(client.get(COMPARE, LOST_CERNER))
    assert tally_cells() == tally_recount()


def test_a_bulk_action_in_the_admin_shows_in_the_next_compare_count(client, corrector, ccn3):
    unknown_cerner = {"system": "cerner-millennium", "outcome": "unknown"}
    unknown = shown_count(client.get(COMPARE, unknown_cerner))
    entitled = list(Entitlement.objects.filter(revision=ccn3, system__slug="cerner-millennium", status="entitled")[:3])
    action = {
        "action": "mark_unknown",
        "apply": "1",
        "unsourced_reason": "Not confirmed.",
        "correction_reason": "Not confirmed.",
        "_selected_action": [f"{row.pk},{row.version}" for row in entitled],
    }
    assert client_for(corrector).post(reverse("admin:contracts_entitlement_changelist"), action).status_code == 302
    assert shown_count(client.get(COMPARE, unknown_cerner)) == unknown + 3
    assert tally_cells() == tally_recount()


def test_the_home_page_follows_a_change(client, ccn3):
    before = visible_text(client.get("/"))
    Entitlement.objects.filter(revision=ccn3, system__slug="cerner-millennium").update(
        status=EntitlementStatus.WITHDRAWN, withdrawal_reason="Gone"
    )
    after = visible_text(client.get("/"))
    assert after != before
    assert tally_cells() == tally_recount()


def test_a_rolled_back_write_leaves_the_counts_as_they_were(client, ccn3):
    lost = shown_count(client.get(COMPARE, LOST_CERNER))
    with pytest.raises(RuntimeError), transaction.atomic():
        Entitlement.objects.filter(revision=ccn3, system__slug="cerner-millennium").update(
            status=EntitlementStatus.WITHDRAWN, withdrawal_reason="Gone"
        )
        assert shown_count(client.get(COMPARE, LOST_CERNER)) > lost
        raise RuntimeError("the write fails")
    assert shown_count(client.get(COMPARE, LOST_CERNER)) == lost
