"""A contract can be featured on the home page (where a database has contracts, the first signed is featured, as
the home page showed it); editors may add organisation kinds, everyone in the workshop may read kinds and
identifier schemes."""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

GRANTS = {
    "Editor": {"organisationkind": ["view", "add", "change"], "identifierscheme": ["view"]},
    "Viewer": {"organisationkind": ["view"], "identifierscheme": ["view"]},
}


def feature_the_first(apps, schema_editor):
    Contract = apps.get_model("contracts", "Contract")
    first = Contract.objects.order_by("signed_on", "pk").first()
    if first is not None and not Contract.objects.filter(is_featured=True).exists():
        Contract.objects.filter(pk=first.pk).update(is_featured=True)


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, models_actions in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        for model, actions in models_actions.items():
            for action in actions:
                group.permissions.add(
                    Permission.objects.get(content_type__app_label="trusts", codename=f"{action}_{model}")
                )


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0008_evidence_grades_and_versions"),
        ("trusts", "0006_identifier_schemes_and_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="contract",
            name="is_featured",
            field=models.BooleanField(
                default=False,
                help_text="Shown on the home page. Featuring one contract stops featuring any other.",
                verbose_name="featured",
            ),
        ),
        migrations.AddField(
            model_name="historicalcontract",
            name="is_featured",
            field=models.BooleanField(
                default=False,
                help_text="Shown on the home page. Featuring one contract stops featuring any other.",
                verbose_name="featured",
            ),
        ),
        migrations.RunPython(feature_the_first, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
