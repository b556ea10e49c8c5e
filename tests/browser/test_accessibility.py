"""Every kind of page, checked by axe-core in a real browser, and worked by keyboard alone."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

PAGES = [
    "/",
    "/trusts/",
    "/trusts/?kind=acute&system=cerner-millennium&outcome=lost",
    "/trusts/?kind=not-a-kind",
    "/trusts/RAN/",
    "/trusts/R1H/",
    "/trusts/RYQ/",
    "/systems/",
    "/systems/cerner-millennium/",
    "/contracts/",
    "/contracts/london-lsp/",
    "/contracts/london-lsp/compare/",
    "/contracts/london-lsp/compare/?system=cerner-millennium&outcome=lost",
    "/contracts/london-lsp/compare/?system=cerner-millennium&roll_up=yes",
    "/entitlements/",
    "/sources/",
    "/data-quality/",
    "/contracts/london-lsp/data-quality/",
    "/data-quality/facts/",
    "/data-quality/facts/?evidence=inferred&evidence=derived",
    "/data-quality/citations/",
    "/figures/",
    "/trusts/NO-SUCH-CODE/",
    "/search/?q=George",
    "/admin/login/",
]
# The editors' pages: lists with filters and actions, forms with autocomplete boxes and inline rows.
ADMIN_PAGES = [
    "/admin/",
    "/admin/recent-changes/",
    "/admin/contracts/entitlement/?q=RAN",
    "/admin/contracts/entitlement/add/",
    "/admin/contracts/entitlement/import/",
    "/admin/trusts/organisation/",
    "/admin/password_change/",
]
# A record's pages, reached from the first row of its list.
RECORD_PAGES = [
    ("contracts/entitlement", "change"),
    ("contracts/entitlement", "history"),
    ("contracts/entitlement", "a past version"),
    ("contracts/entitlement", "delete"),
    ("contracts/revision", "change"),
    ("trusts/organisation", "change"),
    ("contracts/reportedfigure", "change"),
    ("contracts/source", "change"),
]
SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe():
    return Axe()


def serious_violations(axe, page) -> list[str]:
    results = axe.run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]


PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("path", PAGES)
def test_no_page_has_a_serious_accessibility_violation(page, axe, path):
    page.goto(path)
    assert serious_violations(axe, page) == []


@pytest.fixture
def phone(site, browser):
    """A fresh tab on a phone-sized screen."""
    context = browser.new_context(base_url=site.url, viewport=PHONE, is_mobile=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_no_page_has_a_serious_accessibility_violation_on_a_phone(phone, axe, path):
    """On a narrow screen wide tables scroll sideways, and a keyboard must be able to scroll them."""
    phone.goto(path)
    assert serious_violations(axe, phone) == []


def test_a_table_too_wide_for_a_phone_scrolls_by_keyboard(phone):
    phone.goto("/contracts/london-lsp/")
    region = phone.get_by_role("region", name=re.compile(r"^What the sources say"))
    assert region.evaluate("element => element.scrollWidth > element.clientWidth"), "The table fits: no test."
    region.focus()
    expect(region).to_be_focused()
    # A busy browser may drop a key pressed while it is still settling the page: a reader would press again.
    for _ in range(10):
        phone.keyboard.press("ArrowRight")
        if region.evaluate("element => element.scrollLeft") > 0:
            break
        phone.wait_for_timeout(200)
    expect(region).not_to_have_js_property("scrollLeft", 0)


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_no_editors_page_has_a_serious_accessibility_violation(page, site, axe, path):
    sign_in(page, site.editor, site.password)
    page.goto(path)
    assert serious_violations(axe, page) == []


@pytest.mark.parametrize(("model", "view"), RECORD_PAGES)
def test_no_record_page_in_the_admin_has_a_serious_accessibility_violation(page, site, axe, model, view):
    sign_in(page, site.editor, site.password)
    page.goto(f"/admin/{model}/")
    page.locator("#result_list tbody tr").first.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/change/$"))
    if view in ("history", "a past version"):
        page.get_by_role("link", name="History").click()
    if view == "a past version":
        page.locator("#change-history tbody").get_by_role("link").first.click()
        expect(page).to_have_url(re.compile(r"/history/\d+/$"))
    if view == "delete":
        page.get_by_role("link", name="Delete", exact=True).click()
        expect(page.get_by_role("button", name=re.compile(r"^Yes, I.m sure$"))).to_be_visible()
    assert serious_violations(axe, page) == []


def test_a_published_record_is_read_only_to_an_editor_of_drafts_and_has_no_serious_violation(page, site, axe):
    sign_in(page, site.draft_editor, site.password)
    page.goto("/admin/contracts/entitlement/?q=RAN")
    rnoh_cerner_in_ccn3 = page.get_by_role("row").filter(has_text="Cerner Millennium").filter(has_text="CCN3")
    rnoh_cerner_in_ccn3.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("View entitlement")
    expect(page.locator(".field-status .readonly")).to_have_text("withdrawn")
    expect(page.get_by_role("combobox", name="Status:")).to_have_count(0)
    expect(page.get_by_role("button", name="Save", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Delete", exact=True)).to_have_count(0)
    assert serious_violations(axe, page) == []


def test_every_control_in_an_inline_row_is_named_by_its_column_and_row(page, site):
    sign_in(page, site.editor, site.password)
    page.goto("/admin/trusts/organisation/?q=RAN")
    page.get_by_role("link", name="RAN").click()
    rnoh_cerner = "RAN · cerner-millennium · ccn3: withdrawn"
    expect(page.get_by_role("combobox", name=f"Status – {rnoh_cerner}")).to_have_value("withdrawn")
    expect(page.get_by_role("textbox", name=f"Withdrawal reason – {rnoh_cerner}")).to_have_value(
        re.compile(r"^Budget cuts")
    )
    expect(page.get_by_role("checkbox", name=f"Delete – {rnoh_cerner}")).not_to_be_checked()
    # What a row's changed status is saved with (its source and words, or why there is none) and, its revision
    # being published, why it is corrected.
    expect(page.get_by_role("combobox", name=f"Source of the new value – {rnoh_cerner}")).to_have_value("")
    expect(page.get_by_role("textbox", name=f"Its words – {rnoh_cerner}")).to_be_empty()
    expect(page.get_by_role("textbox", name=f"Or: no source, because… – {rnoh_cerner}")).to_be_empty()
    expect(page.get_by_role("textbox", name=f"Reason for this correction – {rnoh_cerner}")).to_be_empty()


def test_an_autocomplete_box_is_named_by_its_field_empty_or_chosen(page, site):
    sign_in(page, site.editor, site.password)
    page.goto("/admin/contracts/entitlement/add/")
    organisation = page.get_by_role("combobox", name="Organisation:", exact=True)
    expect(organisation).to_be_visible()
    organisation.click()
    page.locator(".select2-search__field").fill("RAN")
    page.get_by_role("option", name=re.compile("Royal National Orthopaedic")).click()
    expect(page.get_by_role("combobox", name=re.compile(r"^Organisation: Royal National Orthopaedic"))).to_be_visible()


def test_a_source_page_has_no_serious_accessibility_violation(page, axe):
    page.goto("/sources/")
    page.locator("table.data-table tbody").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/sources/\d+/$"))
    assert serious_violations(axe, page) == []


def test_the_public_pages_say_when_they_preview_drafts_with_no_serious_violation(page, site, axe):
    sign_in(page, site.editor, site.password)
    page.get_by_role("button", name="Preview the public pages with drafts").click()
    expect(page).to_have_url(f"{site.url}/")
    banner = page.get_by_role("note").filter(has_text="Preview:")
    expect(banner).to_contain_text("Preview: these pages include draft revisions, which the public does not see.")
    assert serious_violations(axe, page) == []
    banner.get_by_role("button", name="Stop previewing").click()
    expect(page).to_have_url(f"{site.url}/")
    expect(page.get_by_text("these pages include draft revisions")).to_have_count(0)


def test_the_first_tab_offers_a_skip_past_the_header_to_the_content(page):
    page.goto("/trusts/RAN/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null"), "Tab after the skip left the content."


def test_the_filters_work_by_keyboard_alone(page):
    page.goto("/trusts/")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('#filters') !== null"):
            break
    else:
        pytest.fail("Tabbing never reached the filters.")
    expect(page.locator(":focus")).to_be_visible()
    while page.evaluate("document.activeElement.value") != "specialist_acute":
        page.keyboard.press("Tab")
    page.keyboard.press("Space")
    while page.evaluate("document.activeElement.textContent.trim()") != "Apply filters":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"kind=specialist_acute"))
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^\d+ organisations?$"))
    expect(page.locator("table.data-table")).to_contain_text("Royal National Orthopaedic Hospital NHS Trust")


def test_the_outcome_matrix_reads_without_colour(page):
    page.goto("/contracts/london-lsp/compare/?system=cerner-millennium")
    page.emulate_media(forced_colors="active")
    cells = page.locator("table.matrix tbody td")
    expect(cells.first).to_be_visible()
    words = {"kept", "lost", "gained", "never", "unknown", "no record"}
    texts = cells.all_inner_texts()
    assert texts and all(any(word in text for word in words) for text in texts), texts


def test_the_checker_itself_finds_a_serious_violation(page, axe):
    """So that an empty list above means a clean page, not a checker that never ran."""
    page.goto("/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/x.png\">')")
    assert any(violation.startswith("image-alt") for violation in serious_violations(axe, page))
