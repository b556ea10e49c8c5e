"""Spreadsheet imports for editors (django-import-export), in the same columns as the CSV exports.

Export → edit in a spreadsheet → import round-trips: columns that only describe (organisation name, kind,
sector, sources) are read past; a cell the export neutralised with an apostrophe comes back as it was.
"""

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from contracts.models import Entitlement, Revision, System
from contracts.publishing import is_published, may_change
from nhsit.lib.csv_export import FORMULA_PREFIXES
from trusts.models import Organisation


class CodeWidget(widgets.ForeignKeyWidget):
    """A record named by its stable code in one column; an unknown code is an error naming that column."""

    def __init__(self, model, field: str, *, column: str, what: str, upper: bool = False):
        super().__init__(model, field)
        self.column, self.what, self.upper = column, what, upper
        self.found: dict = {}

    def scope(self, row) -> dict:
        return {}

    def clean(self, value, row=None, **kwargs):
        code = str(value or "").strip()
        code = code.upper() if self.upper else code
        if not code:
            raise ValueError(f"{self.column}: this column is empty; give the {self.what}'s code.")
        key = (code, tuple(sorted(self.scope(row).items())))
        if key not in self.found:
            self.found[key] = self.model.objects.filter(**{self.field: code}, **self.scope(row)).first()
        if self.found[key] is None:
            raise ValueError(f"{self.column}: there is no {self.what} “{code}”{self.where(row)}.")
        return self.found[key]

    def where(self, row) -> str:
        return ""


class RevisionWidget(CodeWidget):
    """A revision code is unique within its contract, named in the row's `contract` column."""

    def scope(self, row) -> dict:
        return {"contract__slug": str((row or {}).get("contract") or "").strip()}

    def where(self, row) -> str:
        return f" in the contract “{str((row or {}).get('contract') or '').strip()}”"


class TextWidget(widgets.CharWidget):
    """Text as the export wrote it, without the apostrophe that kept a spreadsheet from running it."""

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value)
        if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
            text = text[1:]
        return text


class AuditedResource(resources.ModelResource):
    """Each saved row is recorded in the history with the importing user and the file it came from."""

    def before_save_instance(self, instance, row, **kwargs):
        user = kwargs.get("user")
        if user is None and is_published(instance) or user is not None and not may_change(user, instance):
            message = f"{instance.revision.title} is published: only someone who may correct published data can."
            raise ValidationError({"revision": message})
        instance._history_user = user
        instance._change_reason = f"Imported from {kwargs.get('file_name') or 'a file'}"


class EntitlementResource(AuditedResource):
    contract = fields.Field(column_name="contract", readonly=True, attribute="revision__contract__slug")
    revision = fields.Field(
        column_name="revision",
        attribute="revision",
        widget=RevisionWidget(Revision, "code", column="revision", what="revision"),
    )
    ods_code = fields.Field(
        column_name="ods_code",
        attribute="organisation",
        widget=CodeWidget(
            Organisation, "ods_code", column="ods_code", what="organisation with the ODS code", upper=True
        ),
    )
    organisation = fields.Field(column_name="organisation", readonly=True, attribute="organisation__name")
    kind = fields.Field(column_name="kind", readonly=True, attribute="organisation__kind")
    sector = fields.Field(column_name="sector", readonly=True, attribute="organisation__sector")
    system = fields.Field(
        column_name="system", attribute="system", widget=CodeWidget(System, "slug", column="system", what="system")
    )
    status = fields.Field(column_name="status", attribute="status", widget=TextWidget())
    delivery_model = fields.Field(column_name="delivery_model", attribute="delivery_model", widget=TextWidget())
    slot = fields.Field(column_name="slot", attribute="deployment_slot", widget=TextWidget())
    reason = fields.Field(column_name="reason", attribute="withdrawal_reason", widget=TextWidget())
    sources = fields.Field(column_name="sources", readonly=True)

    class Meta:
        model = Entitlement
        fields = [
            "contract", "revision", "ods_code", "organisation", "kind", "sector", "system",
            "status", "delivery_model", "slot", "reason", "sources",
        ]  # fmt: skip
        import_id_fields = ["revision", "ods_code", "system"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True


class OrganisationResource(AuditedResource):
    ods_code = fields.Field(column_name="ods_code", attribute="ods_code", widget=TextWidget())
    name = fields.Field(column_name="name", attribute="name", widget=TextWidget())
    short_name = fields.Field(column_name="short_name", attribute="short_name", widget=TextWidget())
    kind = fields.Field(column_name="kind", attribute="kind", widget=TextWidget())
    region = fields.Field(column_name="region", attribute="region", widget=TextWidget())
    sector = fields.Field(column_name="sector", attribute="sector", widget=TextWidget())

    class Meta:
        model = Organisation
        fields = ["ods_code", "name", "short_name", "kind", "region", "sector"]
        import_id_fields = ["ods_code"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def before_import_row(self, row, **kwargs):
        row["ods_code"] = str(row.get("ods_code") or "").strip().upper()
