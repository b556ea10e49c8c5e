"""Nothing lost: a backup restores every row of every table exactly as it was, whatever editors did first."""

import io
import json
import os
import subprocess
import sys

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from contracts.models import Citation, Entitlement, Revision, Source
from contracts.services.tally import tally_cells, tally_recount
from nhsit.lib import backup
from organisations.models import Organisation
from tests.conftest import client_for
from tests.helpers import admin_form_data
from tests.serving import scratch_database

pytestmark = pytest.mark.django_db

# Rows a migration makes in any database: kept by a wipe, as a fresh database would have them.
MADE_BY_MIGRATIONS = {"auth_group", "auth_group_permissions"}


def backed_up_tables() -> dict[str, bool]:
    """{table: whether its own ids mean anything} for every table a backup holds, many-to-many ones included."""
    tables = {model._meta.db_table: True for model in backup.backed_up_models()}
    for model in backup.backed_up_models():
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through is not None and through._meta.auto_created:
                tables[through._meta.db_table] = False  # its ids are the database's own
    return tables


def every_table() -> dict[str, list[tuple]]:
    """Every row of every backed-up table, as the database gives it back: text byte for byte, times to the
    microsecond."""
    found = {}
    with connection.cursor() as cursor:
        for table, ids_mean_something in backed_up_tables().items():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = cursor.fetchall()
            found[table] = sorted(rows if ids_mean_something else [row[1:] for row in rows], key=repr)
    return found


def wipe() -> None:
    with connection.cursor() as cursor:
        # Foreign keys are checked when the test's transaction ends, so the order does not matter.
        for table in backed_up_tables():
            if table not in MADE_BY_MIGRATIONS:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")


def dump(output) -> None:
    call_command("dump_data", output=str(output), stderr=io.StringIO())


def restore(output) -> None:
    call_command("restore_data", str(output), stdout=io.StringIO())


def change_url(record) -> str:
    return reverse(f"admin:{record._meta.app_label}_{record._meta.model_name}_change", args=[record.pk])


