"""Mergers, used: a successor's page shows what each body that merged into it was promised, lost and has live; a
closed organisation's page says where it went; compare filters by organisation and rolls up to today's."""

import re

import pytest

from tests.helpers import csv_rows, shown_count, visible_text

pytestmark = pytest.mark.django_db


def test_barts_healths_page_shows_its_predecessors_cerner_history(client):
    text = visible_text(client.get("/trusts/R1H/"))
    assert "No contract in the records names this organisation" not in text
    assert "With what was promised to the bodies that merged into it, each row saying which." in text
    # Original, the 2006 change and the 2007 re-set, then CCN3, and the outcome from the original to CCN3.
    assert re.search(r"Cerner Millennium via RNJ \(Barts and The London, merged 1 Apr 2012\) entitled \[\d+ stated\] "
                     r"(?:entitled (?:\[\d+ inferred\] )+){3}kept ● live", text)  # fmt: skip
    assert re.search(r"Cerner Millennium via RNH \(Newham, merged 1 Apr 2012\) entitled \[\d+ stated\] "
                     r"(?:entitled \[\d+ inferred\] ){2}unknown \[\d+ stated\] unknown ● live", text)  # fmt: skip
    assert re.search(r"Cerner Millennium via RGC \(Whipps Cross, merged 1 Apr 2012\) entitled \[\d+ stated\] "
                     r"(?:entitled (?:\[\d+ (?:stated|inferred)\] )+){3}kept", text)  # fmt: skip
    # What was delivered at the bodies now part of it, and at Whipps Cross as part of it.
    assert "Cerner Millennium via RNJ (Barts and The London) whole organisation Release 0 live" in text
    assert "Cerner Millennium Whipps Cross University Hospital First phase (FirstNet in A&E) live" in text


def test_a_merged_organisations_page_says_at_the_top_where_it_went(client):
    text = visible_text(client.get("/trusts/RNJ/"))
    top = text.split("Code RNJ")[0]
    assert "This organisation no longer exists. It passed into Barts Health NHS Trust (R1H) , 1 Apr 2012." in top
    split = visible_text(client.get("/trusts/RYQ/")).split("Code RYQ")[0]
    assert "King's College Hospital NHS Foundation Trust (RJZ) (Princess Royal University Hospital)" in split
    assert "(RJ2) (Queen Elizabeth Hospital)" in split and "(RPG) (Queen Mary's Hospital, Sidcup)" in split


def test_a_successors_page_chooses_its_revisions_in_the_address(client):
    page = client.get("/trusts/R1H/", {"base": "ccn3", "target": "ccn3"})
    assert page.status_code == 200
    assert "Outcome," not in visible_text(page)  # one revision: no outcome
    assert client.get("/trusts/R1H/", {"contract": "nope"}).status_code == 400
    assert client.get("/trusts/R1H/", {"base": "ccn9"}).status_code == 400
    assert client.get("/trusts/R1H/", {"sytem": "rio"}).status_code == 400


def test_compare_filters_by_organisation(client):
    url = "/contracts/london-lsp/compare/"
    page = client.get(url, {"ods": ["RNJ", "RNH"], "system": "cerner-millennium"})
    assert shown_count(page) == 2
    rows = csv_rows(client.get(url, {"ods": "RNJ RNH", "system": "cerner-millennium", "_export": "csv"}))
    assert {row["identifier"] for row in rows} == {"RNJ", "RNH"}
    refused = client.get(url, {"ods": ["RNJ", "ZZZ"]})
    assert "No organisation has the code “ZZZ”." in visible_text(refused)
    assert client.get(url, {"ods": "ZZZ", "_export": "csv"}).status_code == 400


def test_compare_rolls_up_to_todays_organisations_and_a_split_counts_toward_each(client):
    url = "/contracts/london-lsp/compare/"
    page = client.get(url, {"ods": "R1H", "roll_up": "yes"})
    text = visible_text(page)
    assert shown_count(page) == 3  # Barts Health's three predecessors
    # From the 2007 re-set to CCN3: Barts and The London and Whipps Cross kept Cerner; no source says for Newham.
    assert "Barts Health NHS Trust (R1H) Cerner Millennium: 2 kept, 1 unknown" in text
    everyone = visible_text(client.get(url, {"roll_up": "yes", "system": "cerner-millennium"}))
    for others in ["RPG, RJ2", "RJZ, RJ2", "RJZ, RPG"]:  # under King's, Oxleas and University Hospital Lewisham
        assert f"Cerner Millennium kept Split: also counted under {others}." in everyone
    assert "RYQ South London Healthcare (via RJZ, 1 Oct 2013, the part: Princess Royal University Hospital)" in everyone
    assert "Rolled up" not in visible_text(client.get(url))


def test_the_organisation_csv_lists_every_successor_of_a_split(client):
    rows = {row["identifier"]: row for row in csv_rows(client.get("/trusts/", {"_export": "csv"}))}
    assert sorted(rows["RYQ"]["successors"].split("; ")) == ["RJ2", "RJZ", "RPG"]
    page = client.get("/trusts/", {"q": "South London Healthcare"}).content.decode()
    row = next(row for row in re.findall(r"<tr.*?</tr>", page, re.S) if "/trusts/RYQ/" in row)
    linked = re.findall(r'<a href="/trusts/(R[A-Z0-9]+)/">\1</a>', row)
    assert sorted(set(linked) - {"RYQ"}) == ["RJ2", "RJZ", "RPG"]


def test_a_merger_recorded_both_ways_round_is_no_endless_walk(client):
    """An editor's mistake (RNJ into R1H, and R1H into RNJ) must not hang or break a page."""
    from organisations.models import Organisation, Succession

    Succession.objects.create(
        predecessor=Organisation.objects.get(code="R1H"), successor=Organisation.objects.get(code="RNJ")
    )
    assert client.get("/trusts/R1H/").status_code == 200
    assert client.get("/trusts/RNJ/").status_code == 200
    page = client.get("/contracts/london-lsp/compare/", {"roll_up": "yes", "system": "cerner-millennium"})
    assert page.status_code == 200 and "Rolled up to today’s organisations" in visible_text(page)
