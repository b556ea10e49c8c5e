"""Organisations get an identifier scheme beside their code (ODS, GB-NHS, for every existing one), and kinds
become records an editor can add to: the seven NHS kinds the code list had, under the same slugs, so that the
column keeps its values."""

import concurrency.fields
import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
import simple_history.models
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


KINDS = [
    ("acute", "acute"),
    ("specialist_acute", "specialist acute"),
    ("mental_health", "mental health"),
    ("community", "community"),
    ("ambulance", "ambulance"),
    ("primary_care_trust", "primary care trust"),
    ("other", "other"),
]


def first_schemes_and_kinds(apps, schema_editor):
    """The ODS scheme and the NHS kinds, each with its first history entry (as if an editor had added it)."""
    scheme, _created = apps.get_model("trusts", "IdentifierScheme").objects.get_or_create(
        prefix="GB-NHS",
        defaults={
            "name": "NHS Organisation Data Service",
            "code_pattern": "^[A-Z0-9]{3,6}$",
            "example": "RAN",
            "url": "https://odsportal.digital.nhs.uk/",
            "version": 1,
        },
    )
    OrganisationKind = apps.get_model("trusts", "OrganisationKind")
    kinds = [
        OrganisationKind.objects.get_or_create(slug=slug, defaults={"name": name, "version": 1})[0]
        for slug, name in KINDS
    ]
    now = timezone.now()
    for record in [scheme, *kinds]:
        historical = apps.get_model("trusts", f"Historical{type(record).__name__}")
        values = {field.attname: getattr(record, field.attname) for field in type(record)._meta.concrete_fields}
        historical.objects.create(
            **values, history_date=now, history_type="+", history_change_reason="The first kinds and scheme"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("trusts", "0005_versions_everywhere"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalIdentifierScheme",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                (
                    "prefix",
                    models.CharField(
                        db_index=True,
                        help_text="As org-id.guide lists it, e.g. GB-COH.",
                        max_length=20,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^[A-Z]{2}-[A-Z]{2,6}$", "A prefix is a country code and a register, e.g. GB-COH."
                            )
                        ],
                    ),
                ),
                ("name", models.CharField(max_length=200)),
                (
                    "code_pattern",
                    models.CharField(
                        help_text="A regular expression every code in this scheme matches, e.g. ^[A-Z0-9]{3,6}$.",
                        max_length=200,
                    ),
                ),
                (
                    "example",
                    models.CharField(help_text="A code in this scheme, shown when one is refused.", max_length=40),
                ),
                ("url", models.URLField(blank=True, help_text="Where the register can be read.")),
                ("notes", models.TextField(blank=True)),
                ("version", concurrency.fields.AutoIncVersionField(default=0, help_text="record revision number")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
            ],
            options={
                "verbose_name": "historical identifier scheme",
                "verbose_name_plural": "historical identifier schemes",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalOrganisationKind",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("slug", models.SlugField(max_length=40)),
                ("name", models.CharField(max_length=80)),
                ("description", models.TextField(blank=True)),
                ("version", concurrency.fields.AutoIncVersionField(default=0, help_text="record revision number")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
            ],
            options={
                "verbose_name": "historical organisation kind",
                "verbose_name_plural": "historical organisation kinds",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="IdentifierScheme",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "prefix",
                    models.CharField(
                        help_text="As org-id.guide lists it, e.g. GB-COH.",
                        max_length=20,
                        unique=True,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^[A-Z]{2}-[A-Z]{2,6}$", "A prefix is a country code and a register, e.g. GB-COH."
                            )
                        ],
                    ),
                ),
                ("name", models.CharField(max_length=200)),
                (
                    "code_pattern",
                    models.CharField(
                        help_text="A regular expression every code in this scheme matches, e.g. ^[A-Z0-9]{3,6}$.",
                        max_length=200,
                    ),
                ),
                (
                    "example",
                    models.CharField(help_text="A code in this scheme, shown when one is refused.", max_length=40),
                ),
                ("url", models.URLField(blank=True, help_text="Where the register can be read.")),
                ("notes", models.TextField(blank=True)),
                ("version", concurrency.fields.AutoIncVersionField(default=0, help_text="record revision number")),
            ],
            options={
                "ordering": ["prefix"],
            },
        ),
        migrations.CreateModel(
            name="OrganisationKind",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("slug", models.SlugField(max_length=40, unique=True)),
                ("name", models.CharField(max_length=80)),
                ("description", models.TextField(blank=True)),
                ("version", concurrency.fields.AutoIncVersionField(default=0, help_text="record revision number")),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.RunPython(first_schemes_and_kinds, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="succession",
            options={"ordering": ["effective_on", "predecessor__code"]},
        ),
        migrations.RemoveConstraint(
            model_name="organisation",
            name="organisation_ods_code_uppercase",
        ),
        migrations.RemoveConstraint(
            model_name="organisation",
            name="organisation_kind_valid",
        ),
        migrations.RemoveIndex(
            model_name="organisation",
            name="organisation_list_order",
        ),
        migrations.RenameField(model_name="historicalorganisation", old_name="ods_code", new_name="code"),
        migrations.RenameField(model_name="organisation", old_name="ods_code", new_name="code"),
        migrations.AlterField(
            model_name="historicalorganisation",
            name="code",
            field=models.CharField(help_text="Its code in that register, e.g. RAN.", max_length=40),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="code",
            field=models.CharField(help_text="Its code in that register, e.g. RAN.", max_length=40),
        ),
        migrations.AddField(
            model_name="historicalidentifierscheme",
            name="history_user",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="historicalorganisationkind",
            name="history_user",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="historicalorganisation",
            name="scheme",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                default="GB-NHS",
                help_text="The register its code is from: GB-NHS for an ODS code.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="trusts.identifierscheme",
                to_field="prefix",
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="scheme",
            field=models.ForeignKey(
                default="GB-NHS",
                help_text="The register its code is from: GB-NHS for an ODS code.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="organisations",
                to="trusts.identifierscheme",
                to_field="prefix",
            ),
        ),
        migrations.AlterField(
            model_name="historicalorganisation",
            name="kind",
            field=models.ForeignKey(
                blank=True,
                db_column="kind",
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="trusts.organisationkind",
                to_field="slug",
            ),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="kind",
            field=models.ForeignKey(
                db_column="kind",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="organisations",
                to="trusts.organisationkind",
                to_field="slug",
            ),
        ),
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(fields=["name", "code"], name="organisation_list_order"),
        ),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.UniqueConstraint(fields=("scheme", "code"), name="organisation_code_unique_per_scheme"),
        ),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.CheckConstraint(
                condition=models.Q(("code", django.db.models.functions.text.Upper("code"))),
                name="organisation_code_uppercase",
            ),
        ),
    ]
