"""The PostgreSQL extensions search ranks with (nhsit/lib/search.py): trigram similarity and unaccent. On SQLite
these operations do nothing either way, and search folds text in Python instead."""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class OnPostgreSQL:
    """Django's extension operations skip SQLite going forwards, but going back they look the extension up in
    PostgreSQL's catalogue whatever the database: this skips SQLite both ways."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Trigrams(OnPostgreSQL, TrigramExtension):
    pass


class Unaccent(OnPostgreSQL, UnaccentExtension):
    pass


class Migration(migrations.Migration):
    dependencies = [("trusts", "0006_identifier_schemes_and_kinds")]

    operations = [Trigrams(), Unaccent()]
