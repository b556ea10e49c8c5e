"""Spreadsheet imports for editors (django-import-export), in the same columns as the CSV exports.

Export → edit in a spreadsheet → import round-trips: columns that only describe (organisation name, kind,
sector) are read past; a cell the export neutralised with an apostrophe comes back as it was, and line endings
come back as they are stored. A file is checked whole before any row: its columns, and that it names no record
twice. A confirmed import writes only if every record it touches is as its preview found it.

The `sources` column cites: a key there that the record is not yet cited to adds a citation of that source (with
the words in the optional `quote` column, graded by the optional `grade` column, stated unless it says otherwise,
with how an inferred or derived value follows in `reasoning`), and a row that changes a sourced value (a status,
say) must add one, or say `unsourced` in its grade and why in its reasoning, so a new value never stands on the
sources of the old one.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from concurrency.exceptions import RecordModifiedError
from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from contracts.evidence import CITATION_FIELD, sourced_changes
from contracts.models import Citation, Entitlement, EvidenceGrade, Revision, Source, System
from contracts.publishing import is_published, may_change
from contracts.services.history import record_change
from nhsit.lib.csv_export import unescape
from nhsit.lib.import_files import ImportFileError
from nhsit.lib.text import normalise_line_endings
from organisations.models import ODS, IdentifierScheme, Organisation, OrganisationKind, identified_by

# Columns holding codes, which name the same record in any case.
CODE_COLUMNS = {"identifier", "scheme", "code"}


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


class IdentifierWidget(CodeWidget):
    """An organisation named by its identifier: RAN (an ODS code), or a scheme's prefix and a code (GB-LAE-WSM)."""

    def __init__(self, *, column: str):
        super().__init__(Organisation, "code", column=column, what="organisation with the code", upper=True)

    def clean(self, value, row=None, **kwargs):
        identifier = str(value or "").strip().upper()
        if not identifier:
            raise ValueError(f"{self.column}: this column is empty; give the organisation's code.")
        if identifier not in self.found:
            self.found[identifier] = Organisation.objects.filter(identified_by(identifier)).first()
        if self.found[identifier] is None:
            raise ValueError(f"{self.column}: there is no organisation with the code “{identifier}”.")
        return self.found[identifier]

    def render(self, value, obj=None, **kwargs):
        return value.identifier if value is not None else ""


class RevisionWidget(CodeWidget):
    """A revision code is unique within its contract, named in the row's `contract` column."""

    def scope(self, row) -> dict:
        return {"contract__slug": str((row or {}).get("contract") or "").strip()}

    def where(self, row) -> str:
        return f" in the contract “{str((row or {}).get('contract') or '').strip()}”"


class TextWidget(widgets.CharWidget):
    """Text as the export wrote it, without the apostrophe that kept a spreadsheet from running it, and with the
    line endings text is stored with."""

    def clean(self, value, row=None, **kwargs):
        return normalise_line_endings(unescape("" if value is None else str(value)))


@dataclass
class ImportReport:
    """What an import tells the page about a file besides its result.

    `places` names where each data row stands in the file ("line 4", "row 4"); `seen_versions` is filled by a
    preview with {row number: the version of the record the row names, or None for a new one}; `expected_versions`,
    given to the confirmed import, is what its preview saw: a record saved, created or deleted by someone else since
    then makes its row fail as stale, and the whole import with it.
    """

    places: list[str] = field(default_factory=list)
    seen_versions: dict[str, int | None] = field(default_factory=dict)
    expected_versions: dict[str, int | None] | None = None

    def place(self, number: int) -> str:
        return self.places[number - 1] if 0 < number <= len(self.places) else f"row {number}"


