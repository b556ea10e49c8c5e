"""The two roles of the editors' workshop, as groups: Editor changes the data, Viewer only reads it."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

READ = ["view"]
EDIT = ["view", "add", "change", "delete"]
ADD_CHANGE = ["view", "add", "change"]

EDITOR = {
    "contracts": {
        "entitlement": EDIT,
        "deliverable": EDIT,
        "deployment": EDIT,
        "source": EDIT,
        "citation": EDIT,
        "revision": ADD_CHANGE,
        "reportedfigure": ADD_CHANGE,
        "contract": READ,
        "system": READ,
    },
    "trusts": {
        "organisation": ADD_CHANGE,
        "localsystem": ADD_CHANGE,
        "succession": ADD_CHANGE,
        "supplier": READ,
    },
}
VIEWER = {app: {model: READ for model in models} for app, models in EDITOR.items()}


def permissions_exist(apps):
    """Permissions are normally made after migrating; make them now so that groups can hold them."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def make_groups(apps, schema_editor):
    permissions_exist(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in [("Editor", EDITOR), ("Viewer", VIEWER)]:
        group, _created = Group.objects.get_or_create(name=name)
        codenames = [
            (app, f"{action}_{model}") for app, models in grants.items() for model, actions in models.items() for action in actions
        ]
        for app, codename in codenames:
            group.permissions.add(Permission.objects.get(content_type__app_label=app, codename=codename))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editor", "Viewer"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("trusts", "0002_history_and_versions"),
        ("contracts", "0002_history_versions_and_publishing"),
    ]

    operations = [migrations.RunPython(make_groups, remove_groups)]
