import re

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from model_bakery import baker

from contracts.models import Citation, Entitlement, ReportedFigure, Source
from organisations.models import Organisation
from tests.helpers import admin_form_data as form_data

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_model_has_a_working_change_list_and_change_page(admin_client, model):
    info = (model._meta.app_label, model._meta.model_name)
    listing = admin_client.get(reverse("admin:{}_{}_changelist".format(*info)))
    assert listing.status_code == 200
    record = model.objects.first()
    if record is not None:
        page = admin_client.get(reverse("admin:{}_{}_change".format(*info), args=[record.pk]))
        assert page.status_code == 200


MALFORMED_IDS = ["abc", "6/change", "1.5", "0x1", "'", "%E2%9C%93", "99999999999999999999", "-1"]


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_a_malformed_address_in_the_admin_is_not_found_never_a_server_error(admin_client, model):
    """An editor may type or mangle any address: a record, its history or one of its versions."""
    changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    record = model._default_manager.order_by("pk").first()
    paths = [f"{bad}/{suffix}" for bad in MALFORMED_IDS for suffix in ("", "change/", "history/", "delete/")]
    if record is not None:
        paths += [f"{record.pk}/history/{bad}/" for bad in MALFORMED_IDS]
    for path in paths:
        response = admin_client.get(changelist + path)
        assert response.status_code in (200, 302, 404), (changelist + path, response.status_code)
        if response.status_code == 404:
            assert b"Page not found" in response.content


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_change_list_search_works(admin_client, model):
    info = (model._meta.app_label, model._meta.model_name)
    assert admin_client.get(reverse("admin:{}_{}_changelist".format(*info)), {"q": "Cerner"}).status_code == 200


def test_the_entitlement_list_filters_by_revision_system_and_status(admin_client, ccn3):
    response = admin_client.get(
        reverse("admin:contracts_entitlement_changelist"),
        {
            "revision__id__exact": ccn3.pk,
            "system__id__exact": Entitlement.objects.filter(system__slug="cerner-millennium").values("system_id")[:1][
                0
            ]["system_id"],
            "status__exact": "withdrawn",
        },
    )
    assert response.status_code == 200
    assert "Royal National Orthopaedic Hospital" in response.text
    assert "Royal Free" not in response.text


def test_an_organisation_shows_its_citations_inline(admin_client):
    rnoh = Organisation.objects.get(code="RAN")
    response = admin_client.get(reverse("admin:trusts_organisation_change", args=[rnoh.pk]))
    assert "ODS code RAN." in response.text
    assert "Silverlink PAS (iSoft-badged)" in response.text


def test_a_reported_figure_shows_what_the_records_give(admin_client, london):
    figure = ReportedFigure.objects.get(contract=london, key="acute-trusts-after-mergers")
    response = admin_client.get(reverse("admin:contracts_reportedfigure_change", args=[figure.pk]))
    assert "<strong>recorded</strong>: 29" in response.text
    assert '<span class="verdict verdict-disagrees">disagrees</span>' in response.text
    assert "css/admin.css" in response.text


