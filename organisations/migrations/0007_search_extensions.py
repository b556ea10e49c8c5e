"""The PostgreSQL extensions search ranks with (nhsit/lib/search.py): trigram similarity and unaccent. On SQLite
these operations do nothing, and search folds text in Python instead."""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("trusts", "0006_identifier_schemes_and_kinds")]

    operations = [TrigramExtension(), UnaccentExtension()]
