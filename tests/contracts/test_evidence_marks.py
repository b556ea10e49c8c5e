"""Every number and date a reader sees carries its evidence, in words; filtered answers say what they hide."""

import re

import pytest

from contracts.models import Citation, Revision
from contracts.services.compare import revision_compare
from tests.helpers import shown_count, visible_text

pytestmark = pytest.mark.django_db


def test_revision_dates_and_values_carry_their_marks_and_the_change_is_derived_from_both(client):
    text = visible_text(client.get("/contracts/london-lsp/"))
    for code, date, value in [("original", "Dec 2003", "£1,100,000,000"), ("ccn3", "by 8 Apr 2010", "£988,000,000")]:
        # A revision's citations support its date and its value alike: the same marks after each.
        found = re.search(rf"Signed {date} ((?:\[\d+ \w+\] )+)Value {value} \1", text)
        assert found, code
        grades = sorted(re.findall(r"\[\d+ (\w+)\]", found.group(1)))
        citations = Citation.objects.filter(revision__contract__slug="london-lsp", revision__code=code)
        assert grades == sorted(citations.values_list("grade", flat=True)), code
    assert (
        "Change −£112,000,000 (−10.2%) [derived: Contract Change Note 3 (CCN3)’s £988,000,000 less Original "
        "contract’s £1,100,000,000 ] Against Original contract: the revisions between record no total value."
    ) in text
    derived = re.search(r"Value £988,000,000 (?:\[\d+ \w+\] )*?\[(\d+) derived\]", text).group(1)
    assert f"[{derived} derived] Supports: london-lsp: Contract Change Note 3 (CCN3)" in text


def test_every_mark_links_to_its_place_in_the_list_of_sources(client):
    for url in ["/", "/contracts/london-lsp/", "/systems/rio/", "/trusts/RAN/", "/trusts/RYJ/"]:
        html = client.get(url).content.decode()
        marks = set(re.findall(r'<a href="#cite-(\d+)">\[\1 (?:stated|inferred|derived|unsourced)\]</a>', html))
        listed = set(re.findall(r'<li id="cite-(\d+)">', html))
        assert marks and marks == listed, url


def test_reported_figures_carry_their_sources_and_a_link_to_the_records_they_are_compared_with(client):
    page = client.get("/contracts/london-lsp/")
    text = visible_text(page)
    marks = re.search(
        r"Approximately half of the 32 acute trusts will no longer get Cerner Millennium \[(\d+) derived\] "
        r"\[\d+ derived\]",
        text,
    )
    assert marks
    supports = f"[{marks.group(1)} derived] Supports: Approximately half of the 32 acute trusts will no longer get"
    assert supports in text
    assert "derived : 16 is half of the 32 acute trusts the same quote gives" in text
    row = r'<tr id="figure-cerner-lost-by-half">.*?<a href="([^"]+)">See the organisations counted'
    link = re.search(row, page.content.decode(), re.S).group(1).replace("&amp;", "&")
    assert link == (
        "/contracts/london-lsp/compare/?base=reset-2007&target=ccn3&system=cerner-millennium&kind=acute"
        "&kind=specialist_acute&outcome=lost&outcome=unknown"
    )
    counts = cerner_counts("reset-2007")  # the revision in force before CCN3, and CCN3
    assert counts["lost"] == 1  # RNOH; the iSoft7 trusts had declined Cerner before the 2007 re-set
    assert shown_count(client.get(link)) == counts["lost"] + counts["unknown"]  # the range the figure's check spans


def test_programme_line_quantities_and_delivered_counts_carry_marks(client):
    text = visible_text(client.get("/systems/gp-systems/"))
    assert re.search(r"1,500 practices \[\d+ stated\]", text)
    assert re.search(r"about 100 practices \[\d+ stated\]", text) or re.search(r"100 practices \[\d+ stated\]", text)


def test_deployment_dates_and_local_system_expiries_carry_marks(client):
    marks = r"\[\d+ stated\] \[\d+ inferred\]"
    assert re.search(rf"live {marks} — Sep 2011 {marks}", visible_text(client.get("/trusts/RYJ/")))
    # RNOH's PAS: its status carries its mark; no source gives the contract's expiry, so it reads unknown.
    assert re.search(r"in use \[\d+ stated\] unknown", visible_text(client.get("/trusts/RAN/")))
    deployments = visible_text(client.get("/systems/cerner-millennium/"))
    assert re.search(
        r"Royal Free Hampstead NHS Trust \(RAL\) whole organisation live (?:\[\d+ stated\] )+16 Jun 2008 "
        r"(?:\[\d+ stated\] )+BT",
        deployments,
    )


