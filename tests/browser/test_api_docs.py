"""The API's docs page in a real browser, under the site's Content-Security-Policy: Swagger UI loads from the
site's own files, reads the schema and lists the operations, with nothing refused and nothing fetched elsewhere."""

from urllib.parse import urlparse


def test_the_api_docs_work_under_the_sites_policy(page, site):
    refused: list[str] = []
    elsewhere: list[str] = []
    page.on("console", lambda message: refused.append(message.text) if message.type == "error" else None)
    page.on(
        "request",
        lambda request: (
            elsewhere.append(request.url)
            if urlparse(request.url).netloc not in ("", urlparse(site.url).netloc)
            and not request.url.startswith("data:")
            else None
        ),
    )
    page.goto("/api/")
    page.locator(".opblock-summary-path").first.wait_for()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/contracts/{slug}/compare/" in path for path in paths)
    assert not refused, refused
    assert not elsewhere, elsewhere
