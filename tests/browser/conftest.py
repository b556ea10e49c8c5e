"""A real browser against the real server: Debian's Chromium, driven by Playwright, on the production entrypoint.

The site runs as `deploy/entrypoint.sh` runs it (migrations, the seed, gunicorn, WhiteNoise), on a database of
its own, so what the browser changes cannot touch the other tests' data.
"""

import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from tests.serving import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SiteDidNotStart,
    free_port,
    scratch_database,
    served,
    site_environment,
)

# The seed publishes its revisions, so the editors whose journeys change them also correct published data (each
# change with a reason), as an editor in the Corrector group does; a third edits drafts only, and meets the
# published records read-only.
CREATE_EDITORS = """
from django.contrib.auth.models import Group, User
for name, groups in [("{editor}", ["Editor", "Corrector"]), ("{second}", ["Editor", "Corrector"]),
                     ("{draft_editor}", ["Editor"])]:
    user = User.objects.create_user(username=name, password="{password}", is_staff=True)
    user.groups.add(*(Group.objects.get(name=group) for group in groups))
"""


@dataclass(frozen=True)
class Site:
    url: str
    editor: str
    second_editor: str
    draft_editor: str
    password: str


@pytest.fixture(scope="session")
def site_database(django_db_blocker, tmp_path_factory):
    """A new, empty database beside the test database: PostgreSQL when the tests use it, else a SQLite file."""
    with scratch_database(tmp_path_factory.mktemp("browser"), "browser", django_db_blocker.unblock) as url:
        yield url


@pytest.fixture(scope="session")
def site(site_database, tmp_path_factory):
    """The site, served by gunicorn through the entrypoint, with the seed and three editors' accounts."""
    environment = site_environment(site_database, tmp_path_factory.mktemp("static"), free_port())
    try:
        with served(environment) as url:
            found = Site(url=url, editor="editor-one", second_editor="editor-two", draft_editor="drafts-only",
                         password=secrets.token_urlsafe(16))  # fmt: skip
            script = CREATE_EDITORS.format(editor=found.editor, second=found.second_editor,
                                           draft_editor=found.draft_editor, password=found.password)  # fmt: skip
            subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=settings.BASE_DIR,
                           env=environment, check=True, capture_output=True)  # fmt: skip
            yield found
    except SiteDidNotStart as error:
        pytest.fail(f"The site did not start: {error}")


@pytest.fixture(scope="module")
def browser(site):
    """Chromium for one module's tests. While Playwright runs, its event loop makes Django refuse in-process
    database calls as unsafe; these tests make none (the site is another process), so that check is off."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"No Chromium at {CHROMIUM}: install Debian's chromium (tests/browser/install-chromium.sh).")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield launched
            launched.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(site, browser):
    """A fresh browser tab, as a first-time visitor, that accepts downloads."""
    context = browser.new_context(base_url=site.url, accept_downloads=True)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def sign_in(page, username: str, password: str) -> None:
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
