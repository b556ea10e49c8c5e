"""On PostgreSQL: a trigram index of the entitlements' notes as the admin's search compares them (upper case,
`notes__icontains`), so that a word is looked for in the notes that hold its trigrams, not in every row's. On
SQLite, nothing."""

from django.db import migrations

INDEX = "entitlement_notes_trigrams"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {INDEX} ON contracts_entitlement USING gin (upper(notes) gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    # pg_trgm is made by the organisations' search extensions (trusts 0007).
    dependencies = [("contracts", "0015_free_text_given_indexes"), ("trusts", "0007_search_extensions")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
