"""Uploading a whole contract (its seed files, in the admin) is a permission of its own, given to a new group,
Contract setup, which also adds and changes contracts, systems and suppliers."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Contract setup"
GRANTS = {
    "contracts": {"contract": ["view", "add", "change", "upload"], "system": ["view", "add", "change"]},
    "trusts": {
        "supplier": ["view", "add", "change"],
        "identifierscheme": ["view", "add", "change"],
        "organisationkind": ["view", "add", "change"],
    },
}


def make_group(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP)
    for app, models_actions in GRANTS.items():
        for model, actions in models_actions.items():
            for action in actions:
                group.permissions.add(Permission.objects.get(content_type__app_label=app, codename=f"{action}_{model}"))


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0009_featured_contract_and_kind_permissions"),
        ("trusts", "0006_identifier_schemes_and_kinds"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="contract",
            options={"ordering": ["title"], "permissions": [("upload_contract", "Can upload a whole contract")]},
        ),
        migrations.RunPython(make_group, remove_group),
    ]
