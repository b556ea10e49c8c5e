from django.db import migrations

from contracts.services import tally_sql


def triggers_remade(apps, schema_editor):
    """The tally's triggers made again from the current template: small statements now read their transition
    tables in place. The tally itself is unchanged."""
    vendor = schema_editor.connection.vendor
    for statement in tally_sql.drop_statements(vendor) + tally_sql.create_statements(vendor):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0011_status_pair_tally"),
    ]

    operations = [
        migrations.RunPython(triggers_remade, triggers_remade),
    ]
