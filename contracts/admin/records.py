from django.contrib import admin
from django.db import models
from django.utils.html import format_html

from contracts.admin.base import VersionedAdmin
from contracts.admin.contract_upload import ContractUploadMixin
from contracts.admin.inlines import CitationInline
from contracts.models import (
    CITABLE,
    Citation,
    Contract,
    Deliverable,
    Deployment,
    ReportedFigure,
    Source,
    System,
)
from contracts.selectors.citations import CITATION_TARGETS_RELATED
from contracts.services.featuring import stop_featuring_others
from contracts.services.reconcile import reported_figure_reconcile
from nhsit.lib.admin_columns import partial_date_column
from nhsit.lib.admin_filters import BlankReadsUnknownFilter


@admin.register(Contract)
class ContractAdmin(ContractUploadMixin, VersionedAdmin):
    list_display = ["title", "slug", "supplier", "region", partial_date_column("signed", "signed"), "is_featured"]
    search_fields = ["title", "slug", "programme"]
    autocomplete_fields = ["supplier"]
    prepopulated_fields = {"slug": ["title"]}
    fields = [
        "title", "slug", "programme", "supplier", "region", ("signed_on", "signed_precision"), "description",
        "is_featured", "version",
    ]  # fmt: skip
    inlines = [CitationInline]

    def save_model(self, request, obj, form, change):
        # In the form's transaction: featuring this one and no longer featuring another are one change.
        if obj.is_featured:
            stop_featuring_others(obj, user=request.user)
        super().save_model(request, obj, form, change)


@admin.register(System)
class SystemAdmin(VersionedAdmin):
    list_display = ["name", "slug", "vendor", "category", "scope"]
    list_filter = ["scope", ("category", BlankReadsUnknownFilter)]
    search_fields = ["name", "slug", "category"]
    autocomplete_fields = ["vendor"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CitationInline]


@admin.register(Deliverable)
class DeliverableAdmin(VersionedAdmin):
    list_display = ["title", "code", "revision", "system", "status", "quantity", "unit", "delivered_quantity"]
    list_filter = ["revision__contract", "revision", "system", "status"]
    search_fields = ["title", "code", "terms"]
    autocomplete_fields = ["revision", "system"]
    list_select_related = ["revision__contract", "system"]
    fields = [
        "revision",
        "system",
        ("code", "title"),
        "status",
        ("quantity", "quantity_qualifier", "unit"),
        ("delivered_quantity", "delivered_qualifier"),
        ("end_on", "end_precision"),
        "terms",
        "notes",
        "version",
    ]
    inlines = [CitationInline]


@admin.register(Deployment)
class DeploymentAdmin(VersionedAdmin):
    list_display = [
        "organisation",
        "system",
        "site",
        "phase",
        "status",
        partial_date_column("go_live", "go-live"),
        "delivered_by",
    ]
    list_filter = ["system", "status", "delivered_by", "contract"]
    search_fields = ["organisation__code", "organisation__name", "site", "phase", "notes"]
    autocomplete_fields = ["organisation", "system", "contract", "delivered_by"]
    list_select_related = ["organisation", "system", "delivered_by"]
    fields = [
        "organisation",
        "system",
        "contract",
        ("site", "phase"),
        "status",
        ("slot_start", "slot_end"),
        ("go_live_on", "go_live_precision"),
        "delivered_by",
        "delivery_model",
        "notes",
        "version",
    ]
    inlines = [CitationInline]


@admin.register(Source)
class SourceAdmin(VersionedAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = [
        "title", "key", "kind", "publisher", "author", ("published_on", "published_precision"), "url", "notes",
        "version",
    ]  # fmt: skip
    list_display = ["title", "publisher", "kind", partial_date_column("published", "published"), "key"]
    list_filter = ["kind", ("publisher", BlankReadsUnknownFilter)]
    search_fields = ["title", "key", "publisher", "author", "url"]
    prepopulated_fields = {"key": ["title"]}


@admin.register(Citation)
class CitationAdmin(VersionedAdmin):
    list_display = ["source", "supports", "grade", "current", "excerpt"]
    list_filter = ["grade", "current", "source__kind", "source"]
    search_fields = ["quote", "note", "reasoning", "source__title", "source__key"]
    readonly_fields = ["current"]
    autocomplete_fields = ["source", *(name for name, _model in CITABLE)]
    list_select_related = CITATION_TARGETS_RELATED

    @admin.display(description="supports")
    def supports(self, citation):
        return citation.target

    @admin.display(description="quote, note or reasoning")
    def excerpt(self, citation):
        text = citation.quote or citation.note or citation.reasoning
        return text if len(text) <= 120 else f"{text[:117]}…"


@admin.register(ReportedFigure)
class ReportedFigureAdmin(VersionedAdmin):
    list_display = ["statement", "qualifier", "value", "unit", "measure", "contract"]
    list_filter = ["contract", "measure", "qualifier"]
    search_fields = ["statement", "key", "notes"]
    autocomplete_fields = ["contract", "system", "base_revision", "revision", "deliverable", "delivered_by"]
    readonly_fields = ["records_give"]
    fieldsets = [
        (
            None,
            {"fields": ["contract", "key", "statement", ("value", "qualifier", "unit"), "as_of", "notes", "version"]},
        ),
        ("Beside the records", {"fields": ["records_give"]}),
        (
            "What the records should count",
            {
                "fields": [
                    "measure",
                    "system",
                    ("base_revision", "revision"),
                    "deliverable",
                    "delivered_by",
                    "organisation_kinds",
                    ("outcome", "status"),
                ]
            },
        ),
    ]
    inlines = [CitationInline]

    @admin.display(description="the records give")
    def records_give(self, figure):
        if figure.pk is None:
            return "—"
        (result,) = reported_figure_reconcile(figures=[figure])
        recorded = "nothing comparable" if result.recorded is None else result.recorded
        return format_html(
            "<div><strong>recorded</strong>: {}</div><div><strong>unknown that could count</strong>: {}</div>"
            '<div><strong>verdict</strong>: <span class="verdict verdict-{}">{}</span></div>',
            recorded,
            result.unknown,
            result.verdict,
            result.verdict_label,
        )
