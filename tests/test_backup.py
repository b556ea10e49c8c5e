"""Nothing lost: a backup restores every record, citation and history entry as it was."""

import os
import subprocess
import sys

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from contracts.models import Entitlement
from tests.conftest import client_for
from tests.helpers import admin_form_data
from tests.serving import scratch_database

pytestmark = pytest.mark.django_db

OURS = ["trusts", "contracts"]


def everything() -> dict[str, list]:
    """Every row of every model (historical ones included) of the two apps, and the users, as plain data."""
    models = [model for app in OURS for model in apps.get_app_config(app).get_models()]
    models += [apps.get_model("auth", "User"), apps.get_model("admin", "LogEntry")]
    # The python serializer keeps every value as it is, times to the microsecond.
    return {
        model._meta.label: serializers.serialize("python", model._default_manager.order_by("pk")) for model in models
    }


def wipe() -> None:
    models = [model for app in OURS for model in apps.get_app_config(app).get_models()]
    with connection.cursor() as cursor:
        tables = [model._meta.db_table for model in models] + ["django_admin_log", "auth_user_groups", "auth_user"]
        # Foreign keys are checked when the test's transaction ends, so the order does not matter.
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")


def test_a_backup_restores_every_record_citation_and_history_entry(tmp_path, editor, original):
    entitlement = Entitlement.objects.get(revision=original, organisation__ods_code="RAN")
    client = client_for(editor)
    form = admin_form_data(client.get(f"/admin/contracts/entitlement/{entitlement.pk}/change/"))
    form.update(deployment_slot="Edited before the backup")
    client.post(f"/admin/contracts/entitlement/{entitlement.pk}/change/", form)
    before = everything()
    assert before["contracts.HistoricalEntitlement"] and before["contracts.Citation"]

    backup = tmp_path / "backup.xml"
    call_command("dump_data", output=str(backup))
    wipe()
    assert not Entitlement.objects.exists()
    call_command("restore_data", str(backup), verbosity=0)
    assert everything() == before


def test_restore_refuses_a_database_that_holds_data(tmp_path):
    backup = tmp_path / "backup.xml"
    call_command("dump_data", output=str(backup))
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore_data", str(backup))


def test_a_damaged_backup_restores_nothing(tmp_path):
    backup = tmp_path / "backup.xml"
    call_command("dump_data", output=str(backup))
    damaged = backup.read_text().replace(
        "</django-objects>",
        '<object model="contracts.entitlement" pk="999999999"><field name="revision" rel="ManyToOneRel" '
        'to="contracts.revision"><natural>no-such-contract</natural><natural>x</natural></field></object>'
        "</django-objects>",
    )
    backup.write_text(damaged)
    wipe()
    with pytest.raises(CommandError, match="nothing was"):
        call_command("restore_data", str(backup), verbosity=0)
    assert not Entitlement.objects.exists()


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
