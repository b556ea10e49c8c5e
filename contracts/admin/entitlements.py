from concurrency.admin import ConcurrentBaseModelFormSet
from concurrency.compat import concurrency_param_name
from django.contrib import admin, messages
from django.db import transaction

from contracts.admin.base import VersionedAdmin
from contracts.admin.importing import AllOrNothingImportMixin
from contracts.admin.inlines import CitationInline
from contracts.imports import EntitlementResource
from contracts.models import Entitlement, EntitlementStatus
from contracts.publishing import is_published, may_change
from contracts.services.history import record_change


class EntitlementListFormSet(ConcurrentBaseModelFormSet):
    """Status edited in the list: refused for a published revision, whose corrections need a reason."""

    def clean(self):
        super().clean()
        for form in self.forms:
            if form.has_changed() and f"{concurrency_param_name}_{form.instance.pk}" not in self.data:
                # Without the version the list showed, a stale edit could not be told from a fresh one.
                form.add_error(None, "This row was sent without the version it was read at: reload the list.")
            elif form.has_changed() and is_published(form.instance):
                form.add_error(
                    None,
                    f"{form.instance.revision.title} is published: correct it from the entitlement's own page, "
                    "where the reason is asked for.",
                )


def _mark(status: str):
    @admin.action(description=f"Mark selected as {EntitlementStatus(status).label}", permissions=["change"])
    def action(modeladmin, request, queryset):
        entitlements = list(queryset.select_related("revision", "organisation", "system"))
        refused = [entitlement for entitlement in entitlements if not may_change(request.user, entitlement)]
        if refused:
            modeladmin.message_user(
                request,
                f"Nothing was changed: {len(refused)} of the selected entitlements belong to a published revision.",
                messages.ERROR,
            )
            return
        changed = 0
        with transaction.atomic():
            for entitlement in entitlements:
                if entitlement.status == status:
                    continue
                entitlement.status = status
                record_change(
                    entitlement, reason=f"Bulk action: marked {EntitlementStatus(status).label}", user=request.user
                )
                entitlement.save()
                changed += 1
        modeladmin.message_user(request, f"{changed} entitlements marked {EntitlementStatus(status).label}.")

    action.__name__ = f"mark_{status}"
    return action


@admin.register(Entitlement)
class EntitlementAdmin(AllOrNothingImportMixin, VersionedAdmin):
    list_display = ["organisation", "system", "revision", "status", "delivery_model", "deployment_slot"]
    list_editable = ["status"]
    list_filter = ["revision__contract", "revision", "system", "status", "organisation__kind"]
    search_fields = ["organisation__ods_code", "organisation__name", "system__name", "notes"]
    autocomplete_fields = ["revision", "organisation", "system"]
    list_select_related = ["organisation", "system", "revision__contract"]
    fields = [
        "revision",
        "organisation",
        "system",
        "status",
        "delivery_model",
        "deployment_slot",
        "withdrawal_reason",
        "notes",
        "version",
    ]
    inlines = [CitationInline]
    actions = [_mark(status) for status in ["entitled", "not_entitled", "declined", "unknown"]]
    resource_classes = [EntitlementResource]

    def get_changelist_formset(self, request, **kwargs):
        kwargs["formset"] = EntitlementListFormSet
        return admin.ModelAdmin.get_changelist_formset(self, request, **kwargs)
