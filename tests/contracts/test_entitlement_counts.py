"""The entitlement list's row count and filter counts read from the tally: the same numbers the rows give, and
current on the very next request after a change."""

from urllib.parse import urlencode

import pytest
from django.http import QueryDict

from contracts.filters import EntitlementFilter
from contracts.models import Citation, Entitlement, EntitlementStatus, Revision, System
from contracts.pages import facets
from contracts.pages.facets import EntitlementListCounts, entitlement_facets
from contracts.selectors.entitlements import entitlement_rows
from nhsit.lib.filtering import strict_rows
from organisations.models import Organisation
from tests.conftest import client_for
from tests.helpers import admin_form_data, shown_count

pytestmark = pytest.mark.django_db

FILTERS = [
    {},
    {"contract": "london-lsp"},
    {"revision": "ccn3"},
    {"contract": "london-lsp", "revision": "original", "system": "cerner-millennium"},
    {"system": ["rio", "cerner-millennium"], "status": "entitled"},
    {"status": ["unknown", "withdrawn"], "kind": "acute"},
    {"kind": ["mental_health", "specialist_acute"], "contract": "london-lsp"},
]


def _filterset(data: dict, *, drafts: bool = False) -> EntitlementFilter:
    """The filter set a request with these parameters makes."""
    query = QueryDict(urlencode(data, doseq=True)) if data else None
    return EntitlementFilter(query, queryset=entitlement_rows(drafts=drafts), drafts=drafts)


@pytest.mark.parametrize("data", FILTERS)
@pytest.mark.parametrize("drafts", [False, True])
def test_the_tally_counts_what_the_rows_count(data, drafts):
    # A draft revision: counted in an editor's preview only.
    Revision.objects.filter(code="reset-2007").update(is_published=False)
    counts = EntitlementListCounts(_filterset(data, drafts=drafts), drafts=drafts)
    assert counts._tallied is not None
    assert counts.total() == strict_rows(_filterset(data, drafts=drafts)).count()
    assert counts.facets() == entitlement_facets(_filterset(data, drafts=drafts))


@pytest.mark.parametrize(
    "data",
    [{"organisation": "guy"}, {"ods_code": "RJ1"}, {"evidence": "stated", "ods_code": "RJ1"}, {"status": "nope"}],
)
def test_filters_the_tally_does_not_keep_are_counted_from_the_rows(data, monkeypatch):
    monkeypatch.setattr(facets, "MOST_UNMATCHED", -1)  # a name search leaving out any organisation: from the rows
    counts = EntitlementListCounts(_filterset(data))
    assert counts._tallied is None
    assert counts.total() == strict_rows(_filterset(data)).count()
    assert counts.facets() == entitlement_facets(_filterset(data))


@pytest.mark.parametrize(
    "data",
    [
        {"evidence": "stated"},
        {"evidence": "uncited"},
        {"evidence": ["uncited", "inferred"], "system": ["rio", "cerner-millennium"]},
        {"evidence": ["unsourced", "stated", "inferred", "derived"], "revision": "ccn3", "kind": "acute"},
        {"evidence": ["uncited", "derived", "unsourced"], "status": ["withdrawn", "entitled"]},
    ],
)
def test_narrowed_by_the_evidence_the_counts_are_the_tallys_less_the_cited_rows_and_the_same_as_the_rows(data):
    # Every seeded row is cited: some made uncited (their citations no longer current), some unsourced.
    rows = Entitlement.objects.order_by("pk")
    Citation.objects.filter(entitlement__in=rows[:60:4]).update(current=False)
    Citation.objects.filter(entitlement__in=rows[70:80]).update(source=None, grade="unsourced")
    counts = EntitlementListCounts(_filterset(data))
    assert counts._tallied is not None
    total = strict_rows(_filterset(data)).count()
    assert total and counts.total() == total
    assert counts.facets() == entitlement_facets(_filterset(data))


@pytest.mark.parametrize(
    "data",
    [
        {"organisation": "guy"},
        {"organisation": "trust"},
        {"organisation": "nhs", "system": ["rio", "cerner-millennium"], "status": "withdrawn"},
        {"organisation": "hospital", "revision": "ccn3", "kind": "acute"},
        {"organisation": "zzzz-nothing"},
    ],
)
def test_a_name_that_leaves_out_few_organisations_is_counted_as_the_tally_less_their_rows(data):
    counts = EntitlementListCounts(_filterset(data))
    assert counts._tallied is not None and counts._unmatched is not None
    assert counts.total() == strict_rows(_filterset(data)).count()
    assert counts.facets() == entitlement_facets(_filterset(data))


def test_a_status_changed_in_the_admin_is_counted_on_the_next_request(client, corrector):
    page = {"contract": "london-lsp", "revision": "ccn3", "system": "cerner-millennium", "status": "declined"}
    before = shown_count(client.get("/entitlements/", page))
    entitlement = Entitlement.objects.filter(
        revision__code="ccn3", system__slug="cerner-millennium", status=EntitlementStatus.UNKNOWN
    ).first()
    editing = client_for(corrector)
    url = f"/admin/contracts/entitlement/{entitlement.pk}/change/"
    data = {
        **admin_form_data(editing.get(url)),
        "status": EntitlementStatus.DECLINED,
        "unsourced_reason": "The trust’s board papers, not yet filed as a source",
        "correction_reason": "The board papers say the trust declined it",
    }
    response = editing.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert shown_count(client.get("/entitlements/", page)) == before + 1
    assert shown_count(client.get("/entitlements/", {**page, "status": "unknown"})) == (
        Entitlement.objects.filter(
            revision__code="ccn3", system__slug="cerner-millennium", status=EntitlementStatus.UNKNOWN
        ).count()
    )


def test_a_deleted_row_leaves_the_count_at_once(client):
    before = shown_count(client.get("/entitlements/", {"revision": "ccn3"}))
    Entitlement.objects.filter(revision__code="ccn3").order_by("pk").first().delete()
    assert shown_count(client.get("/entitlements/", {"revision": "ccn3"})) == before - 1


def test_the_system_list_counts_a_new_entitlement_on_the_next_request(client, ccn3):
    def rio_count() -> int:
        rows = client.get("/systems/").context["rows"]
        return next(row.system.organisation_count for row in rows if row.system.slug == "rio")

    before = rio_count()
    rio = System.objects.get(slug="rio")
    newcomer = Organisation.objects.exclude(entitlements__system=rio).order_by("code").first()
    Entitlement.objects.create(revision=ccn3, organisation=newcomer, system=rio, status="entitled")
    assert rio_count() == before + 1
