"""Editors who all opened a record at the same version and save it at the same instant, through every path that
saves: exactly one save is acknowledged, it is the one in the database and the history, and every other editor is
told with a 409 that theirs was not saved.

Run against the production path (the entrypoint's gunicorn, two workers of four threads) on a PostgreSQL database
of its own, so that the saves really do meet in the database.
"""

import csv
import io
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from tests.serving import SiteDidNotStart, free_port, scratch_database, served, site_environment
from tests.web_client import Reply, Session

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="saves meet in the database only on PostgreSQL; SQLite serialises them"
)

# The 409 page when two saves meet in the database; the record's page when the form can tell.
REFUSALS = ["Not saved: someone else saved this record first", "so your save was refused and nothing was written"]
EDITORS = 8  # as many as the site answers at once: 2 workers × 4 threads
PASSWORD = "a-long-password-for-concurrent-editors"
# Editors, and the seeded revisions as drafts, which editors may change (the seed publishes them).
PREPARE_SITE = """
from django.contrib.auth.models import Group, User
from contracts.models import Revision
editors = Group.objects.get(name="Editor")
for number in range({count}):
    User.objects.create_user(username=f"editor-{{number}}", password="{password}", is_staff=True).groups.add(editors)
for revision in Revision.objects.all():
    revision.is_published = False
    revision.save()
"""


@dataclass(frozen=True)
class Site:
    url: str
    database: str

    def query(self, sql: str, *parameters) -> list[tuple]:
        with psycopg2.connect(self.database) as database, database.cursor() as cursor:
            cursor.execute(sql, parameters)
            return cursor.fetchall()


@pytest.fixture(scope="module")
def site(django_db_blocker, tmp_path_factory):
    with scratch_database(tmp_path_factory.mktemp("saves"), "saves", django_db_blocker.unblock) as database:
        environment = site_environment(database, tmp_path_factory.mktemp("static"), free_port())
        try:
            with served(environment) as url:
                script = PREPARE_SITE.format(count=EDITORS, password=PASSWORD)
                subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=settings.BASE_DIR,
                               env=environment, check=True, capture_output=True)  # fmt: skip
                yield Site(url=url, database=database)
        except SiteDidNotStart as error:
            pytest.fail(f"The site did not start: {error}")


@pytest.fixture(scope="module")
def editors(site) -> list[Session]:
    sessions = []
    for number in range(EDITORS):
        session = Session(site.url)
        session.sign_in(f"editor-{number}", PASSWORD)
        sessions.append(session)
    return sessions


