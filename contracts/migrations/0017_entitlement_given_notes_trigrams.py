"""On PostgreSQL: the trigram index of the entitlements' notes holds only the rows that have notes, and the admin's
search asks for those (`notes <> ''`). A word too short to have a trigram is then looked for in the notes there
are, not in every row's: a trigram index asked for it returns every row it holds, the blank ones included. On
SQLite, nothing."""

from django.db import migrations

OLD = "entitlement_notes_trigrams"
INDEX = "entitlement_given_notes_trigrams"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON contracts_entitlement USING gin (upper(notes) gin_trgm_ops) WHERE notes <> ''"
        )
        schema_editor.execute(f"DROP INDEX IF EXISTS {OLD}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {OLD} ON contracts_entitlement USING gin (upper(notes) gin_trgm_ops)")
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("contracts", "0016_entitlement_notes_trigrams")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
