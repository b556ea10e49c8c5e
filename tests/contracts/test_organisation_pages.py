import re

import pytest

from contracts.models import Entitlement
from tests.helpers import csv_header, csv_rows, shown_count, visible_text

pytestmark = pytest.mark.django_db


def test_rnoh_page_shows_cerner_withdrawn_under_ccn3_with_the_quote(client):
    response = client.get("/trusts/RAN/")
    assert response.status_code == 200
    text = visible_text(response)
    assert "Royal National Orthopaedic Hospital NHS Trust" in text
    # Entitled by the original, carried through the 2006 change and the 2007 re-set, withdrawn by CCN3.
    slot = r"Slot: Nominal slot \(dates not given\)"
    assert re.search(
        rf"Cerner Millennium entitled \[\d+ stated\] \[\d+ stated\] {slot} entitled \[\d+ inferred\] {slot} "
        rf"entitled \[\d+ inferred\] {slot} withdrawn \[\d+ stated\] \[\d+ stated\]",
        text,
    )
    assert (
        "“We have had a nominal slot but were told a few weeks ago that we will not be offered Cerner "
        "due to the budget cuts.”"
    ) in text
    assert "London IT programme slashed" in text
    assert "no other explanation or criteria were given. lost What was delivered" in text


def test_rnoh_page_shows_its_local_system_and_that_its_expiry_is_not_recorded(client):
    text = visible_text(client.get("/trusts/RAN/"))
    assert re.search(
        r"Silverlink PAS \(iSoft-badged\) patient administration system iSoft in use \[\d+ stated\] unknown", text
    )
    assert "2011-12" not in text


def test_an_isoft7_trusts_page_shows_it_keeping_its_own_system_from_the_2006_change(client):
    text = visible_text(client.get("/trusts/RJ2/"))
    declined = "declined"
    assert re.search(
        rf"Cerner Millennium entitled \[\d+ stated\] {declined} (?:\[\d+ stated\] )+{declined} (?:\[\d+ \w+\] )+"
        rf"{declined} (?:\[\d+ \w+\] )+lost",
        text,
    )
    assert "enabled them stay with their existing systems instead of moving to Cerner Millennium" in text
    assert "Foundation trust unknown" in text


def test_a_merged_trust_links_to_its_successor_and_back(client):
    predecessor = visible_text(client.get("/trusts/RVL/"))
    assert "Merged into Royal Free Hampstead NHS Trust (RAL) , 1 Jul 2014." in predecessor
    successor = client.get("/trusts/RAL/")
    assert 'href="/trusts/RVL/"' in successor.content.decode()


def test_a_trust_page_shows_deployments_and_who_delivered_them(client):
    text = visible_text(client.get("/trusts/RYJ/"))
    marks = r"\[\d+ stated\] \[\d+ inferred\]"
    assert re.search(
        rf"Cerner Millennium whole organisation Order communications live {marks} — Sep 2011 {marks} BT", text
    )
    assert re.search(
        rf"Cerner Millennium whole organisation PAS and maternity live {marks} — 22 Apr 2014 {marks} BT", text
    )
    assert re.search(r"\[\d+ inferred\] Supports: Cerner Millennium at RYJ", text)


def test_ods_codes_are_case_insensitive(client):
    response = client.get("/trusts/ran/")
    assert response.status_code == 301
    assert response["Location"] == "/trusts/RAN/"


@pytest.mark.parametrize("code", ["XXX", "R" * 300, "'; DROP TABLE x;--", "Ω≈ç", "{{ 7*7 }}"])
def test_an_unknown_ods_code_is_a_404_that_says_so(client, code):
    response = client.get(f"/trusts/{code}/")
    assert response.status_code == 404
    assert "No organisation has the code" in visible_text(response)


def test_the_trust_list_shows_every_organisation_with_its_status_per_system(client):
    response = client.get("/trusts/")
    assert response.status_code == 200
    assert shown_count(response) == 47
    text = visible_text(response)
    assert "Cerner Millennium" in text and "RiO" in text


def test_each_trust_list_row_is_headed_by_its_name_and_gives_statuses_in_words(client):
    response = client.get("/trusts/", {"q": "RAN"})
    html = response.content.decode()
    assert re.search(r'<th scope="row" [^>]*><a href="/trusts/RAN/">Royal National Orthopaedic', html)
    assert '<span class="status status-withdrawn">withdrawn</span> <span class="tag outcome-lost">lost</span>' in html


def test_the_trust_list_filters_acute_trusts_that_lost_cerner(client):
    response = client.get("/trusts/", {"kind": "specialist_acute", "system": "cerner-millennium", "outcome": "lost"})
    assert shown_count(response) == 1
    assert "Royal National Orthopaedic Hospital" in visible_text(response)


def test_the_trust_list_filters_by_status_in_the_latest_revision(client, ccn3):
    response = client.get("/trusts/", {"system": "cerner-millennium", "status": "entitled"})
    entitled = Entitlement.objects.filter(revision=ccn3, system__slug="cerner-millennium", status="entitled")
    assert entitled.filter(organisation__code="RGC").exists()
    assert shown_count(response) == entitled.count()


def test_the_trust_list_searches_names_and_ods_codes(client):
    assert "St George" in visible_text(client.get("/trusts/", {"q": "george"}))
    assert shown_count(client.get("/trusts/", {"q": "rj7"})) == 1


def test_the_trust_list_sorts_by_ods_code(client):
    response = client.get("/trusts/", {"sort": "-identifier"})
    html = response.content.decode()
    assert html.index("/trusts/RYQ/") < html.index("/trusts/RAN/")