def at_once(editors: list[Session], send: Callable[[int, Session], Reply]) -> list[Reply]:
    """Each editor's request, all released at the same instant."""
    start = threading.Barrier(len(editors))
    replies: list[Reply | None] = [None] * len(editors)

    def run(number: int, session: Session):
        start.wait()
        replies[number] = send(number, session)

    threads = [threading.Thread(target=run, args=(number, session)) for number, session in enumerate(editors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return replies  # type: ignore[return-value]


def entitlement_id(site: Site, code: str, system: str, revision: str = "ccn3") -> int:
    (row,) = site.query(
        "SELECT e.id FROM contracts_entitlement e JOIN trusts_organisation o ON o.id = e.organisation_id "
        "JOIN contracts_system s ON s.id = e.system_id JOIN contracts_revision r ON r.id = e.revision_id "
        "WHERE o.code = %s AND s.slug = %s AND r.code = %s",
        code, system, revision,
    )  # fmt: skip
    return row[0]


def history_of(site: Site, pk: int) -> list[tuple]:
    return site.query(
        "SELECT delivery_model, status, history_change_reason FROM contracts_historicalentitlement "
        "WHERE id = %s ORDER BY history_id",
        pk,
    )


def assert_one_saved(replies: list[Reply], history_before: list, history_after: list) -> int:
    """Exactly one acknowledged (a redirect), the rest told with 409; one new history entry. Returns the winner."""
    statuses = [reply.status for reply in replies]
    acknowledged = [number for number, status in enumerate(statuses) if status == 302]
    assert len(acknowledged) == 1, statuses
    assert statuses.count(409) == len(replies) - 1, statuses
    for reply in replies:
        if reply.status == 409:
            said = [
                "Not saved: someone else saved this record first",
                "so your save was refused and nothing was written",
            ]
            assert any(words in reply.text for words in said), reply.text[-2000:]
    assert len(history_after) == len(history_before) + 1, (history_before[-2:], history_after[-3:])
    return acknowledged[0]


def test_simultaneous_stale_saves_of_one_form(site, editors):
    pk = entitlement_id(site, "RAN", "cerner-millennium")
    path = f"/admin/contracts/entitlement/{pk}/change/"
    forms = [session.get(path).form(id="entitlement_form").data() for session in editors]
    before = history_of(site, pk)
    replies = at_once(editors, lambda n, s: s.post(path, {**forms[n], "delivery_model": [f"Model from editor {n}"]}))
    winner = assert_one_saved(replies, before, history_of(site, pk))
    assert site.query("SELECT delivery_model FROM contracts_entitlement WHERE id = %s", pk) == [
        (f"Model from editor {winner}",)
    ]
    assert history_of(site, pk)[-1][0] == f"Model from editor {winner}"


def test_simultaneous_stale_saves_of_one_inline_row(site, editors):
    pk = entitlement_id(site, "RAL", "cerner-millennium")
    (organisation,) = site.query("SELECT organisation_id FROM contracts_entitlement WHERE id = %s", pk)[0]
    path = f"/admin/trusts/organisation/{organisation}/change/"
    forms = [session.get(path).form(id="organisation_form").data() for session in editors]
    row = next(name for name, values in forms[0].items() if name.endswith("-id") and values == [str(pk)])
    field = row.replace("-id", "-deployment_slot")
    before = history_of(site, pk)
    replies = at_once(editors, lambda n, s: s.post(path, {**forms[n], field: [f"Slot from editor {n}"]}))
    winner = assert_one_saved(replies, before, history_of(site, pk))
    assert site.query("SELECT deployment_slot FROM contracts_entitlement WHERE id = %s", pk) == [
        (f"Slot from editor {winner}",)
    ]


def test_simultaneous_stale_bulk_actions(site, editors):
    pk = entitlement_id(site, "RJ7", "cerner-millennium")
    (version,) = site.query("SELECT version FROM contracts_entitlement WHERE id = %s", pk)[0]
    before = history_of(site, pk)
    selection = {
        "action": ["mark_declined"], "_selected_action": [f"{pk},{version}"], "index": ["0"], "apply": ["1"],
        "unsourced_reason": ["Told by the trust, in writing not yet published."],
    }  # fmt: skip
    path = "/admin/contracts/entitlement/"
    tokens = [session.get(path).form(id="changelist-form").data()["csrfmiddlewaretoken"] for session in editors]
    replies = at_once(editors, lambda n, s: s.post(path, {**selection, "csrfmiddlewaretoken": tokens[n]}))
    assert_one_saved(replies, before, history_of(site, pk))
    assert history_of(site, pk)[-1][1:] == ("declined", "Bulk action: marked declined (kept its own system)")


def test_simultaneous_confirmations_of_one_previewed_import(site, editors):
    pk = entitlement_id(site, "RRV", "cerner-millennium")
    # The entitlements of a draft revision are in the export only while previewing drafts.
    preview = editors[0].get("/admin/").form(action="/admin/preview-drafts/").data()
    assert editors[0].post("/admin/preview-drafts/", preview).status == 302
    export = editors[0].get("/entitlements/?revision=ccn3&organisation=RRV&_export=csv").text
    rows = list(csv.DictReader(io.StringIO(export)))
    confirms = []
    for number, session in enumerate(editors):
        for row in rows:
            if row["system"] == "cerner-millennium":
                row["delivery_model"] = f"Imported by editor {number}"
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        page = session.get("/admin/contracts/entitlement/import/").form()
        previewed = session.post(
            "/admin/contracts/entitlement/import/", {**page.data(), "format": ["0"], "resource": ["0"]},
            files={"import_file": ("entitlements.csv", out.getvalue().encode())},
        )  # fmt: skip
        confirms.append(previewed.form(action="/admin/contracts/entitlement/process_import/").data())
    before = history_of(site, pk)
    replies = at_once(editors, lambda n, s: s.post("/admin/contracts/entitlement/process_import/", confirms[n]))
    winner = assert_one_saved(replies, before, history_of(site, pk))
    assert site.query("SELECT delivery_model FROM contracts_entitlement WHERE id = %s", pk) == [
        (f"Imported by editor {winner}",)
    ]


def test_simultaneous_reverts_of_one_record(site, editors):
    pk = entitlement_id(site, "RAS", "cerner-millennium")
    path = f"/admin/contracts/entitlement/{pk}/change/"
    form = editors[0].get(path).form(id="entitlement_form").data()
    assert editors[0].post(path, {**form, "notes": ["To be reverted"]}).status == 302
    (past,) = site.query("SELECT min(history_id) FROM contracts_historicalentitlement WHERE id = %s", pk)[0]
    revert = f"/admin/contracts/entitlement/{pk}/history/{past}/"
    forms = [session.get(revert).form().data() for session in editors]
    before = history_of(site, pk)
    replies = at_once(editors, lambda n, s: s.post(revert, forms[n]))
    assert_one_saved(replies, before, history_of(site, pk))
    assert history_of(site, pk)[-1][2].startswith("Reverted to the version of")


def test_simultaneous_revision_copies_with_one_code(site, editors):
    """Six at once with one code: one is made, each other editor is told the code is taken; no server error."""
    (pk, version) = site.query("SELECT id, version FROM contracts_revision WHERE code = 'ccn3'")[0]
    path = "/admin/contracts/revision/"
    tokens = [session.get(path).form(id="changelist-form").data()["csrfmiddlewaretoken"] for session in editors]
    copy = {
        "action": ["new_revision_from_this_one"], "_selected_action": [f"{pk},{version}"], "apply": ["1"],
        "code": ["ccn4"], "title": ["Contract Change Note 4"], "signed_precision": ["day"],
    }  # fmt: skip
    replies = at_once(editors[:6], lambda n, s: s.post(path, {**copy, "csrfmiddlewaretoken": tokens[n]}))
    statuses = [reply.status for reply in replies]
    assert statuses.count(302) == 1 and statuses.count(200) == 5, statuses
    for reply in replies:
        if reply.status == 200:
            assert "already has a revision with the code “ccn4”" in reply.text
    assert site.query("SELECT count(*) FROM contracts_revision WHERE code = 'ccn4'") == [(1,)]
