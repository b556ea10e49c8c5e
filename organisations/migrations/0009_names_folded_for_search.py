"""On PostgreSQL: `fold_for_search(text)`, the folding search compares names by (nhsit/lib/search.py), as a function
the database may index, and trigram indexes of organisations' names and short names folded so, which let a search
read only the names sharing trigrams with what was typed instead of folding every name. On SQLite, nothing: there
search folds in Python."""

from django.db import migrations

INDEXES = {
    "organisation_name_folded_trigrams": "name",
    "organisation_short_name_folded_trigrams": "short_name",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'")
        (schema,) = cursor.fetchone()
    # unaccent(text) is only STABLE (it looks its dictionary up by name); naming the dictionary makes it IMMUTABLE.
    # Apostrophes go ("Guy's" is "guys"); other punctuation pg_trgm already takes as a space between words.
    schema_editor.execute(
        f"""
        CREATE FUNCTION fold_for_search(text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT translate(lower({schema}.unaccent('{schema}.unaccent'::regdictionary, $1)), '''’‘`´', '') $$
        """
    )
    for index, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX {index} ON trusts_organisation USING gin (fold_for_search({column}) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
    schema_editor.execute("DROP FUNCTION IF EXISTS fold_for_search(text)")


class Migration(migrations.Migration):
    dependencies = [("trusts", "0008_slugs_start_safely")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
