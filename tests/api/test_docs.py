"""The docs page loads nothing from other sites and needs nothing the site's Content-Security-Policy forbids."""

import re

from django.contrib.staticfiles import finders


def test_the_docs_page_links_only_this_sites_own_files(api):
    response = api.get("/api/")
    assert response.status_code == 200
    html = response.content.decode()
    linked = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert linked
    for url in linked:
        assert url.startswith("/"), url
        assert not url.startswith("//"), url
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url
    # No inline script: its one script of its own is a file of this site too.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    script = next(url for url in linked if url.startswith("/api/?"))
    answer = api.get(script.replace("&amp;", "&"))
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in answer.content.decode()


def test_the_docs_page_keeps_the_sites_policy(api):
    policy = api.get("/api/")["Content-Security-Policy"]
    assert policy == api.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-eval" not in policy
