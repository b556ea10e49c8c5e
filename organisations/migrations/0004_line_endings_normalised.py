"""Text typed in a browser arrived with CR LF line endings, and files may hold CR alone: from now on text is
stored with LF only (nhsit.lib.text), and this brings the text already stored, history included, into line."""

from django.db import migrations, models
from django.db.models import F, Value
from django.db.models.functions import Replace


def normalise(apps, schema_editor):
    for model in apps.get_app_config("trusts").get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                lf = Replace(Replace(F(field.attname), Value("\r\n"), Value("\n")), Value("\r"), Value("\n"))
                model._base_manager.filter(**{f"{field.attname}__contains": "\r"}).update(**{field.attname: lf})


class Migration(migrations.Migration):
    dependencies = [
        ('trusts', '0003_organisation_list_order'),
    ]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
