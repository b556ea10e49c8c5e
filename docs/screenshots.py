"""Screenshots of the main pages, at desktop and phone width, into docs/screenshots/ (`make screenshots`).

Serves the seed as production does (on a throwaway SQLite database) and photographs it with Debian's Chromium.
"""

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import ViewportSize

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.serving import CHROMIUM, CHROMIUM_ARGS, free_port, served, site_environment  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
# A list's page is photographed scrolled to its results, which its heading and summary would otherwise push out of
# the picture.
RESULTS = ".results-bar"
SCROLLED_TO_RESULTS = {"trust-list", "compare-cerner-lost"}
PAGES = {
    "home": "/",
    "trust-list": "/trusts/?contract=london-lsp&kind=acute&kind=specialist_acute&system=cerner-millennium",
    "trust-rnoh": "/trusts/RAN/",
    "compare-cerner-lost": "/contracts/london-lsp/compare/?system=cerner-millennium&outcome=lost",
    "system-cerner": "/systems/cerner-millennium/",
    "contract": "/contracts/london-lsp/",
}
SIZES: dict[str, ViewportSize] = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def main() -> int:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        environment = site_environment(f"sqlite:///{scratch}/site.sqlite3", Path(scratch) / "static", free_port())
        with served(environment) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for size, viewport in SIZES.items():
                context = browser.new_context(base_url=url, viewport=viewport, is_mobile=size == "phone")
                page = context.new_page()
                for name, path in PAGES.items():
                    page.goto(path)
                    if name in SCROLLED_TO_RESULTS:
                        page.locator(RESULTS).first.evaluate("bar => bar.scrollIntoView()")
                    target = OUT / f"{name}-{size}.png"
                    page.screenshot(path=target)
                    print(f"{target.relative_to(ROOT)}  {path}")
                context.close()
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