class AuditedResource(resources.ModelResource):
    """Each saved row is recorded in the history with the importing user and the file it came from."""

    def __init__(self, *, report: ImportReport | None = None, **kwargs):
        super().__init__(**kwargs)
        self.report = report if report is not None else ImportReport()
        # The sources named in the row being imported (rows are imported one at a time).
        self.named_sources: list[Source] = []

    def before_import_row(self, row, **kwargs):
        """The sources the row names, each one a source that exists."""
        keys = [key.strip() for key in str(row.get("sources") or "").split(";") if key.strip()]
        found = {source.key: source for source in Source.objects.filter(key__in=keys)}
        unknown = [key for key in keys if key not in found]
        self.named_sources = [found[key] for key in keys if key in found]
        if unknown:
            named = ", ".join(f"“{key[:60]}”" for key in unknown)
            raise ValidationError({"sources": f"there is no source {named}: give the keys of sources as listed."})

    def new_sources(self, instance) -> list[Source]:
        """The sources the row names that the record is not yet cited to, for its values as they now are."""
        named = self.named_sources
        if not named or instance.pk is None:
            return named
        cited = set(
            Citation.objects.filter(**{CITATION_FIELD[type(instance)]: instance}, current=True)
            .exclude(source=None)
            .values_list("source__key", flat=True)
        )
        return [source for source in named if source.key not in cited]

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if self.new_sources(instance):
            return False  # it cites a new source
        return super().skip_row(instance, original, row, import_validation_errors)

    def record_key(self, row) -> tuple:
        """What identifies the record a row names (ODS codes in any case name the same organisation)."""
        columns = [self.fields[name].column_name for name in self.get_import_id_fields()]
        values = {column: str(row.get(column) or "").strip() for column in columns}
        return tuple(value.upper() if column in CODE_COLUMNS else value for column, value in values.items())

    # Columns of earlier exports, read under their present names.
    legacy_columns: dict[str, str] = {}

    def before_import(self, dataset, **kwargs):
        headers = list(dataset.headers or [])
        for old, new in self.legacy_columns.items():
            if old in headers and new not in headers:
                headers[headers.index(old)] = new
                dataset.headers = headers
        self.report.places = list(getattr(dataset, "places", None) or [f"line {n + 2}" for n in range(len(dataset))])
        problem = self.header_problem(dataset.headers or []) or self.duplicate_problem(dataset)
        if problem:
            dataset.wipe()  # nothing of a file that is wrong as a whole is read row by row
            raise ImportFileError(problem)

    def header_problem(self, headers: Sequence[str]) -> str:
        columns = [field.column_name for field in self.get_import_fields()]
        needed = [field.column_name for field in self.get_import_fields() if not field.readonly]
        unknown = [name for name in headers if name not in columns]
        missing = [name for name in needed if name not in headers]
        if not unknown and not missing:
            return ""
        said = []
        if missing:
            named = ", ".join(f"“{name}”" for name in missing)
            said.append(f"it has no {named} column{'s' if len(missing) > 1 else ''}")
        if unknown:
            named = ", ".join(f"“{str(name)[:40]}”" for name in unknown)
            said.append(f"{named} {'is not a column' if len(unknown) == 1 else 'are not columns'} of this import")
        return (
            f"The file's header is not right: {'; '.join(said)}. The columns are those of the CSV export: "
            f"{', '.join(columns)}."
        )

    def duplicate_problem(self, dataset) -> str:
        first: dict[tuple, str] = {}
        repeated = []
        for place, values in zip(self.report.places, dataset, strict=True):
            key = self.record_key(dict(zip(dataset.headers, values, strict=True)))
            if key in first:
                repeated.append(f"{first[key]} and {place} both name {' · '.join(key)}")
            else:
                first[key] = place
        if not repeated:
            return ""
        shown = "; ".join(repeated[:10]) + (f"; and {len(repeated) - 10} more" if len(repeated) > 10 else "")
        return f"The file names the same record more than once, so it is not clear which row to take: {shown}."

    def after_init_instance(self, instance, new, row, **kwargs):
        number = str(kwargs.get("row_number"))
        version = None if new else getattr(instance, "version", None)
        self.report.seen_versions[number] = version
        expected = self.report.expected_versions
        if expected is not None and expected.get(number, "unseen") != version:
            raise RecordModifiedError("Changed by someone else since the preview.", target=instance)

    def before_save_instance(self, instance, row, **kwargs):
        user = kwargs.get("user")
        if user is None and is_published(instance) or user is not None and not may_change(user, instance):
            message = f"{instance.revision.title} is published: only someone who may correct published data can."
            raise ValidationError({"revision": message})
        changed = sourced_changes(instance)
        self.citing = self.new_sources(instance)
        self.grade, self.reasoning = self.row_support(row)
        self.unsourced = bool(changed) and not self.citing and self.grade == EvidenceGrade.UNSOURCED
        if changed and not self.citing and not self.unsourced:
            named = ", ".join(str(instance._meta.get_field(name).verbose_name) for name in changed)
            verb = "is new" if instance.pk is None else "changes"
            raise ValidationError({"sources": (
                f"the {named} {verb}: add to this column the key of the source that gives the new value (keys "
                "separated by “; ”, as the export writes them), and its words in a quote column; or, if no source "
                "gives it, say “unsourced” in a grade column and why in a reasoning column."
            )})  # fmt: skip
        self.support_problem(changed)
        record_change(instance, reason=f"Imported from {kwargs.get('file_name') or 'a file'}", user=user)

    def row_support(self, row) -> tuple[str, str]:
        """The grade and reasoning the row gives its new citations: stated unless its `grade` says otherwise.

        The export's `evidence` column (how the value is supported now) is read past, as it describes the old value.
        """
        grade = str(row.get("grade") or "").strip().lower()
        reasoning = normalise_line_endings(unescape(str(row.get("reasoning") or ""))).strip()
        if not grade:
            return EvidenceGrade.STATED, reasoning
        if grade not in EvidenceGrade.values:
            raise ValidationError({"grade": (
                f"“{grade[:40]}” is not a grade: give one of {', '.join(EvidenceGrade.values)}, or leave it empty "
                "for stated."
            )})  # fmt: skip
        return grade, reasoning

    def support_problem(self, changed: list[str]) -> None:
        """A grade that needs reasoning has it; a row cites sources or says it has none, not both."""
        if self.citing and self.grade == EvidenceGrade.UNSOURCED:
            raise ValidationError({"grade": (
                "the row names a new source but says “unsourced”: give the grade of what the source says, or "
                "take the source out of the sources column."
            )})  # fmt: skip
        needs_reasoning: dict[str, str] = {
            EvidenceGrade.INFERRED: "how the value follows from what the source says",
            EvidenceGrade.DERIVED: "which recorded facts the value is computed from, and how",
            EvidenceGrade.UNSOURCED: "why no source gives the new value",
        }
        if (self.citing or self.unsourced) and not self.reasoning and self.grade in needs_reasoning:
            raise ValidationError({"reasoning": (
                f"the grade is “{self.grade}”: say here {needs_reasoning[self.grade]}."
            )})  # fmt: skip

    def after_save_instance(self, instance, row, **kwargs):
        """A citation of each source the row newly names, for the record as it is now; or, for a change no source
        gives, an unsourced citation with the row's reason."""
        file_name = kwargs.get("file_name") or "a file"
        target = {CITATION_FIELD[type(instance)]: instance}
        quote = normalise_line_endings(unescape(str(row.get("quote") or ""))).strip()
        note = "" if quote else f"Named in the sources column of an import from {file_name}."
        reasoning = "" if self.grade == EvidenceGrade.STATED else self.reasoning
        citations = [
            Citation(source=source, quote=quote, note=note, grade=self.grade, reasoning=reasoning, **target)
            for source in getattr(self, "citing", [])
        ]
        if getattr(self, "unsourced", False):
            citations.append(Citation(grade=EvidenceGrade.UNSOURCED, reasoning=self.reasoning, **target))
        for citation in citations:
            citation.full_clean()
            record_change(citation, reason=f"Cited by an import from {file_name}", user=kwargs.get("user"))
            citation.save()
        self.citing, self.unsourced = [], False