def test_a_bad_filter_value_is_shown_beside_the_filter_and_matches_nothing(client):
    from organisations.models import OrganisationKind

    response = client.get("/trusts/", {"kind": "hospital"})
    assert response.status_code == 400
    text = visible_text(response)
    kinds = ", ".join(OrganisationKind.objects.order_by("name").values_list("slug", flat=True))
    message = f"There is no kind called ‘hospital’ here. Choose one of: {kinds}."
    assert f"There is a problem Kind: {message}" in text
    assert f"Kind Error: {message}" in text
    assert "No results: a filter is not valid. “There is a problem”, at the top of the page, says which and why." in (
        text
    )
    assert "/trusts/RAN/" not in response.content.decode()


@pytest.mark.parametrize("page", ["abc", "0", "-1", "19", "1.5"])
def test_a_page_that_does_not_exist_is_a_404_that_says_so(client, page):
    response = client.get("/trusts/", {"page": page})
    assert response.status_code == 404
    assert "page" in visible_text(response)


@pytest.mark.parametrize("page", ["999", "9" * 40])
def test_a_page_number_past_the_numbered_pages_points_to_the_next_links(client, page):
    response = client.get("/trusts/", {"page": page})
    assert response.status_code == 400
    assert "Next links" in visible_text(response)


def test_the_trust_csv_holds_the_filtered_rows_with_a_status_column_per_system(client):
    response = client.get("/trusts/", {"system": "cerner-millennium", "status": "entitled", "_export": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="london-lsp-trusts-cerner-millennium-entitled.csv"'
    rows = csv_rows(response)
    assert {row["identifier"] for row in rows} == {"RNJ", "RAL", "RYQ", "RAX", "RJ7", "RYJ", "RJ6", "RGC"}
    assert all(row["cerner-millennium"] == "entitled" for row in rows)


def test_the_trust_csv_columns_are_codes_then_one_per_system(client):
    header = csv_header(client.get("/trusts/", {"_export": "csv"}))
    assert header == [
        "identifier",
        "name",
        "kind",
        "sector",
        "successors",
        "contracts",
        "ambulance",
        "cerner-millennium",
        "rio",
    ]


def test_the_trust_csv_names_each_merged_trusts_successor(client):
    rows = {row["identifier"]: row for row in csv_rows(client.get("/trusts/", {"_export": "csv"}))}
    assert rows["RVL"]["successors"] == "RAL"
    assert rows["RAN"]["successors"] == ""


def test_the_html_count_and_the_csv_agree(client):
    filters = {"kind": "acute", "system": "cerner-millennium", "outcome": "unknown"}
    html_count = shown_count(client.get("/trusts/", filters))
    assert html_count == len(csv_rows(client.get("/trusts/", {**filters, "_export": "csv"}))) > 0


def test_searching_george_lists_both_st_georges_trusts(client):
    response = client.get("/search/", {"q": "George"})
    found = [match.record.code for match in response.context["results"].organisations]
    assert sorted(found) == ["RJ7", "RQY"]
    assert "St George's Healthcare NHS Trust" in visible_text(response)
    listed = client.get("/trusts/", {"q": "George"})
    assert shown_count(listed) == 2


def test_searching_a_name_only_one_trust_has_puts_it_first(client):
    response = client.get("/search/", {"q": "st george's healthcare"})
    assert [match.record.code for match in response.context["results"].organisations] == ["RJ7"]
    assert "St George's Healthcare NHS Trust" in visible_text(response)


def test_searching_an_ods_code_lands_on_its_trust(client):
    assert client.get("/search/", {"q": "ran"})["Location"] == "/trusts/RAN/"


def test_a_search_with_many_matches_lists_them_and_links_the_organisations_list(client):
    response = client.get("/search/", {"q": "Hospital"})
    assert response.status_code == 200
    assert len(response.context["results"].organisations) > 10
    assert 'href="/trusts/?q=Hospital"' in response.content.decode()


def test_the_trust_csv_follows_the_tables_sort_order(client):
    rows = csv_rows(client.get("/trusts/", {"sort": "-identifier", "_export": "csv"}))
    codes = [row["identifier"] for row in rows]
    assert codes == sorted(codes, reverse=True)


def test_the_trust_csv_says_what_the_table_says_where_only_the_earlier_revision_has_a_row(client, ccn3):
    from contracts.models import Entitlement, Revision, System
    from organisations.models import Organisation

    # The table shows CCN3 and what changed since the revision before it.
    earlier = (
        Revision.objects.filter(contract=ccn3.contract, sequence__lt=ccn3.sequence).visible().order_by("-sequence")
    ).first()
    trust = Organisation.objects.create(code="ZZ9", name="Only In The Earlier Revision NHS Trust", kind_id="acute")
    Entitlement.objects.create(
        revision=earlier, organisation=trust, system=System.objects.get(slug="rio"), status="entitled"
    )
    (row,) = csv_rows(client.get("/trusts/", {"q": "ZZ9", "_export": "csv"}))
    assert (row["rio"], row["cerner-millennium"], row["ambulance"]) == ("unknown", "", "")
    text = visible_text(client.get("/trusts/", {"q": "ZZ9"}))
    # Ambulance and Cerner have no record; RiO is unknown in CCN3, and so is its outcome.
    assert (
        "ZZ9 Only In The Earlier Revision NHS Trust — no record — no record unknown unknown acute "
        "London Local Service Provider contract"
    ) in text
