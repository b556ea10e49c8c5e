"""Filtering as an analyst meets it in a real browser: counts that match the rows a click gives, chips that each
remove one filter, the error summary linked to its fields, and search that forgives how a name is typed."""

import re

from playwright.sync_api import expect


def shown_count(page) -> int:
    words = page.get_by_role("status").first.inner_text()
    return 0 if words.startswith("No ") else int(words.split()[0].replace(",", ""))


def test_each_filter_count_is_the_number_of_rows_its_click_shows(page):
    page.goto("/entitlements/?system=rio")
    counts = page.locator("#filters a.facet-count")
    expect(counts.first).to_be_visible()
    wanted = []
    for index in range(counts.count()):
        link = counts.nth(index)
        wanted.append((link.get_attribute("href"), int(link.inner_text().replace(",", ""))))
    for href, count in wanted[:8]:
        page.goto(f"/entitlements/{href}")
        assert shown_count(page) == count, href


def test_a_chip_removes_just_its_filter(page):
    page.goto("/contracts/london-lsp/compare/?base=reset-2007&target=ccn3&system=cerner-millennium&outcome=lost")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Organisations that lost Cerner Millennium: 2007 contract re-set → Contract Change Note 3 (CCN3)"
    )
    chips = page.get_by_role("list", name="Filters applied")
    expect(chips.get_by_role("link")).to_have_count(3)  # two filters and "Clear all"
    chips.get_by_role("link", name="Remove the filter Outcome: lost").click()
    expect(page).to_have_url(re.compile(r"base=reset-2007&target=ccn3&system=cerner-millennium$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Organisations and Cerner Millennium: 2007 contract re-set → Contract Change Note 3 (CCN3)"
    )
    expect(page.locator("#filters").get_by_label("lost")).not_to_be_checked()


def test_a_bad_filter_gets_the_error_summary_linked_to_its_field(page):
    response = page.goto("/entitlements/?status=nope")
    assert response.status == 400
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    link = summary.get_by_role("link", name=re.compile(r"^Status: There is no status called ‘nope’ here\."))
    link.click()
    expect(page).to_have_url(re.compile(r"#id_status$"))
    expect(page.locator("#id_status")).to_be_attached()


def test_search_forgives_case_accents_and_punctuation(page):
    page.goto("/")
    box = page.get_by_label("Search", exact=True)
    box.fill("guys")
    box.press("Enter")
    found = page.get_by_role("region", name=re.compile("^Organisations"))
    expect(found.get_by_role("link").first).to_have_text("Guy's and St Thomas' NHS Foundation Trust")

    page.goto("/search/?q=kings")
    names = page.get_by_role("region", name=re.compile("^Organisations")).get_by_role("listitem")
    expect(names.first).to_contain_text("King's College Hospital")
    expect(names.nth(1)).to_contain_text("Kingston")

    page.goto("/search/?q=cerner")
    expect(page.get_by_role("region", name=re.compile("^Systems"))).to_contain_text("Cerner Millennium")
    expect(page.get_by_role("region", name=re.compile("^Organisations"))).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("^Download"))).to_have_count(0)