def test_an_inference_is_shown_as_one_with_its_reasoning(client):
    text = visible_text(client.get("/trusts/RYJ/"))
    assert re.search(r"\[\d+ inferred\] Supports: Cerner Millennium at RYJ", text)
    citation = Citation.objects.get(
        deployment__organisation__code="RYJ", deployment__phase="PAS and maternity", grade="inferred"
    )
    assert f"inferred : {citation.reasoning}" in text


def test_a_fact_that_loses_its_support_is_marked_uncited_on_its_page(client, ccn3):
    ccn3.total_value = 990_000_000
    ccn3.save()
    text = visible_text(client.get("/contracts/london-lsp/"))
    assert "Value £990,000,000 [uncited]" in text
    assert "Sources of earlier values" in text
    assert "when it read: total value £988,000,000 (now £990,000,000)" in text


def test_the_filtered_compare_page_names_what_it_hides_and_sets_the_sources_figure_beside_it(client):
    page = client.get("/contracts/london-lsp/compare/", {"system": "cerner-millennium", "outcome": "lost"})
    text = visible_text(page)
    counts = cerner_counts("reset-2007")  # the default: the revision before the latest, and the latest
    assert counts["lost"] == 1  # RNOH; the iSoft7 trusts had declined Cerner before the 2007 re-set
    assert (
        f"Showing 1 lost ; not shown: {counts['kept']} kept , {counts['never']} never , {counts['unknown']} unknown ."
    ) in text
    assert re.search(r"The sources: “[^”]+” \([^)]+\) (?:\[\d+ \w+\] )+\. The records: ", text)
    html = page.content.decode()
    hidden = re.search(rf'<a href="([^"]+)">{counts["unknown"]} unknown</a>', html).group(1).replace("&amp;", "&")
    assert shown_count(client.get(hidden)) == counts["unknown"]
    kept = re.search(rf'<a href="([^"]+)">{counts["kept"]} kept</a>', html).group(1).replace("&amp;", "&")
    assert shown_count(client.get(kept)) == counts["kept"]


def test_the_unfiltered_compare_page_has_no_hidden_rows_to_name(client):
    text = visible_text(client.get("/contracts/london-lsp/compare/"))
    assert "not shown:" not in text and "Your filters narrow the rows" not in text
    assert "The sources: “Approximately half of the 32 acute trusts" in text


def test_the_home_pages_per_system_counts_lead_to_the_whole_answer(client):
    html = client.get("/").content.decode()
    url = "/systems/cerner-millennium/?contract=london-lsp&amp;base=original&amp;target=ccn3"
    counts = cerner_counts("original")
    assert f'<a href="{url}#outcome-lost">{counts["lost"]}</a>' in html
    assert f'<a href="{url}#outcome-unknown">{counts["unknown"]}</a>' in html
    system = client.get(url.replace("&amp;", "&")).content.decode()
    assert 'id="outcome-lost"' in system and 'id="outcome-unknown"' in system and 'id="outcome-kept"' in system


def test_a_draft_revisions_citations_are_not_marks_on_public_pages(client, ccn3):
    Revision.objects.filter(pk=ccn3.pk).update(is_published=False)
    html = client.get("/contracts/london-lsp/").content.decode()
    assert 'id="revision-ccn3"' not in html and "£988,000,000" not in html


def test_the_filtered_organisation_list_names_what_it_hides(client):
    page = client.get("/trusts/", {"system": "cerner-millennium", "outcome": "lost"})
    text = visible_text(page)
    assert shown_count(page) == 1
    assert "The whole picture for Cerner Millennium" in text
    counts = cerner_counts("reset-2007")
    assert (
        f"Showing 1 lost ; not shown: {counts['kept']} kept , {counts['never']} never , {counts['unknown']} unknown ."
    ) in text
    assert "The whole picture" not in visible_text(client.get("/trusts/", {"q": "RAN"}))


def test_an_organisations_opening_and_closing_dates_carry_marks(client):
    text = visible_text(client.get("/trusts/RYJ/"))
    assert re.search(r"Opened 1 Oct 2007 \[1 stated\] \[2 stated\]", text), text[:600]


def cerner_counts(base_code: str) -> dict[str, int]:
    """Cerner Millennium's outcomes in the London contract from one revision to CCN3, as the records give them."""
    base = Revision.objects.get(contract__slug="london-lsp", code=base_code)
    target = Revision.objects.get(contract__slug="london-lsp", code="ccn3")
    counts = revision_compare(base=base, target=target).outcome_counts()["cerner-millennium"]
    return {outcome: counts.get(outcome, 0) for outcome in ("kept", "lost", "gained", "never", "unknown")}
