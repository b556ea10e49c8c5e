"""Entitlements in the workshop: the list, one entitlement's page, bulk status changes (each with its source, or the
reason there is none) and the spreadsheet import."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils.text import smart_split, unescape_string_literal

from contracts.admin.base import VersionedAdmin
from contracts.admin.forms import CitingForm
from contracts.admin.importing import AllOrNothingImportMixin
from contracts.admin.inlines import CitationInline
from contracts.imports import EntitlementResource
from contracts.models import Entitlement, EntitlementStatus, System
from contracts.publishing import may_change
from contracts.selectors.entitlements import entitlements_recorded
from contracts.services.citing import change_cite
from contracts.services.history import record_change
from nhsit.lib.pagination import CountedPaginator
from organisations.models import Organisation


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


def search_words(search_term: str) -> list[str]:
    """The words of an admin search, as the admin splits them: by spaces, a quoted phrase kept whole."""
    words = []
    for word in smart_split(search_term):
        if word.startswith(('"', "'")) and word[0] == word[-1]:
            word = unescape_string_literal(word)
        words.append(word)
    return words


# The most organisations a search word's are given to the database by id; more, and by the query finding them.
MOST_ORGANISATIONS_LISTED = 1_000

# The most entitlements the admin's list sorts by any column (at 100,000, in about 0.2 s).
SORTED_BY_ANY_COLUMN_UP_TO = 100_000

# The changelist's parameters that page or sort it and leave its rows as they are.
PAGING_ONLY = frozenset({"p", "o"})


@admin.register(Entitlement)
class EntitlementAdmin(AllOrNothingImportMixin, VersionedAdmin):
    list_display = ["organisation", "system", "revision", "status", "delivery_model", "deployment_slot"]
    list_filter = ["revision__contract", "revision", "system", "status", "organisation__kind"]
    # Searched by get_search_results, as the admin would search these.
    search_fields = ["organisation__code", "organisation__name", "system__name", "notes"]
    autocomplete_fields = ["revision", "organisation", "system"]
    list_select_related = ["organisation", "system", "revision__contract"]
    # In the order of the index of its unique (revision, organisation, system): a page of a million rows is read
    # from the index, not by sorting every joined row by names (1.5 s at a million; 4 s for page 100).
    ordering = ["revision_id", "organisation_id", "system_id"]
    # One count of the rows a filter leaves, not a second of every row besides.
    show_full_result_count = False

    def get_sortable_by(self, request):
        """Every column, up to SORTED_BY_ANY_COLUMN_UP_TO rows; past that, only the organisation, whose name's
        index gives its order (sorting a million rows by status, system or revision took 0.6–0.7 s; filter
        instead)."""
        if entitlements_recorded() <= SORTED_BY_ANY_COLUMN_UP_TO:
            return self.list_display
        return ["organisation"]

    def get_search_results(self, request, queryset, search_term):
        """As the admin searches `search_fields` (each word in any of them), but the organisations and systems a
        word names are found in their own tables first, and the rows asked for by their ids: a million rows are not
        joined to their organisations' and systems' names to be searched (a code one organisation has: 1.8 s).
        Given as ids, each part of the condition is one an index answers (the notes' by their trigrams, on
        PostgreSQL, contracts 0017, which holds only the notes given, so that a word of one or two letters, which
        has no trigram, is looked for in those), so the rows are found through them, not by reading every row
        (0.36 s)."""
        for word in search_words(search_term):
            organisations = Organisation.objects.filter(Q(code__icontains=word) | Q(name__icontains=word))
            named = list(organisations.values_list("pk", flat=True)[: MOST_ORGANISATIONS_LISTED + 1])
            systems = list(System.objects.filter(name__icontains=word).values_list("pk", flat=True))
            of_organisations = organisations.values("pk") if len(named) > MOST_ORGANISATIONS_LISTED else named
            queryset = queryset.filter(
                Q(organisation__in=of_organisations) | Q(system__in=systems) | (~Q(notes="") & Q(notes__icontains=word))
            )
        return queryset, False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        """Neither filtered nor searched (only paged or sorted), the list's rows are counted by the tally."""
        if request.GET.keys() <= PAGING_ONLY:
            count = entitlements_recorded()
            return CountedPaginator(queryset, per_page, orphans, allow_empty_first_page, count=count)
        return super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)

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
