"""The organisation register in the workshop: organisations with their entitlements, deployments, local systems,
successions and citations inline, and the suppliers, successions and local systems lists."""

from django.contrib import admin

from contracts.admin.base import VersionedAdmin
from contracts.admin.importing import AllOrNothingImportMixin
from contracts.admin.inlines import COMPACT_TEXT, CitationInline, VersionedInlineMixin
from contracts.admin.row_labels import RowLabelledInline
from contracts.imports import OrganisationResource
from contracts.models import Deployment, Entitlement
from nhsit.lib.admin_columns import partial_date_column
from nhsit.lib.admin_filters import BlankReadsUnknownFilter
from organisations.models import IdentifierScheme, LocalSystem, Organisation, OrganisationKind, Succession, Supplier


@admin.register(Supplier)
class SupplierAdmin(VersionedAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(IdentifierScheme)
class IdentifierSchemeAdmin(VersionedAdmin):
    list_display = ["prefix", "name", "example", "url"]
    search_fields = ["prefix", "name"]
    fields = ["prefix", "name", "code_pattern", "example", "url", "notes", "version"]


@admin.register(OrganisationKind)
class OrganisationKindAdmin(VersionedAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description", "version"]


class LocalSystemInline(RowLabelledInline, VersionedInlineMixin, admin.TabularInline):
    formfield_overrides = COMPACT_TEXT
    model = LocalSystem
    fields = [
        "product", "vendor", "kind", "status", "contract_expiry", "notes", "cite_source", "cite_quote",
        "unsourced_reason", "version",
    ]  # fmt: skip
    cached_choice_fields = ("vendor",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("vendor")


class SuccessionInline(RowLabelledInline, VersionedInlineMixin, admin.TabularInline):
    formfield_overrides = COMPACT_TEXT
    model = Succession
    fk_name = "predecessor"
    fields = [
        "successor", "effective_on", "effective_precision", "part", "notes", "cite_source", "cite_quote",
        "unsourced_reason", "version",
    ]  # fmt: skip
    autocomplete_fields = ["successor"]
    extra = 0
    verbose_name = "successor"
    verbose_name_plural = "passed into (successors)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("predecessor", "successor")


class EntitlementInline(RowLabelledInline, VersionedInlineMixin, admin.TabularInline):
    """All of an organisation's entitlements: every system, every revision."""

    formfield_overrides = COMPACT_TEXT
    model = Entitlement
    fields = [
        "revision", "system", "status", "delivery_model", "deployment_slot", "withdrawal_reason",
        "cite_source", "cite_quote", "unsourced_reason", "correction_reason", "version",
    ]  # fmt: skip
    cached_choice_fields = ("revision", "system")
    choice_select_related = {"revision": ["contract"]}
    extra = 0

    def get_queryset(self, request):
        # Each row shows its revision as "contract: title".
        return super().get_queryset(request).select_related("revision__contract", "system", "organisation")


class DeploymentInline(RowLabelledInline, VersionedInlineMixin, admin.TabularInline):
    formfield_overrides = COMPACT_TEXT
    model = Deployment
    fields = [
        "system", "site", "phase", "status", "go_live_on", "go_live_precision", "delivered_by", "cite_source",
        "cite_quote", "unsourced_reason", "version",
    ]  # fmt: skip
    cached_choice_fields = ("system", "delivered_by")
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("system", "delivered_by", "organisation")


@admin.register(Organisation)
class OrganisationAdmin(AllOrNothingImportMixin, VersionedAdmin):
    resource_classes = [OrganisationResource]
    list_display = [
        "code",
        "scheme",
        "name",
        "kind",
        "region",
        "sector",
        "is_foundation_trust",
        partial_date_column("closed", "closed"),
    ]
    list_display_links = ["code", "name"]
    list_filter = [
        "scheme",
        "kind",
        ("region", BlankReadsUnknownFilter),
        ("sector", BlankReadsUnknownFilter),
        "is_foundation_trust",
        "is_teaching",
    ]
    search_fields = ["code", "name", "short_name"]
    list_select_related = ["kind", "scheme"]
    fieldsets = [
        (None, {"fields": [("scheme", "code"), "name", "short_name", "kind", ("region", "sector")]}),
        (
            "Status",
            {
                "fields": [
                    ("is_teaching", "is_foundation_trust"),
                    ("opened_on", "opened_precision"),
                    ("closed_on", "closed_precision"),
                    "notes",
                    "version",
                ]
            },
        ),
    ]
    inlines = [EntitlementInline, DeploymentInline, LocalSystemInline, SuccessionInline, CitationInline]


@admin.register(Succession)
class SuccessionAdmin(VersionedAdmin):
    list_display = ["predecessor", "successor", "part", partial_date_column("effective", "effective")]
    search_fields = ["predecessor__code", "predecessor__name", "successor__code", "successor__name", "part"]
    autocomplete_fields = ["predecessor", "successor"]
    list_select_related = ["predecessor", "successor"]
    fields = ["predecessor", "successor", ("effective_on", "effective_precision"), "part", "notes", "version"]
    inlines = [CitationInline]


@admin.register(LocalSystem)
class LocalSystemAdmin(VersionedAdmin):
    list_display = ["product", "organisation", "vendor", "kind", "status", "contract_expiry"]
    list_filter = ["status", "vendor"]
    search_fields = ["product", "organisation__code", "organisation__name", "kind"]
    autocomplete_fields = ["organisation", "vendor"]
    list_select_related = ["organisation", "vendor"]
    inlines = [CitationInline]
