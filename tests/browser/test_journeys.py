"""What analysts and editors do, in a real browser, asserting what they see."""

import csv
import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in

RNOH = "Royal National Orthopaedic Hospital NHS Trust"
RNOH_QUOTE = (
    "We have had a nominal slot but were told a few weeks ago that we will not be offered Cerner due to the "
    "budget cuts."
)
# The seed publishes its revisions: every change an editor makes to them is a correction, with its reason.
PUBLISHED = "This record is published: say why it is being corrected."
UNSOURCED_CHANGE = (
    "The status changed: choose the source that gives the new value and give its words, or say why there is no "
    "source (“Or: no source, because…”)."
)
EALING_ARTICLE = "E-Health Insider: Ealing signs PAS deal ahead of merger"
EALING_WORDS = "Ealing ran McKesson TotalCare and signed for Silverlink ahead of its 2014 merger."
EALING_REASONING = "It signed for another PAS, so it kept its own system rather than take Cerner."


def test_an_analyst_follows_cerner_to_the_acute_trusts_that_lost_it_and_downloads_them(page, tmp_path):
    page.goto("/")
    cerner = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Cerner Millennium"))
    cerner.get_by_role("listitem").filter(has_text=re.compile(r"^lost")).get_by_role("link").click()
    expect(page).to_have_url(
        re.compile(r"/systems/cerner-millennium/\?contract=london-lsp&base=original&target=ccn3#outcome-lost$")
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cerner Millennium")
    # Since the original: RNOH, withdrawn under CCN3, and the five trusts that kept their own systems in 2006.
    expect(page.locator(":target")).to_have_text("Lost (6)")
    expect(page.locator("#outcome-lost + ul").get_by_role("listitem")).to_contain_text(
        [f"{RNOH} (RAN): entitled → withdrawn"]
    )

    # What CCN3 itself took away: the contract's timeline compares it with the revision before it.
    page.goto("/contracts/london-lsp/")
    page.get_by_role("link", name="Who kept and lost what under Contract Change Note 3 (CCN3)").click()
    expect(page).to_have_url(re.compile(r"/contracts/london-lsp/compare/\?base=reset-2007&target=ccn3$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("2007 contract re-set → Contract Change Note 3 (CCN3)")
    filters = page.locator("#filters")
    filters.get_by_label("Cerner Millennium").check()
    filters.get_by_label("lost").check()
    filters.get_by_label("acute", exact=True).check()
    filters.get_by_label("specialist acute").check()
    filters.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"kind=acute&kind=specialist_acute"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Acute or specialist acute organisations that lost Cerner Millennium: "
        "2007 contract re-set → Contract Change Note 3 (CCN3)"
    )
    expect(page.get_by_role("status")).to_have_text("1 row")
    table = page.locator("table.data-table")
    expect(table.get_by_role("row")).to_have_count(2)
    expect(table).to_contain_text(RNOH)

    # The page says what the filters hide, with links to it, and sets the sources' figures beside the records.
    expect(page.get_by_role("heading", name="The whole picture for Cerner Millennium")).to_be_visible()
    picture = page.get_by_role("region", name="Cerner Millennium", exact=True)
    expect(picture.locator(".picture-words")).to_have_text("Showing 1 lost; not shown: 8 kept, 5 never, 15 unknown.")
    expect(picture.get_by_role("link", name="8 kept")).to_have_attribute(
        "href", re.compile(r"system=cerner-millennium&outcome=kept$")
    )
    expect(picture.get_by_role("link", name="15 unknown")).to_have_attribute(
        "href", re.compile(r"system=cerner-millennium&outcome=unknown$")
    )
    half = picture.locator(".figure-beside").filter(has_text="Approximately half of the 32 acute trusts")
    expect(half).to_contain_text("The records: 1 to 16 (15 unknown): records cannot tell")
    expect(half.get_by_role("link", name=re.compile(r"^\[\d+ derived\]$"))).to_have_count(2)

    table.get_by_role("link", name="RAN").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(RNOH)
    withdrawn = page.locator("#system-cerner-millennium td").filter(has_text="withdrawn")
    withdrawn.get_by_role("link", name=re.compile(r"^\[\d+ stated\]$")).first.click()
    expect(page.locator(":target")).to_contain_text(RNOH_QUOTE)

    page.go_back()  # from the quote to the top of the trust page
    page.go_back()  # to the filtered comparison
    expect(page).to_have_url(re.compile(r"/compare/\?.*outcome=lost"))
    expect(page.get_by_role("status")).to_have_text("1 row")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this row as CSV").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    with saved.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert [(row["identifier"], row["system"], row["outcome"]) for row in rows] == [
        ("RAN", "cerner-millennium", "lost")
    ]
    assert download.value.suggested_filename.startswith("london-lsp-compare")


def test_an_analyst_searches_george_and_lands_on_st_georges(page):
    page.goto("/")
    page.get_by_label("Search", exact=True).fill("George")
    page.get_by_label("Search", exact=True).press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search results for “George”")
    found = page.get_by_role("region", name=re.compile("^Organisations"))
    expect(found.get_by_role("listitem")).to_have_count(2)
    found.get_by_role("link", name="St George's Healthcare NHS Trust").click()
    expect(page).to_have_url(re.compile(r"/trusts/RJ7/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("St George's Healthcare NHS Trust")


def open_cerner_in_ccn3(page, ods_code: str) -> None:
    page.goto(f"/admin/contracts/entitlement/?q={ods_code}")
    row = page.get_by_role("row").filter(has_text="Cerner Millennium").filter(has_text="CCN3")
    row.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name=re.compile("Change entitlement"))).to_be_visible()


def test_an_editor_corrects_a_status_with_its_source_sees_it_cited_in_public_then_reverts_it(page, site):
    """Ealing's CCN3 Cerner status is unknown in the seed; the editor reads that it signed for another PAS."""
    sign_in(page, site.editor, site.password)
    open_cerner_in_ccn3(page, "RC3")
    page.get_by_label("Status").select_option(label="declined (kept its own system)")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(PUBLISHED)).to_be_visible()
    expect(page.get_by_text(UNSOURCED_CHANGE)).to_be_visible()

    page.get_by_label("Reason for this correction").fill("Ealing kept its own PAS (browser test)")
    page.get_by_label("Source of the new value").select_option(label=EALING_ARTICLE)
    page.get_by_label("Its words").fill(EALING_WORDS)
    page.get_by_label("How it supports the new value").select_option("inferred")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Say how the new value follows from what the source says.")).to_be_visible()
    page.get_by_label("How it follows").fill(EALING_REASONING)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("“RC3 · cerner-millennium · ccn3: declined” was changed")

    page.goto("/trusts/RC3/")
    cerner = page.locator("#system-cerner-millennium")
    # The original, the 2006 and 2007 changes, CCN3, and the outcome: each status with its mark, the grade in a word.
    expect(cerner.get_by_role("cell")).to_have_text(
        [
            re.compile(r"^\s*entitled\[\d+ stated\]\s*$"),
            re.compile(r"^\s*entitled\[\d+ inferred\]\s*$"),
            re.compile(r"^\s*entitled\[\d+ inferred\]\s*$"),
            re.compile(r"^\s*declined\[\d+ inferred\]\s*$"),
            "lost",
        ]
    )
    cerner.get_by_role("cell").nth(3).get_by_role("link", name=re.compile(r"^\[\d+ inferred\]$")).click()
    cited = page.locator(":target")
    expect(cited).to_contain_text("Supports: RC3: Cerner Millennium under Contract Change Note 3 (CCN3): declined")
    expect(cited).to_contain_text(f"inferred: {EALING_REASONING}")
    expect(cited).to_contain_text(EALING_WORDS)
    expect(cited.get_by_role("link", name="Ealing signs PAS deal ahead of merger")).to_be_visible()

    open_cerner_in_ccn3(page, "RC3")
    page.get_by_role("link", name="History").click()
    latest = page.locator("#change-history tbody tr").first
    expect(latest).to_contain_text(site.editor)
    expect(latest).to_contain_text("Ealing kept its own PAS (browser test)")
    expect(latest).to_contain_text("Status: unknown → declined")
    seed_version = page.locator("#change-history tbody tr").filter(has_text="Loaded from the seed data")
    seed_version.get_by_role("link").first.click()
    page.get_by_role("button", name="Revert").click()
    expect(page.get_by_text(PUBLISHED)).to_be_visible()
    page.get_by_label("Reason for this correction").fill("The article names no decision on Cerner")
    page.get_by_role("button", name="Revert").click()
    expect(page.locator(".messagelist")).to_contain_text("“RC3 · cerner-millennium · ccn3: unknown” was changed")
    open_cerner_in_ccn3(page, "RC3")
    page.get_by_role("link", name="History").click()
    expect(page.locator("#change-history tbody tr").first).to_contain_text(
        re.compile(r"Reverted to the version of .*: The article names no decision on Cerner")
    )

    # The seed's value and its citation are back; the correction's citation is kept, as supporting the old value.
    page.goto("/trusts/RC3/")
    expect(cerner.get_by_role("cell")).to_have_text(
        [
            re.compile(r"^\s*entitled\[\d+ stated\]\s*$"),
            re.compile(r"^\s*entitled\[\d+ inferred\]\s*$"),
            re.compile(r"^\s*entitled\[\d+ inferred\]\s*$"),
            re.compile(r"^\s*unknown\[\d+ stated\]\s*$"),
            "unknown",
        ]
    )
    earlier = page.get_by_role("listitem").filter(has_text=re.compile(r"^\s*Supported RC3: Cerner Millennium"))
    expect(earlier).to_contain_text("when it read: status declined (kept its own system) (now unknown")
    expect(earlier).to_contain_text(EALING_REASONING)


