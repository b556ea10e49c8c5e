"""Every kind of page fits its window, on a phone, a tablet and a laptop: a wide table scrolls in its own region,
and what the page answers (RNOH's status, its Cerner outcome) is on screen or in a region that scrolls to it."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

WIDTHS = [390, 768, 1366]
PAGES = [
    "/",
    "/contracts/",
    "/contracts/london-lsp/",
    "/contracts/london-lsp/compare/",
    "/trusts/",
    "/trusts/RAN/",
    "/systems/",
    "/systems/cerner-millennium/",
    "/entitlements/",
    "/sources/",
    "/figures/",
    "/data-quality/",
    "/contracts/london-lsp/data-quality/",
    "/data-quality/facts/",
    "/data-quality/citations/",
    "/search/?q=cerner",
    "/about/",
    "/download/",
    "/api/",
]
ADMIN_PAGES = ["/admin/", "/admin/contracts/entitlement/"]
RNOH = "Royal National Orthopaedic Hospital NHS Trust"


@pytest.fixture(scope="module", params=WIDTHS, ids=lambda width: f"{width}px")
def screen(request, site, browser):
    """One tab for each width, shared by the module's tests at that width (a phone's is a phone's)."""
    width = request.param
    context = browser.new_context(
        base_url=site.url, viewport={"width": width, "height": 900}, is_mobile=width < 500, has_touch=width < 500
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab, width
    context.close()


def page_width(tab) -> int:
    """How wide the page is. (A phone's window widens to a page wider than the screen, so the page is measured
    against the screen's width, not the window's.)"""
    return tab.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("path", PAGES)
def test_no_page_is_wider_than_its_window(screen, path):
    tab, width = screen
    response = tab.goto(path)
    assert response is not None and response.ok, f"{path} answered {response.status if response else 'nothing'}"
    assert page_width(tab) <= width
    assert tab.evaluate("window.innerWidth") == width


def test_no_source_page_is_wider_than_its_window(screen):
    tab, width = screen
    tab.goto("/sources/")
    tab.locator("table.data-table tbody").get_by_role("link").first.click()
    expect(tab).to_have_url(re.compile(r"/sources/\d+/$"))
    assert page_width(tab) <= width


def reachable(tab, locator) -> bool:
    """Whether the element is in the window, or in a region the reader can scroll sideways to bring it there."""
    locator.scroll_into_view_if_needed()
    return locator.evaluate(
        """element => {
            const box = element.getBoundingClientRect();
            if (box.left >= 0 && box.right <= window.innerWidth) return true;
            const region = element.closest('.table-scroll');
            if (!region || region.scrollWidth <= region.clientWidth) return false;
            const frame = region.getBoundingClientRect();
            return box.left >= frame.left && box.right <= frame.right;
        }"""
    )


def test_the_organisations_list_shows_a_status_for_rnoh_in_view(screen):
    tab, width = screen
    tab.goto("/trusts/?q=RAN")
    row = tab.locator("table.data-table tbody tr").filter(has_text=RNOH)
    expect(row).to_have_count(1)
    status = row.locator(".status").first
    expect(status).to_be_visible()
    assert reachable(tab, status), f"RNOH's first status is out of reach at {width}px"
    assert page_width(tab) <= width


def test_the_compare_page_shows_rnoh_s_cerner_withdrawn_and_lost_unclipped(screen):
    tab, width = screen
    tab.goto("/contracts/london-lsp/compare/?system=cerner-millennium&outcome=lost")
    row = tab.locator("table.data-table tbody tr").filter(has_text=RNOH)
    expect(row).to_have_count(1)
    for word in ["withdrawn", "lost"]:
        cell = row.locator("td").filter(has_text=word).last
        expect(cell).to_be_visible()
        assert reachable(tab, cell), f"RNOH's “{word}” is clipped at {width}px"
    assert page_width(tab) <= width


@pytest.fixture(scope="module")
def laptop(site, browser):
    """An editor, signed in, on a 1366px screen."""
    context = browser.new_context(base_url=site.url, viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    sign_in(tab, site.editor, site.password)
    yield tab
    context.close()


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_no_editors_page_is_wider_than_a_laptop(laptop, path):
    laptop.goto(path)
    assert page_width(laptop) <= 1366


def test_the_organisation_page_in_the_admin_fits_a_laptop_with_its_inline_rows(laptop):
    laptop.goto("/admin/trusts/organisation/?q=RAN")
    laptop.get_by_role("link", name="RAN").click()
    rnoh_cerner = "RAN · cerner-millennium · ccn3: withdrawn"
    for control in [
        laptop.get_by_role("combobox", name=f"Revision – {rnoh_cerner}"),
        laptop.get_by_role("combobox", name=f"Status – {rnoh_cerner}"),
        laptop.get_by_role("textbox", name=f"Reason for this correction – {rnoh_cerner}"),
        laptop.get_by_role("checkbox", name=f"Delete – {rnoh_cerner}"),
    ]:
        control.scroll_into_view_if_needed()
        expect(control).to_be_in_viewport()
    assert page_width(laptop) <= 1366


def test_the_entitlement_list_in_the_admin_shows_revision_and_status_in_view(laptop):
    laptop.goto("/admin/contracts/entitlement/?q=RAN")
    for heading in ["Revision", "Status"]:
        expect(laptop.locator("#result_list thead th").filter(has_text=heading)).to_be_in_viewport()
    assert page_width(laptop) <= 1366


def test_the_admin_front_page_leads_to_the_editors_tasks(laptop):
    laptop.goto("/admin/")
    tasks = laptop.get_by_role("region", name="Common tasks")
    expect(tasks.get_by_role("link", name="Entitlements whose status is unknown")).to_have_attribute(
        "href", "/admin/contracts/entitlement/?status__exact=unknown"
    )
    expect(tasks.get_by_role("link", name="Import entitlements")).to_have_attribute(
        "href", "/admin/contracts/entitlement/import/"
    )
    expect(tasks.get_by_role("link", name="Record a new change note")).to_have_attribute(
        "href", "/admin/contracts/revision/"
    )
    expect(tasks.get_by_role("link", name="Data quality")).to_have_attribute("href", "/data-quality/")


def test_a_version_saved_by_the_seed_loader_names_it(laptop):
    laptop.goto("/admin/contracts/entitlement/?q=RAN")
    laptop.locator("#result_list tbody tr").first.get_by_role("link").first.click()
    laptop.get_by_role("link", name="History").click()
    seeded = laptop.locator("#change-history tbody tr").filter(has_text="Loaded from the seed data")
    expect(seeded.first).to_contain_text("the seed loader")
    expect(laptop.locator("#change-history tbody")).not_to_contain_text("None")