class EntitlementResource(AuditedResource):
    contract = fields.Field(column_name="contract", readonly=True, attribute="revision__contract__slug")
    revision = fields.Field(
        column_name="revision",
        attribute="revision",
        widget=RevisionWidget(Revision, "code", column="revision", what="revision"),
    )
    identifier = fields.Field(
        column_name="identifier", attribute="organisation", widget=IdentifierWidget(column="identifier")
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
    evidence = fields.Field(column_name="evidence", readonly=True)
    grade = fields.Field(column_name="grade", readonly=True)
    quote = fields.Field(column_name="quote", readonly=True)
    reasoning = fields.Field(column_name="reasoning", readonly=True)

    legacy_columns = {"ods_code": "identifier"}

    def record_key(self, row) -> tuple:
        # A revision code means something only within its contract.
        return (str(row.get("contract") or "").strip(), *super().record_key(row))

    class Meta:
        model = Entitlement
        fields = [
            "contract", "revision", "identifier", "organisation", "kind", "sector", "system",
            "status", "delivery_model", "slot", "reason", "sources", "evidence", "grade", "quote", "reasoning",
        ]  # fmt: skip
        import_id_fields = ["revision", "identifier", "system"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True


class OrganisationResource(AuditedResource):
    scheme = fields.Field(
        column_name="scheme",
        attribute="scheme",
        widget=CodeWidget(IdentifierScheme, "prefix", column="scheme", what="identifier scheme", upper=True),
    )
    code = fields.Field(column_name="code", attribute="code", widget=TextWidget())
    name = fields.Field(column_name="name", attribute="name", widget=TextWidget())
    short_name = fields.Field(column_name="short_name", attribute="short_name", widget=TextWidget())
    kind = fields.Field(
        column_name="kind", attribute="kind", widget=CodeWidget(OrganisationKind, "slug", column="kind", what="kind")
    )
    region = fields.Field(column_name="region", attribute="region", widget=TextWidget())
    sector = fields.Field(column_name="sector", attribute="sector", widget=TextWidget())
    sources = fields.Field(column_name="sources", readonly=True)
    grade = fields.Field(column_name="grade", readonly=True)
    quote = fields.Field(column_name="quote", readonly=True)
    reasoning = fields.Field(column_name="reasoning", readonly=True)

    class Meta:
        model = Organisation
        fields = [
            "scheme",
            "code",
            "name",
            "short_name",
            "kind",
            "region",
            "sector",
            "sources",
            "grade",
            "quote",
            "reasoning",
        ]
        import_id_fields = ["scheme", "code"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    legacy_columns = {"ods_code": "code"}

    def before_import(self, dataset, **kwargs):
        # A file without a scheme column (an earlier export's) gives ODS codes.
        if dataset.headers and "scheme" not in dataset.headers:
            dataset.append_col([ODS] * len(dataset), header="scheme")
        super().before_import(dataset, **kwargs)

    def before_import_row(self, row, **kwargs):
        row["scheme"] = str(row.get("scheme") or "").strip().upper() or ODS
        row["code"] = str(row.get("code") or "").strip().upper()
        super().before_import_row(row, **kwargs)