def test_a_second_editors_stale_save_is_refused_in_the_browser(browser, site, page):
    sign_in(page, site.editor, site.password)
    second = browser.new_context(base_url=site.url)
    other = second.new_page()
    try:
        sign_in(other, site.second_editor, site.password)
        open_cerner_in_ccn3(page, "RAN")
        open_cerner_in_ccn3(other, "RAN")

        page.get_by_label("Deployment slot").fill("Wave 3 (first editor)")
        page.get_by_label("Reason for this correction").fill("Slot given by the trust (first editor)")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

        other.get_by_label("Deployment slot").fill("Wave 4 (second editor)")
        other.get_by_label("Reason for this correction").fill("Slot given by the trust (second editor)")
        other.get_by_role("button", name="Save", exact=True).click()
        refused = other.locator(".errorlist").filter(
            has_text=f"by {site.editor}: deployment slot: — → Wave 3 (first editor)"
        )
        expect(refused).to_contain_text("Someone else saved this record after you opened it, so your save was refused")
        expect(other.get_by_label("Deployment slot")).to_have_value("Wave 4 (second editor)")

        other.goto("/trusts/RAN/")
        expect(other.locator("#system-cerner-millennium")).to_contain_text("Slot: Wave 3 (first editor)")
        expect(other.locator("#system-cerner-millennium")).not_to_contain_text("second editor")
    finally:
        second.close()