def test_entitlement_autocomplete_finds_organisations_by_ods_code(admin_client):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "contracts", "model_name": "entitlement", "field_name": "organisation", "term": "RAN"},
    )
    assert response.status_code == 200
    assert "Royal National Orthopaedic" in response.text


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("admin:contracts_entitlement_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_the_public_pages_lead_editors_to_the_admin(client):
    assert 'href="/admin/"' in client.get("/").content.decode()


def test_an_editor_changes_an_entitlement_in_the_admin(admin_client, ccn3, seed_drafts):
    entitlement = Entitlement.objects.get(revision=ccn3, organisation__code="RJ6", system__slug="cerner-millennium")
    assert entitlement.status == "entitled"
    supporting = set(entitlement.citations.filter(current=True).values_list("pk", flat=True))
    assert supporting and entitlement.citations.count() == len(supporting)
    url = reverse("admin:contracts_entitlement_change", args=[entitlement.pk])
    data = form_data(admin_client.get(url))
    data.update(status="declined", unsourced_reason="The trust's own board papers, not yet filed as a source")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entitlement.refresh_from_db()
    assert entitlement.status == "declined"
    assert entitlement.citations.count() == len(supporting) + 1
    # The citations that supported "entitled" are kept, no longer current.
    assert set(entitlement.citations.filter(current=False).values_list("pk", flat=True)) == supporting
    (new,) = entitlement.citations.filter(current=True)
    assert (new.grade, new.source) == ("unsourced", None)


def test_a_withdrawal_without_a_reason_is_refused_with_a_message(admin_client, ccn3, seed_drafts):
    entitlement = Entitlement.objects.get(revision=ccn3, organisation__code="RJ6", system__slug="cerner-millennium")
    url = reverse("admin:contracts_entitlement_change", args=[entitlement.pk])
    data = form_data(admin_client.get(url))
    data["status"] = "withdrawn"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Say why it was withdrawn" in response.text
    entitlement.refresh_from_db()
    assert entitlement.status == "entitled"


@pytest.mark.parametrize("model_name", ["entitlement", "citation", "deployment", "deliverable", "organisation"])
def test_the_long_change_lists_cost_a_bounded_number_of_queries(
    admin_client, model_name, django_assert_max_num_queries
):
    app = "trusts" if model_name == "organisation" else "contracts"
    with django_assert_max_num_queries(15):
        response = admin_client.get(reverse(f"admin:{app}_{model_name}_changelist"))
    assert response.status_code == 200


def test_an_organisation_page_costs_the_same_queries_however_many_rows_it_holds(admin_client, ccn3):
    imperial = Organisation.objects.get(code="RYJ")
    url = reverse("admin:trusts_organisation_change", args=[imperial.pk])
    with CaptureQueriesContext(connection) as few:
        assert "PAS and maternity" in admin_client.get(url).text
    source = Source.objects.first()
    for number in range(12):
        system = baker.make("contracts.System", slug=f"extra-{number}", name=f"Extra {number}")
        entitlement = Entitlement.objects.create(revision=ccn3, organisation=imperial, system=system, status="unknown")
        Citation.objects.create(source=source, entitlement=entitlement, quote="Quoted.")
        Citation.objects.create(source=source, organisation=imperial, quote=f"Quoted {number}.")
        baker.make("contracts.Deployment", organisation=imperial, system=system, status="scheduled")
    with CaptureQueriesContext(connection) as many:
        assert admin_client.get(url).status_code == 200
    assert len(many) == len(few) <= 22


def test_the_revision_list_shows_dates_and_values_as_the_sources_give_them(admin_client):
    response = admin_client.get(reverse("admin:contracts_revision_changelist"))
    assert "Dec 2003" in response.text and "1 Dec 2003" not in response.text
    assert "by 8 Apr 2010" in response.text
    assert "£1,100,000,000" in response.text and "£988,000,000" in response.text
    # The 2006 and 2007 revisions record no total: their values, and changes against them, are not recorded.
    assert "not recorded" in response.text
    assert "unknown" not in response.text


def test_the_deployment_list_shows_go_lives_no_more_precisely_than_known(admin_client):
    response = admin_client.get(reverse("admin:contracts_deployment_changelist"), {"q": "RQX"})
    assert "by 6 Mar 2008" in response.text


def changelist_rows(response) -> list[int]:
    return [row.pk for row in response.context["cl"].result_list]


@pytest.mark.parametrize("query", [{}, {"o": "2"}, {"p": "2"}, {"status__exact": "withdrawn"}, {"q": "Cerner"}])
def test_the_entitlement_list_counts_every_row_a_filter_leaves_drafts_too(admin_client, ccn3, query):
    """Only paged or sorted, the list's count is the tally's; filtered or searched, its rows'. Either way, every
    entitlement it holds, those of draft revisions too."""
    ccn3.is_published = False
    ccn3.save()
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(reverse("admin:contracts_entitlement_changelist"), query)
    assert response.status_code == 200
    expected = response.context["cl"].queryset.count()
    assert response.context["cl"].result_count == expected
    every_row_counted = 'COUNT(*) AS "__count" FROM "contracts_entitlement"'
    counted = [captured["sql"] for captured in queries if every_row_counted in captured["sql"]]
    if not query.keys() - {"o", "p"}:
        assert expected == Entitlement.objects.count()
        assert not counted
    assert f"{expected} entitlement" in response.text


def test_the_entitlement_list_is_in_the_order_of_its_unique_revision_organisation_system(admin_client):
    pages = [
        changelist_rows(admin_client.get(reverse("admin:contracts_entitlement_changelist"), {"p": number}))
        for number in (1, 2)
    ]
    expected = list(
        Entitlement.objects.order_by("revision_id", "organisation_id", "system_id").values_list("pk", flat=True)
    )
    shown = [pk for page in pages for pk in page]
    assert shown == expected[:200]


def sortable_headers(response) -> set[str]:
    """The columns whose headers sort the list."""
    return set(re.findall(r'<th scope="col" class="sortable[^"]*column-(\w+)', response.text))


def test_the_entitlement_list_sorts_by_any_column_while_it_is_small(admin_client):
    response = admin_client.get(reverse("admin:contracts_entitlement_changelist"), {"o": "4"})
    expected = Entitlement.objects.order_by("status", "revision_id", "organisation_id", "system_id")
    assert changelist_rows(response) == list(expected.values_list("pk", flat=True)[:100])
    assert sortable_headers(response) == {
        "organisation",
        "system",
        "revision",
        "status",
        "delivery_model",
        "deployment_slot",
    }


@pytest.mark.parametrize("sort", ["4", "-2", "3.5", "2.1"])
def test_past_its_size_for_sorting_the_entitlement_list_sorts_only_by_organisation(admin_client, monkeypatch, sort):
    """A typed `?o=` naming a column the list no longer offers to sort by is left out of the order, as one it
    cannot sort by would be: the rows come in the order of their organisation's name, or else of the index."""
    from contracts.admin import entitlements

    monkeypatch.setattr(entitlements, "SORTED_BY_ANY_COLUMN_UP_TO", 10)
    response = admin_client.get(reverse("admin:contracts_entitlement_changelist"), {"o": sort})
    assert response.status_code == 200
    order = ["organisation__name"] if "1" in sort.split(".") else []
    expected = Entitlement.objects.order_by(*order, "revision_id", "organisation_id", "system_id")
    assert changelist_rows(response) == list(expected.values_list("pk", flat=True)[:100])
    assert sortable_headers(response) == {"organisation"}


@pytest.mark.parametrize(
    "term", ["Cerner", "rv3", "royal free", '"Royal Free"', "RiO withdrawn", "nothing-at-all", "'", "BT", "iS", "6"]
)
def test_the_entitlement_list_searches_as_the_admin_would(admin_client, rf, term):
    """The organisations and systems a word names are looked up first; the rows found are the admin's own."""
    entitlement_admin = admin.site._registry[Entitlement]
    request = rf.get("/admin/contracts/entitlement/", {"q": term})
    found, duplicates = entitlement_admin.get_search_results(request, Entitlement.objects.all(), term)
    expected, _ = admin.ModelAdmin.get_search_results(entitlement_admin, request, Entitlement.objects.all(), term)
    assert not duplicates
    assert sorted(found.values_list("pk", flat=True)) == sorted(expected.values_list("pk", flat=True))
    response = admin_client.get(reverse("admin:contracts_entitlement_changelist"), {"q": term})
    assert response.status_code == 200
    assert response.context["cl"].result_count == expected.count()


SCANS_READING_EVERY_ROW = ["enable_seqscan", "enable_indexscan", "enable_indexonlyscan"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the notes' trigram index is PostgreSQL's")
@pytest.mark.parametrize("word", ["BT", "iSoft"])
def test_the_entitlement_list_looks_for_a_word_in_the_notes_given_through_their_index(db, rf, word):
    """A word of two letters has no trigram: asked of an index of every row's notes, the index gives every row,
    blank notes and all. The index holds only the notes given, and the search asks for those."""
    entitlement_admin = admin.site._registry[Entitlement]
    request = rf.get("/admin/contracts/entitlement/", {"q": word})
    found, _ = entitlement_admin.get_search_results(request, Entitlement.objects.all(), word)
    assert found.filter(notes__icontains=word).exists()
    with connection.cursor() as cursor:
        # Statistics as a settled database has them, so that the plan does not depend on when autovacuum last ran.
        cursor.execute("ANALYZE contracts_entitlement")
        # The seed's rows are few enough to read them all: where an index can find them, it is asked to.
        for scan in SCANS_READING_EVERY_ROW:
            cursor.execute(f"SET {scan} = off")
        try:
            sql, params = found.values("pk").query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(line for (line,) in cursor.fetchall())
        finally:
            for scan in SCANS_READING_EVERY_ROW:
                cursor.execute(f"RESET {scan}")
    assert "entitlement_given_notes_trigrams" in plan
