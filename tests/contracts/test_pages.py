import re

import pytest

from contracts.models import Entitlement
from contracts.services.compare import revision_compare
from nhsit.lib.tables import PER_PAGE
from tests.helpers import csv_header, csv_rows, shown_count, visible_text
from tests.scale import london_grown_tenfold

pytestmark = pytest.mark.django_db

COMPARE = "/contracts/london-lsp/compare/"


def cerner_outcomes(original, ccn3) -> dict[str, int]:
    counts = revision_compare(base=original, target=ccn3).outcome_counts()["cerner-millennium"]
    return {outcome: counts.get(outcome, 0) for outcome in ("kept", "lost", "gained", "never", "unknown")}


def test_the_home_page_shows_the_value_cut_and_who_lost_what(client, original, ccn3):
    text = visible_text(client.get("/"))
    assert "London Local Service Provider contract" in text
    assert "£1,100,000,000" in text and "£988,000,000" in text
    assert "−£112,000,000" in text and "−10.2%" in text
    assert "Cerner Millennium" in text
    counts = cerner_outcomes(original, ccn3)
    # RNOH, withdrawn by CCN3, and the five iSoft7 trusts, which declined Cerner in 2006, lost it since the original.
    assert counts["lost"] == 6
    assert f"✓ kept {counts['kept']}" not in text  # the symbol is drawn by the stylesheet, not written in the text
    assert " ".join(f"{outcome} {number}" for outcome, number in counts.items()) in text


def test_the_home_page_lists_programme_lines_removed_or_reduced(client):
    text = visible_text(client.get("/"))
    assert "Programme deliverables removed or reduced" in text
    assert "Map of Medicine" in text
    marks = r"(?:\[\d+ (?:stated|inferred|derived)\] )+"
    assert re.search(
        rf"New GP systems for London's practices GP systems \(INPS Vision\) included: 1,500 practices {marks}"
        rf"removed: 1,500 practices {marks}",
        text,
    )
    assert re.search(rf"RiO included {marks}reduced: 50,000 users {marks}reduced", text)


def test_the_home_page_sets_the_sources_numbers_beside_the_records(client):
    text = visible_text(client.get("/"))
    assert re.search(
        r"Eight London trusts now run Cerner (?:\[\d+ stated\] )+The article is of April 2010 and gives no day; the "
        r"count is checked at the end of that month\. 8 trusts 8 See the deployments counted agrees",
        text,
    )
    assert "32 acute trusts remaining following mergers" in text and "disagrees" in text
    assert "records cannot tell" in text


def test_the_home_page_draws_a_bar_per_system_that_reads_without_the_picture(client, original, ccn3):
    html = client.get("/").content.decode()
    label = ", ".join(f"{number} {outcome}" for outcome, number in cerner_outcomes(original, ccn3).items())
    assert f'role="img" aria-label="{label}"' in html


def test_the_contract_page_shows_the_revisions_as_a_timeline(client):
    text = visible_text(client.get("/contracts/london-lsp/"))
    assert re.search(
        r"Original contract \(original\) Signed Dec 2003 .* 2006: five trusts keep their systems \(CSC/iSoft deal\) "
        r"\(isoft7-2006\) Signed by 25 Aug 2006 .* 2007 contract re-set \(reset-2007\) Signed 2007 .* Contract Change "
        r"Note 3 \(CCN3\) \(ccn3\) Signed by 8 Apr 2010",
        text,
    )
    assert "Change −£112,000,000 −10.2%" in text
    assert "Map of Medicine" in text and "not renewed" in text


def test_the_contract_page_offers_a_compare_form_with_revision_codes(client):
    html = client.get("/contracts/london-lsp/").content.decode()
    assert 'action="/contracts/london-lsp/compare/"' in html
    assert '<option value="ccn3" selected>' in html


def test_an_unknown_contract_is_a_404(client):
    assert client.get("/contracts/no-such-contract/").status_code == 404
    assert client.get("/contracts/no-such-contract/compare/").status_code == 404


def test_compare_defaults_to_the_previous_and_the_latest_revision(client, ccn3):
    response = client.get(COMPARE)
    assert response.status_code == 200
    assert "2007 contract re-set → Contract Change Note 3 (CCN3)" in visible_text(response)
    rows = (
        Entitlement.objects.filter(revision__contract=ccn3.contract, revision__code__in=["reset-2007", "ccn3"])
        .values("organisation", "system")
        .distinct()
        .count()
    )
    assert rows >= 39 and shown_count(response) == rows  # CCN3 alone: 29 Cerner, 9 RiO, 1 ambulance


