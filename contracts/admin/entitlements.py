"""Entitlements in the workshop: the list, one entitlement's page, bulk status changes (each with its source, or the
reason there is none) and the spreadsheet import."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.response import TemplateResponse

from contracts.admin.base import VersionedAdmin
from contracts.admin.forms import CitingForm
from contracts.admin.importing import AllOrNothingImportMixin
from contracts.admin.inlines import CitationInline
from contracts.imports import EntitlementResource
from contracts.models import Entitlement, EntitlementStatus
from contracts.publishing import may_change
from contracts.services.citing import change_cite
from contracts.services.history import record_change


class MarkForm(CitingForm):
    """A bulk status change: what supports the new status of every selected entitlement."""

    def clean(self):
        support = self.change_support()
        if support.problem():
            raise ValidationError(support.problem())
        if not support.given:
            raise ValidationError(
                "A new status is a new fact: choose the source that gives it and its words, or say why there is none."
            )
        return self.cleaned_data


def _mark(status: str):
    label = EntitlementStatus(status).label

    @admin.action(description=f"Mark selected as {label}", permissions=["change"])
    def action(modeladmin, request, queryset):
        entitlements = list(queryset.select_related("revision", "organisation", "system"))
        refused = [entitlement for entitlement in entitlements if not may_change(request.user, entitlement)]
        if refused:
            modeladmin.message_user(
                request,
                f"Nothing was changed: {len(refused)} of the selected entitlements belong to a published revision.",
                messages.ERROR,
            )
            return None
        form = MarkForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            context = {
                **modeladmin.admin_site.each_context(request),
                "title": f"Mark {len(entitlements)} entitlement{'s' if len(entitlements) != 1 else ''} as {label}",
                "entitlements": entitlements, "status": label, "form": form, "opts": modeladmin.model._meta,
                "action": f"mark_{status}", "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "selected": [f"{entitlement.pk},{entitlement.version}" for entitlement in entitlements],
            }  # fmt: skip
            return TemplateResponse(request, "admin/contracts/entitlement/mark.html", context)
        changed = 0
        with transaction.atomic():
            for entitlement in entitlements:
                if entitlement.status == status:
                    continue
                entitlement.status = status
                entitlement.full_clean()
                record_change(entitlement, reason=f"Bulk action: marked {label}", user=request.user)
                entitlement.save()
                change_cite(record=entitlement, support=form.change_support(), user=request.user)
                changed += 1
        modeladmin.message_user(request, f"{changed} entitlements marked {label}.")
        return None

    action.__name__ = f"mark_{status}"
    return action


@admin.register(Entitlement)
class EntitlementAdmin(AllOrNothingImportMixin, VersionedAdmin):
    list_display = ["organisation", "system", "revision", "status", "delivery_model", "deployment_slot"]
    list_filter = ["revision__contract", "revision", "system", "status", "organisation__kind"]
    search_fields = ["organisation__code", "organisation__name", "system__name", "notes"]
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
