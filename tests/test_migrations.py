import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command


def manage_on(database: Path) -> Callable[..., subprocess.CompletedProcess]:
    """manage.py on a SQLite database of its own, as a deployment migrates it."""
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}

    def manage(*arguments: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *arguments], env=environment, capture_output=True, text=True, check=check
        )

    return manage


def test_the_models_and_migrations_agree(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_the_tally_migration_goes_back_and_forth_and_fills_the_tally(tmp_path):
    """On a database of its own, as a deployment migrates: the seed loaded, then back before the tally and on."""
    manage = manage_on(tmp_path / "migrating.db")
    manage("migrate", "-v0")
    manage("load_seed", "london_lsp")
    manage("migrate", "contracts", "0010", "-v0")
    manage("migrate", "-v0")
    assert "The tally agrees with the rows" in manage("rebuild_tally", "--check").stdout


def test_the_tally_triggers_drop_and_come_back_filled(db):
    """The migration's own steps on this database (PostgreSQL too): without the triggers a write leaves the tally
    behind; with them back, it is filled again from the rows."""
    import importlib

    from django.db import connection

    from contracts.models import Entitlement
    from contracts.services.tally import tally_cells, tally_recount

    migration = importlib.import_module("contracts.migrations.0011_status_pair_tally")

    class Executing:
        def __init__(self) -> None:
            self.connection = connection

        def execute(self, sql: str, params=None) -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql)

    migration.triggers_drop(None, Executing())
    Entitlement.objects.update(status="unknown")
    assert tally_cells() != tally_recount()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM contracts_statuspaircount")
    migration.triggers_create(None, Executing())
    assert tally_cells() == tally_recount()
    Entitlement.objects.update(status="declined")
    assert tally_cells() == tally_recount()


def test_the_slug_constraints_name_what_would_break_them_and_keep_the_tally(tmp_path):
    """A database holding a slug that starts with a formula's prefix is told which, and migrates once it is renamed;
    the tally's triggers, dropped while SQLite makes its tables again, are back and keep counting."""
    database = tmp_path / "migrating.db"
    manage = manage_on(database)

    manage("migrate", "-v0")
    manage("load_seed", "london_lsp")
    manage("migrate", "contracts", "0013", "-v0")
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE contracts_system SET slug = '-rio' WHERE slug = 'rio'")
    refused = manage("migrate", "-v0", check=False)
    assert refused.returncode != 0
    assert "These system slugs start with a character a spreadsheet runs as a formula" in refused.stderr
    assert "['-rio']" in refused.stderr
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE contracts_system SET slug = 'rio' WHERE slug = '-rio'")
    manage("migrate", "-v0")
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE contracts_entitlement SET status = 'unknown'")
    assert "The tally agrees with the rows" in manage("rebuild_tally", "--check").stdout


def test_the_identifier_constraints_name_what_would_break_them_and_keep_the_tally(tmp_path):
    """As for slugs: an organisation code starting with a formula's prefix is named, and once corrected the database
    refuses such codes; the tally's triggers, the organisations' own among them, are back and keep counting."""
    database = tmp_path / "migrating.db"
    manage = manage_on(database)

    manage("migrate", "-v0")
    manage("load_seed", "london_lsp")
    manage("migrate", "contracts", "0017", "-v0")
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE trusts_organisation SET code = '-RAN' WHERE code = 'RAN'")
    refused = manage("migrate", "-v0", check=False)
    assert refused.returncode != 0
    assert "These organisation codes start with a character a spreadsheet runs as a formula" in refused.stderr
    assert "['-RAN']" in refused.stderr
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE trusts_organisation SET code = 'RAN' WHERE code = '-RAN'")
    manage("migrate", "-v0")
    with sqlite3.connect(database) as connection:
        with pytest.raises(sqlite3.IntegrityError):
            connection.execute("UPDATE trusts_organisation SET code = '=RAN' WHERE code = 'RAN'")
        connection.execute("UPDATE trusts_organisation SET sector = 'Elsewhere' WHERE code = 'RAN'")
        connection.execute("UPDATE contracts_entitlement SET status = 'unknown'")
    assert "The tally agrees with the rows" in manage("rebuild_tally", "--check").stdout