LOST_CERNER = {"RAN", "RP4", "RJZ", "RJ1", "RVR", "RJ2"}  # RNOH under CCN3; the five iSoft7 trusts from 2006


def test_compare_filtered_to_cerner_lost_shows_rnoh_and_the_isoft7_trusts(client):
    response = client.get(
        COMPARE, {"base": "original", "target": "ccn3", "system": "cerner-millennium", "outcome": "lost"}
    )
    assert shown_count(response) == len(LOST_CERNER)
    html = response.content.decode()
    assert all(f"/trusts/{code}/" in html for code in LOST_CERNER) and "/trusts/RAL/" not in html


def test_the_compare_csv_for_cerner_lost_holds_ran_and_not_ral(client):
    response = client.get(
        COMPARE,
        {"base": "original", "target": "ccn3", "system": "cerner-millennium", "outcome": "lost", "_export": "csv"},
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="london-lsp-compare-original-ccn3-cerner-millennium-lost.csv"'
    )
    rows = csv_rows(response)
    assert {row["identifier"] for row in rows} == LOST_CERNER
    assert next(row for row in rows if row["identifier"] == "RAN") == {
        "identifier": "RAN",
        "organisation": "Royal National Orthopaedic Hospital NHS Trust",
        "kind": "specialist_acute",
        "sector": "",
        "system": "cerner-millennium",
        "base_revision": "original",
        "base_status": "entitled",
        "target_revision": "ccn3",
        "target_status": "withdrawn",
        "outcome": "lost",
        "live": "no",
        "delivery_model": "",
    }


def test_the_compare_csv_has_the_documented_columns(client):
    assert csv_header(client.get(COMPARE, {"_export": "csv"})) == [
        "identifier", "organisation", "kind", "sector", "system", "base_revision", "base_status",
        "target_revision", "target_status", "outcome", "live", "delivery_model",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"system": "cerner-millennium"},
        {"system": "rio", "outcome": "kept"},
        {"kind": "acute", "outcome": "unknown"},
        {"live": "yes"},
        {"live": "no", "system": "cerner-millennium"},
        {"base": "ccn3", "target": "original"},
    ],
)
def test_the_compare_count_and_csv_agree(client, filters):
    assert shown_count(client.get(COMPARE, filters)) == len(
        csv_rows(client.get(COMPARE, {**filters, "_export": "csv"}))
    )


def test_the_compare_matrix_labels_each_cell_in_words(client):
    html = client.get(COMPARE, {"system": "cerner-millennium"}).content.decode()
    assert '<span class="tag outcome-lost">lost</span>' in html
    assert '<span class="tag outcome-unknown">unknown</span>' in html


@pytest.mark.parametrize("systems", [["cerner-millennium"], ["cerner-millennium", "rio"]])
def test_the_matrix_pages_through_every_organisation_in_name_order(client, london, systems):
    london_grown_tenfold(london)
    # The CSV is in the database's order: organisation name, ODS code, then system.
    in_csv = csv_rows(client.get(COMPARE, {"system": systems, "_export": "csv"}))
    expected = list(dict.fromkeys(row["identifier"] for row in in_csv))
    shown, pages, query = [], 0, {"system": systems}
    while True:
        response = client.get(COMPARE, query)
        html = response.content.decode()
        start = html.index('<table class="matrix">')
        matrix = html[start : html.index("</table>", start)]
        shown += re.findall(r'<span class="ods">([^<]+)</span>', matrix)
        pages += 1
        # The matrix's own Next link: the table below has one too, which keeps the matrix's place.
        pager = html.split('aria-label="Pages of the matrix"', 1)[-1].split("</nav>", 1)[0]
        after = re.search(r'rel="next" href="[^"]*[?&amp;]after=([^&"#]+)', pager)
        if after is None:
            break
        query = {"system": systems, "after": after.group(1)}
        assert pages < 50, "the Next links go round in a circle"
    assert pages > 1
    assert shown == expected
    if len(systems) == 1:
        assert f"{len(expected)} organisations in all" in visible_text(response)


