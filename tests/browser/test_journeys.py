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


def test_an_analyst_follows_cerner_to_the_acute_trusts_that_lost_it_and_downloads_them(page, tmp_path):
    page.goto("/")
    cerner = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Cerner Millennium"))
    cerner.get_by_role("link", name="29").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Original contract → Contract Change Note 3 (CCN3)")

    filters = page.locator("#filters")
    filters.get_by_label("acute", exact=True).check()
    filters.get_by_label("specialist acute").check()
    filters.get_by_label("lost").check()
    filters.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("status")).to_have_text("1 row")
    table = page.locator("table.data-table")
    expect(table.get_by_role("row")).to_have_count(2)
    expect(table).to_contain_text(RNOH)

    table.get_by_role("link", name="RAN").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(RNOH)
    withdrawn = page.locator("#system-cerner-millennium td").filter(has_text="withdrawn")
    withdrawn.get_by_role("link", name=re.compile(r"^source \d+$")).first.click()
    expect(page.locator(":target")).to_contain_text(RNOH_QUOTE)

    page.go_back()  # from the quote to the top of the trust page
    page.go_back()  # to the filtered comparison
    expect(page).to_have_url(re.compile(r"/compare/\?.*outcome=lost"))
    expect(page.get_by_role("status")).to_have_text("1 row")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these 1 rows as CSV").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    with saved.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert [(row["ods_code"], row["system"], row["outcome"]) for row in rows] == [("RAN", "cerner-millennium", "lost")]
    assert download.value.suggested_filename.startswith("london-lsp-compare")


def test_an_analyst_searches_george_and_lands_on_st_georges(page):
    page.goto("/")
    page.get_by_label("Find an organisation").fill("George")
    page.get_by_label("Find an organisation").press("Enter")
    expect(page.get_by_role("status")).to_have_text("2 organisations")
    page.get_by_role("link", name="St George's Healthcare NHS Trust").click()
    expect(page).to_have_url(re.compile(r"/trusts/RJ7/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("St George's Healthcare NHS Trust")


def open_rnoh_cerner_in_ccn3(page) -> None:
    page.goto("/admin/contracts/entitlement/?q=RAN")
    row = page.get_by_role("row").filter(has_text="Cerner Millennium").filter(has_text="CCN3")
    row.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name=re.compile("Change entitlement"))).to_be_visible()


def test_an_editor_changes_an_entitlement_sees_it_in_public_and_in_history_then_reverts_it(page, site):
    sign_in(page, site.editor, site.password)
    open_rnoh_cerner_in_ccn3(page)
    page.get_by_label("Delivery model").fill("Hosted by a neighbouring trust (browser test)")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto("/trusts/RAN/")
    expect(page.locator("#system-cerner-millennium")).to_contain_text("Hosted by a neighbouring trust (browser test)")

    open_rnoh_cerner_in_ccn3(page)
    page.get_by_role("link", name="History").click()
    history = page.locator("#change-history")
    expect(history).to_contain_text(site.editor)
    expect(history).to_contain_text("Hosted by a neighbouring trust (browser test)")
    history.get_by_role("row").nth(2).get_by_role("link").first.click()
    page.get_by_role("button", name="Revert").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    open_rnoh_cerner_in_ccn3(page)
    page.get_by_role("link", name="History").click()
    expect(page.locator("#change-history")).to_contain_text("Reverted to the version of")

    page.goto("/trusts/RAN/")
    expect(page.locator("#system-cerner-millennium")).not_to_contain_text("browser test")


def test_a_second_editors_stale_save_is_refused_in_the_browser(browser, site, page):
    sign_in(page, site.editor, site.password)
    second = browser.new_context(base_url=site.url)
    other = second.new_page()
    try:
        sign_in(other, site.second_editor, site.password)
        open_rnoh_cerner_in_ccn3(page)
        open_rnoh_cerner_in_ccn3(other)

        page.get_by_label("Deployment slot").fill("Wave 3 (first editor)")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

        other.get_by_label("Deployment slot").fill("Wave 4 (second editor)")
        other.get_by_role("button", name="Save", exact=True).click()
        expect(other.get_by_text("Someone else saved this record after you opened it")).to_be_visible()
        expect(other.get_by_label("Deployment slot")).to_have_value("Wave 4 (second editor)")

        other.goto("/trusts/RAN/")
        expect(other.locator("#system-cerner-millennium")).to_contain_text("Wave 3 (first editor)")
    finally:
        second.close()
