"""On PostgreSQL: `words_for_search(text)`, the words of a text as search folds them (nhsit/lib/search.py), as a
text-search vector, and an index of them for organisations' names and short names: a name holding every word typed is
found through it, so a word most names hold ("Trust") costs a page of them, not scoring every name. On SQLite,
nothing: there search folds in Python."""

from django.db import migrations

INDEXES = {
    "organisation_name_words": "name",
    "organisation_short_name_words": "short_name",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # As `fold` in Python: lower case, no accents or apostrophes, anything but a letter or a digit a space; the
    # 'simple' configuration keeps every word as it is (no stems, no stop words).
    schema_editor.execute(
        """
        CREATE FUNCTION words_for_search(text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT to_tsvector('simple'::regconfig, regexp_replace(fold_for_search($1), '[^a-z0-9]+', ' ', 'g')) $$
        """
    )
    for index, column in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX {index} ON trusts_organisation USING gin (words_for_search({column}))")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
    schema_editor.execute("DROP FUNCTION IF EXISTS words_for_search(text)")


class Migration(migrations.Migration):
    dependencies = [("trusts", "0010_organisation_sector_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