def test_compare_live_filter_keeps_only_live_deployments(client):
    rows = csv_rows(client.get(COMPARE, {"live": "yes", "_export": "csv"}))
    assert rows and all(row["live"] == "yes" for row in rows)
    assert "RAN" not in {row["identifier"] for row in rows}


@pytest.mark.parametrize(
    "filters, message",
    [
        ({"base": "ccn9"}, "There is no revision called ‘ccn9’ here. Choose one of: original,"),
        ({"system": "nonsense"}, "There is no system called ‘nonsense’ here. Choose one of: ambulance,"),
        ({"outcome": "maybe"}, "There is no outcome called ‘maybe’ here. Choose one of: kept, lost, gained, never,"),
        ({"live": "perhaps"}, "There is no live deployment called ‘perhaps’ here. Choose one of: yes, no."),
        ({"base": "ccn3", "target": "ccn3"}, "Choose two different revisions to compare."),
    ],
)
def test_compare_shows_bad_filters_and_no_rows(client, filters, message):
    response = client.get(COMPARE, filters)
    assert response.status_code == 400
    text = visible_text(response)
    assert text.startswith("Error: ")
    assert "There is a problem" in text
    assert message in text
    assert "No results: " in text and "/trusts/RAN/" not in response.content.decode()
    if "two different" in message:
        assert f"No results: {message}" in text
    else:
        assert "No results: a filter is not valid. “There is a problem”, at the top of the page, says which" in text


def test_a_bad_filter_exports_nothing_and_says_why(client):
    response = client.get(COMPARE, {"outcome": "maybe", "_export": "csv"})
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    exported = "Nothing was exported, because a filter is not valid. outcome: There is no outcome called ‘maybe’"
    assert exported in response.text
    response = client.get("/entitlements/", {"revision": "ccn9", "_export": "csv"})
    assert response.status_code == 400 and "revision: There is no revision called ‘ccn9’ here." in response.text


def test_the_entitlement_list_filters_by_codes_as_the_url_says(client):
    response = client.get(
        "/entitlements/",
        {"contract": "london-lsp", "revision": "ccn3", "system": "cerner-millennium", "status": "withdrawn"},
    )
    assert shown_count(response) == 1
    assert "Royal National Orthopaedic Hospital NHS Trust" in visible_text(response)


