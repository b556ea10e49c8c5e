from django.db import migrations, models

from contracts.services import tally_sql

PREFIXES = ("=", "+", "-", "@", "\t", "\r", "'")
# The constraints trusts 0013 gives the models, by model and name.
CONSTRAINTS = [
    ("identifierscheme", "prefix", "identifier_scheme_prefix_starts_safely"),
    ("organisation", "code", "organisation_code_starts_safely"),
]


def values_start_safely(model, field):
    """Before the constraint: say which values would break it, rather than let the database refuse it unexplained."""
    starting = models.Q()
    for prefix in PREFIXES:
        starting |= models.Q(**{f"{field}__startswith": prefix})
    found = list(model.objects.filter(starting).values_list(field, flat=True)[:10])
    if found:
        raise RuntimeError(
            f"These {model._meta.model_name} {field}s start with a character a spreadsheet runs as a formula "
            f"({' '.join(PREFIXES[:4])}, an apostrophe, a tab or a carriage return): {found!r}. Correct them "
            "(each starting with a letter or a digit), then migrate again."
        )


def constraint(model, name):
    return next(constraint for constraint in model._meta.constraints if constraint.name == name)


def changed(apps, schema_editor, *, adding):
    """Each constraint added (or removed). On SQLite that remakes the table, which the tally's triggers read (and
    drops the organisations' own): they are made again from the current template around it."""
    vendor = schema_editor.connection.vendor
    models_and_names = [(apps.get_model("trusts", model_name), field, name) for model_name, field, name in CONSTRAINTS]
    if adding:
        for model, field, _name in models_and_names:
            values_start_safely(model, field)
    if vendor == "sqlite":
        for statement in tally_sql.drop_statements(vendor):
            schema_editor.execute(statement, params=None)
    for model, _field, name in models_and_names:
        if adding:
            schema_editor.add_constraint(model, constraint(model, name))
        else:
            removing = constraint(model, name)
            # The models still hold it (trusts 0013), and SQLite makes the table again from what its model holds.
            model._meta.constraints = [kept for kept in model._meta.constraints if kept.name != name]
            schema_editor.remove_constraint(model, removing)
    if vendor == "sqlite":
        for statement in tally_sql.create_statements(vendor):
            schema_editor.execute(statement, params=None)


def added(apps, schema_editor):
    changed(apps, schema_editor, adding=True)


def removed(apps, schema_editor):
    changed(apps, schema_editor, adding=False)


class Migration(migrations.Migration):
    """The database's side of trusts 0013: organisations' codes and schemes' prefixes cannot start with what a
    spreadsheet runs, so exports write identifiers as they are."""

    dependencies = [
        ("contracts", "0017_entitlement_given_notes_trigrams"),
        ("trusts", "0013_identifiers_start_safely"),
    ]

    operations = [
        migrations.RunPython(added, removed),
    ]