def editors_at_work(editor, ccn3) -> None:
    """Edits, a revert, a revision copy and deletions, as editors make them, and text with CR LF in it."""
    client = client_for(editor)
    rnoh = Entitlement.objects.get(revision=ccn3, organisation__code="RAN", system__slug="cerner-millennium")
    form = admin_form_data(client.get(change_url(rnoh)))
    form.update(deployment_slot="Edited before the backup", withdrawal_reason="Typed\r\nin a browser")
    assert client.post(change_url(rnoh), form).status_code == 302
    past = rnoh.history.order_by("history_id")[0]
    revert = reverse("admin:contracts_entitlement_simple_history", args=[rnoh.pk, past.history_id])
    assert client.post(revert, admin_form_data(client.get(revert))).status_code == 302

    copying = {"action": "new_revision_from_this_one", "_selected_action": f"{ccn3.pk},{ccn3.version}"}
    copying.update(apply="1", code="ccn4", title="CCN4", signed_precision="day")
    assert client.post(reverse("admin:contracts_revision_changelist"), copying).status_code == 302
    copy = Revision.objects.get(code="ccn4")
    copy.delete()  # a revision deleted: its rows' history keeps its id

    source = Source.objects.filter(citations__isnull=False).first()
    assert source is not None
    for citation in Citation.objects.filter(source=source):
        delete = reverse("admin:contracts_citation_delete", args=[citation.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 302
    assert client.post(reverse("admin:contracts_source_delete", args=[source.pk]), {"post": "yes"}).status_code == 302

    # Text stored before line endings were normalised, in a record and in its history.
    Organisation.objects.filter(code="RAL").update(notes="Old\r\nnotes\rwith CR")
    Organisation.history.filter(code="RAL").update(notes="Old\r\nhistory")
    editor.first_name = "Ed\r\nitor"
    editor.save()


def test_a_backup_restores_every_table_exactly_after_editors_have_worked(tmp_path, seed_drafts, editor, ccn3):
    editors_at_work(editor, ccn3)
    before = every_table()
    assert before["contracts_historicalentitlement"] and before["contracts_citation"]
    assert any("\r\n" in value for row in before["trusts_organisation"] for value in row if isinstance(value, str))

    tally = tally_cells()
    output = tmp_path / "backup.jsonl"
    dump(output)
    wipe()
    assert not Entitlement.objects.exists() and not Organisation.objects.exists()
    restore(output)
    after = every_table()
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table
    # The tally is not in the backup: counted afresh from the restored rows, it is what it was.
    assert tally_cells() == tally == tally_recount()


def test_new_records_after_a_restore_take_new_ids(tmp_path):
    output = tmp_path / "backup.jsonl"
    dump(output)
    highest = Source.objects.order_by("-pk").values_list("pk", flat=True)[0]
    wipe()
    restore(output)
    added = Source.objects.create(key="after-the-restore", title="Added after the restore", kind="article")
    assert added.pk > highest


def test_a_failed_backup_leaves_the_last_good_one_as_it_was(tmp_path, monkeypatch):
    output = tmp_path / "backup.jsonl"
    dump(output)
    good = output.read_bytes()

    def fail_part_way(self, queryset, **options):
        options["stream"].write('{"model": "half a line')
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(backup.Serializer, "serialize", fail_part_way)
    with pytest.raises(RuntimeError):
        dump(output)
    assert output.read_bytes() == good
    assert [path.name for path in tmp_path.iterdir()] == ["backup.jsonl"]


def test_restore_refuses_a_database_that_holds_data(tmp_path):
    output = tmp_path / "backup.jsonl"
    dump(output)
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore_data", str(output))


def test_a_damaged_backup_restores_nothing(tmp_path):
    output = tmp_path / "backup.jsonl"
    dump(output)
    stray = {"model": "contracts.entitlement", "pk": 999999999, "fields": {"revision": 888888888, "status": "unknown"}}
    with output.open("a") as stream:
        stream.write(json.dumps(stray) + "\n")
    wipe()
    with pytest.raises(CommandError, match="nothing was"):
        call_command("restore_data", str(output), verbosity=0)
    assert not Entitlement.objects.exists()


def test_a_backup_keeps_times_to_the_microsecond(tmp_path):
    output = tmp_path / "backup.jsonl"
    dump(output)
    entry = next(
        json.loads(line) for line in output.read_text().splitlines() if '"contracts.historicalentitlement"' in line
    )
    latest = apps.get_model("contracts", "HistoricalEntitlement").objects.get(pk=entry["pk"])
    assert entry["fields"]["history_date"] == latest.history_date.isoformat()


def test_migrations_apply_forwards_and_backwards_on_an_empty_database(tmp_path):
    with scratch_database(tmp_path, "migrations") as url:
        environment = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "nhsit.settings"}

        def manage(*arguments):
            result = subprocess.run(
                [sys.executable, "manage.py", *arguments], cwd=settings.BASE_DIR, env=environment,
                capture_output=True, text=True,
            )  # fmt: skip
            assert result.returncode == 0, result.stdout + result.stderr
            return result.stdout

        manage("migrate", "--noinput")
        manage("migrate", "contracts", "zero", "--noinput")
        manage("migrate", "trusts", "zero", "--noinput")
        assert "[ ]" in manage("showmigrations", "contracts")
        manage("migrate", "--noinput")
        assert "[ ]" not in manage("showmigrations", "contracts", "trusts")


def test_a_backup_restores_into_a_new_database_as_it_was_written(tmp_path):
    """The release path: dump_data from one database, restore_data into another, freshly migrated; a backup of
    the second is the same, byte for byte, as the first."""

    def manage(url: str, *arguments: str) -> str:
        environment = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "nhsit.settings"}
        result = subprocess.run([sys.executable, "manage.py", *arguments], cwd=settings.BASE_DIR, env=environment,
                                capture_output=True, text=True)  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    with scratch_database(tmp_path, "written") as first, scratch_database(tmp_path, "restored") as second:
        manage(first, "migrate", "--noinput")
        manage(first, "load_seed")
        manage(first, "dump_data", "-o", str(tmp_path / "first.jsonl"))
        manage(second, "migrate", "--noinput")
        assert "Restored" in manage(second, "restore_data", str(tmp_path / "first.jsonl"))
        manage(second, "dump_data", "-o", str(tmp_path / "second.jsonl"))
    first_backup = (tmp_path / "first.jsonl").read_bytes()
    assert first_backup.count(b"\n") > 1000
    assert (tmp_path / "second.jsonl").read_bytes() == first_backup