def test_the_entitlement_csv_has_the_documented_columns_and_sources(client):
    response = client.get("/entitlements/", {"revision": "ccn3", "status": "withdrawn", "_export": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="entitlements-ccn3-withdrawn.csv"'
    rows = csv_rows(response)
    assert list(rows[0]) == [
        "contract", "revision", "identifier", "organisation", "kind", "sector", "system",
        "status", "delivery_model", "slot", "reason", "sources", "evidence",
    ]  # fmt: skip
    assert [(row["identifier"], row["system"]) for row in rows] == [("RRU", "ambulance"), ("RAN", "cerner-millennium")]
    rnoh = rows[1]
    assert rnoh["sources"] == "ehi-2010-04-london-it-programme-slashed"
    assert rnoh["evidence"] == "stated"
    assert rnoh["reason"].startswith("Budget cuts")


@pytest.mark.parametrize(
    "filters", [{}, {"system": "rio"}, {"status": "unknown", "kind": "acute"}, {"organisation": "RAN"}]
)
def test_the_entitlement_count_and_csv_agree(client, filters):
    html_count = shown_count(client.get("/entitlements/", filters))
    assert html_count == len(csv_rows(client.get("/entitlements/", {**filters, "_export": "csv"})))


def test_the_entitlement_list_shows_a_bad_revision_beside_its_filter(client):
    response = client.get("/entitlements/", {"revision": "ccn99"})
    assert response.status_code == 400
    assert "Revision Error: There is no revision called ‘ccn99’ here. Choose one of: ccn3," in visible_text(response)
    assert "No entitlement matches these filters." in visible_text(response)


def test_the_entitlement_list_paginates_and_counts_all_pages(client):
    total = Entitlement.objects.count()
    pages = -(-total // PER_PAGE)
    assert pages >= 2
    first = client.get("/entitlements/")
    assert shown_count(first) == total
    assert "Next →" in visible_text(first)
    assert f"page 1 of {pages}" in visible_text(client.get("/entitlements/", {"page": "1"}))
    assert client.get("/entitlements/", {"page": str(pages)}).status_code == 200
    assert client.get("/entitlements/", {"page": str(pages + 1)}).status_code == 404
    assert len(csv_rows(client.get("/entitlements/", {"page": "2", "_export": "csv"}))) == total


def test_the_system_page_lists_who_kept_lost_and_gained_it(client, original, ccn3):
    text = visible_text(client.get("/systems/cerner-millennium/"))
    counts = cerner_outcomes(original, ccn3)
    assert f"Lost ({counts['lost']})" in text
    assert "Royal National Orthopaedic Hospital NHS Trust (RAN) : entitled → withdrawn" in text
    assert "University Hospital Lewisham NHS Trust (RJ2) : entitled → declined" in text
    assert f"Kept ({counts['kept']})" in text and f"Unknown ({counts['unknown']})" in text


def test_the_system_page_shows_its_deliverable_lines_across_revisions(client):
    text = visible_text(client.get("/systems/gp-systems/"))
    assert "Programme lines over the revisions" in text
    assert "1,500 practices" in text


def test_the_system_list_names_every_system_with_its_counts(client):
    text = visible_text(client.get("/systems/"))
    for name in ["Cerner Millennium", "RiO", "Map of Medicine"]:
        assert name in text
    systems = {row.system.slug: row.system for row in client.get("/systems/").context["rows"]}
    assert (systems["cerner-millennium"].organisation_count, systems["rio"].organisation_count) == (29, 9)
    assert systems["gp-systems"].organisation_count == 0 and systems["gp-systems"].deliverable_count >= 1


def test_the_system_page_lists_the_first_deployments_and_says_how_many_there_are(client, monkeypatch):
    from contracts.models import Deployment

    cerner = Deployment.objects.filter(system__slug="cerner-millennium").order_by("organisation__name")
    total = cerner.count()
    assert total > 2
    whole = client.get("/systems/cerner-millennium/")
    assert len(whole.context["overview"].deployments) == total
    assert "deployments are recorded" not in visible_text(whole)
    monkeypatch.setattr("contracts.pages.systems.SYSTEM_PAGE_LIST", 2)
    response = client.get("/systems/cerner-millennium/")
    shown = response.context["overview"].deployments
    names = sorted(cerner.values_list("organisation__name", flat=True))
    assert [deployment.organisation.name for deployment in shown] == names[:2]
    assert f"{total} deployments are recorded; the table shows the first 2, by organisation name." in visible_text(
        response
    )


def test_an_unknown_system_is_a_404(client):
    assert client.get("/systems/no-such-system/").status_code == 404


def test_the_source_list_filters_by_kind_and_text(client):
    response = client.get("/sources/", {"q": "slashed"})
    assert shown_count(response) == 1
    assert "London IT programme slashed" in visible_text(response)
    refused = client.get("/sources/", {"kind": "poem"})
    assert refused.status_code == 400
    assert "There is no kind of source called ‘poem’ here. Choose one of: article," in visible_text(refused)


def test_a_source_page_lists_every_record_it_supports_with_the_quote(client):
    from contracts.models import Source

    source = Source.objects.get(key="ehi-2010-04-london-it-programme-slashed")
    response = client.get(f"/sources/{source.pk}/")
    text = visible_text(response)
    assert "London IT programme slashed" in text
    assert "RAN: Cerner Millennium under Contract Change Note 3 (CCN3): withdrawn" in text
    assert "we will not be offered Cerner due to the budget cuts" in text
    passages = response.context["passages"]
    assert sum(passage.count for passage in passages) == source.citations.count()


@pytest.mark.parametrize("key", ["0", "abc", "99999999", "9" * 30, "-1"])
def test_an_unknown_source_is_a_404(client, key):
    assert client.get(f"/sources/{key}/").status_code == 404


def test_only_csv_exports_are_offered(client):
    response = client.get("/entitlements/", {"_export": "xlsx"})
    assert response.status_code == 400
    assert "Exports are offered as CSV only" in visible_text(response)


def test_filter_checkboxes_are_written_as_djangos_own_widget_would(london):
    from django.http import QueryDict

    from contracts.filters import CompareFilter
    from contracts.templatetags.tracker import input_tag

    data = QueryDict("system=rio&kind=acute&kind=specialist_acute&outcome=lost&live=yes")
    form = CompareFilter(data, contract=london).form
    checked = 0
    for name in ["system", "kind", "outcome"]:
        for choice in form[name]:
            assert input_tag(choice) == str(choice.tag())
            checked += "checked" in input_tag(choice)
    assert checked == 4
