from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from contracts.admin.base import VersionedAdmin
from contracts.admin.forms import CitingForm
from contracts.admin.inlines import COMPACT_TEXT, CitationInline, VersionedInlineMixin
from contracts.admin.row_labels import RowLabelledInline
from contracts.models import Entitlement, Revision, System
from contracts.publishing import CORRECT_PUBLISHED, PUBLISH
from contracts.services.revision_copy import RevisionCopyError, revision_copy
from nhsit.lib.admin_columns import gbp_column, partial_date_column
from nhsit.lib.dates import DatePrecision
from organisations.models import OrganisationKind

# Beyond this many rows, the revision page asks for a system or a kind before listing entitlements.
MOST_INLINE_ENTITLEMENTS = 300


class RevisionEntitlementInline(RowLabelledInline, VersionedInlineMixin, admin.TabularInline):
    """A revision's entitlements, narrowed by ?system=<slug>&kind=<kind> in the page's address."""

    formfield_overrides = COMPACT_TEXT
    model = Entitlement
    fields = [
        "organisation", "system", "status", "delivery_model", "deployment_slot", "withdrawal_reason",
        "cite_source", "cite_quote", "unsourced_reason", "correction_reason", "version",
    ]  # fmt: skip
    autocomplete_fields = ["organisation"]
    cached_choice_fields = ("system",)
    extra = 0
    template = "admin/contracts/revision/entitlement_inline.html"

    def get_queryset(self, request):
        entitlements = super().get_queryset(request).select_related("organisation", "system", "revision__contract")
        system, kind = request.GET.get("system"), request.GET.get("kind")
        if system:
            entitlements = entitlements.filter(system__slug=system)
        if kind:
            entitlements = entitlements.filter(organisation__kind=kind)
        if not (system or kind) and self._too_many(request):
            return entitlements.none()
        return entitlements.order_by("organisation__name", "system__name")

    def _too_many(self, request) -> bool:
        """Whether the revision on this page has too many entitlements to list unnarrowed (counted once)."""
        if not hasattr(request, "_too_many_entitlements"):
            match = request.resolver_match
            revision_id = str((match.kwargs or {}).get("object_id", "")) if match else ""
            request._too_many_entitlements = (
                revision_id.isascii()
                and revision_id.isdigit()
                and (Entitlement.objects.filter(revision_id=revision_id).count() > MOST_INLINE_ENTITLEMENTS)
            )
        return request._too_many_entitlements

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.systems = System.objects.filter(entitlements__revision=obj).distinct().order_by("name") if obj else []
        formset.kinds = list(OrganisationKind.objects.values_list("slug", "name"))
        formset.chosen = {"system": request.GET.get("system", ""), "kind": request.GET.get("kind", "")}
        formset.too_many = not (request.GET.get("system") or request.GET.get("kind")) and self._too_many(request)
        return formset


class RevisionCopyForm(CitingForm):
    code = forms.SlugField(max_length=40, help_text="Stable code for URLs and exports, e.g. ccn4.")
    title = forms.CharField(max_length=200)
    signed_on = forms.DateField(required=False, help_text="YYYY-MM-DD; leave blank if no source gives it.")
    signed_precision = forms.ChoiceField(choices=DatePrecision.choices, initial=DatePrecision.DAY)
    total_value = forms.DecimalField(
        required=False, max_digits=14, decimal_places=0, min_value=0, help_text="GBP, if a source states it."
    )

    def clean(self):
        support = self.change_support()
        if support.problem():
            raise ValidationError(support.problem())
        data = self.cleaned_data
        if (data.get("signed_on") or data.get("total_value") is not None) and not support.given:
            raise ValidationError(
                "The new revision's date and value are facts: choose the source that gives them and its words, or "
                "say why there is none."
            )
        return data

    def copy_values(self) -> dict:
        """What revision_copy takes of the form."""
        names = ["code", "title", "signed_on", "signed_precision", "total_value"]
        return {**{name: self.cleaned_data[name] for name in names}, "support": self.change_support()}


@admin.register(Revision)
class RevisionAdmin(VersionedAdmin):
    list_display = [
        "contract",
        "sequence",
        "code",
        "title",
        partial_date_column("signed", "signed"),
        gbp_column("total_value", "total value"),
        # Blank for the first revision, or when either value is unknown.
        gbp_column("value_change", "change against previous", missing="—"),
        "is_published",
    ]
    list_display_links = ["code", "title"]
    list_filter = ["contract", "is_published"]
    search_fields = ["code", "title", "contract__title", "contract__slug"]
    autocomplete_fields = ["contract"]
    list_select_related = ["contract"]
    # What a revision says of itself (its publishing and version apart).
    REVISION_FIELDS = [
        "contract", "code", "sequence", "title", "signed_on", "signed_precision", "total_value", "value_note",
        "summary",
    ]  # fmt: skip
    fields = [
        "contract",
        ("code", "sequence"),
        "title",
        ("signed_on", "signed_precision"),
        "total_value",
        "value_note",
        "summary",
        "is_published",
        "version",
    ]
    inlines = [RevisionEntitlementInline, CitationInline]
    actions = ["new_revision_from_this_one"]

    def get_queryset(self, request) -> QuerySet:
        return super().get_queryset(request).with_value_change()

    def has_change_permission(self, request, obj=None):
        # A publisher who edits nothing else may still publish and unpublish.
        return super().has_change_permission(request, obj) or request.user.has_perm(PUBLISH)

    def get_readonly_fields(self, request, obj=None):
        """Only publishers publish; a published revision's own fields change only as a correction."""
        user = request.user
        readonly = list(super().get_readonly_fields(request, obj))
        if not user.has_perm(PUBLISH):
            readonly.append("is_published")
        locked = obj is not None and obj.is_published and not user.has_perm(CORRECT_PUBLISHED)
        if locked or not user.has_perm("contracts.change_revision"):
            readonly += [name for name in self.REVISION_FIELDS if name not in readonly]
        return readonly

    def has_delete_permission(self, request, obj=None):
        # A published revision stays: corrections are recorded, never a silent removal.
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(
        description="New revision from this one (copies its entitlements and deliverables)", permissions=["add"]
    )
    def new_revision_from_this_one(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose exactly one revision to copy.", messages.ERROR)
            return None
        revision = queryset.select_related("contract").get()
        form = RevisionCopyForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                copy = revision_copy(revision=revision, user=request.user, **form.copy_values())
            except RevisionCopyError as error:
                form.add_error("code", str(error))
            else:
                self.message_user(
                    request,
                    f"{copy.title} was created with {copy.entitlements.count()} entitlements and "
                    f"{copy.deliverables.count()} deliverables copied from {revision.title}. Change what the "
                    "change note changed.",
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:contracts_revision_change", args=[copy.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"New revision from {revision.title}",
            "revision": revision,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "selected": f"{revision.pk},{revision.version}",
        }
        return TemplateResponse(request, "admin/contracts/revision/copy.html", context)
