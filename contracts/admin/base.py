"""What every editable record shares in the admin: history and revert, refused stale saves, published data.

Every write is checked where it is made: the history form (revert) refuses a POST from anyone who may not change
the record, each action declares the permission it needs, and a save based on an older version of a record is
never acknowledged. It is refused with the record's page and a 409 status when the form can tell, or with the
409 "not saved" page when two saves meet in the database itself (django-concurrency's list-editable policy is
set to abort, in settings, because its default swallows the conflict and lets the admin report success).
"""

from concurrency.admin import ConcurrentModelAdmin
from concurrency.exceptions import RecordModifiedError
from django.contrib.admin.utils import unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import router, transaction
from django.http import Http404
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from contracts.admin.cite_selected import cite_selected
from contracts.admin.conflicts import conflict, selected_versions, with_conflict_status
from contracts.admin.forms import CITE_FIELDS, VersionedForm
from contracts.admin.row_labels import with_row_labels
from contracts.admin.sorting import SortedAsOffered
from contracts.evidence import CITATION_FIELD, SOURCED_FIELDS
from contracts.publishing import is_published, may_change
from contracts.services.citing import change_cite
from contracts.services.history import UNTRACKED
from contracts.services.seed import SEED_REASON


class TrackedAdmin(SimpleHistoryAdmin):
    """Every save, by form, action or import, is kept: who, when, and field by field what changed."""

    def get_changelist_form(self, request, **kwargs):
        return with_row_labels(super().get_changelist_form(request, **kwargs))

    def get_changelist(self, request, **kwargs):
        return SortedAsOffered

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(current, excluded_fields=UNTRACKED, foreign_keys_are_objs=True)
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current

    def history_view(self, request, object_id, extra_context=None):
        self._require_well_formed(object_id)
        return super().history_view(request, object_id, {"seed_reason": SEED_REASON, **(extra_context or {})})

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A past version, and reverting to it. simple-history checks only that the user may see the history, and
        saves whatever is posted: here a revert is a change like any other, refused to anyone who may not make
        it (to the record as it is now, and as it would be)."""
        self._require_well_formed(object_id, version_id)
        if request.method == "POST":
            current = self.get_object(request, unquote(object_id))
            past = self.model.history.filter(**{self.model._meta.pk.attname: current.pk if current else None})
            past = past.filter(history_id=version_id).first()
            if current is None or past is None:
                raise Http404(f"There is no such version of this {self.model._meta.verbose_name}.")
            may_revert = self.has_change_permission(request, current) and self.has_change_permission(
                request, past.instance
            )
            if not may_revert:
                raise PermissionDenied
        # Reverting saves an old version's values over the current record, guarded like any other save.
        request.reverting_to = version_id
        with transaction.atomic(using=router.db_for_write(self.model)):
            response = super().history_form_view(request, object_id, version_id, extra_context)
        return with_conflict_status(request, response)

    def _require_well_formed(self, object_id, version_id=None):
        """An address whose record or version id cannot exist is a page that does not exist.

        (simple-history would pass such an id straight to the database, which refuses it with a server error.)
        """
        try:
            self.model._meta.pk.to_python(unquote(object_id))
            if version_id is not None:
                self.model.history.model._meta.pk.to_python(version_id)
        except ValidationError:
            raise Http404(f"There is no {self.model._meta.verbose_name} history at this address.") from None

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and getattr(request, "reverting_to", None) and hasattr(obj, "_concurrencymeta"):
            # The old version's values, checked against the version the editor sees now.
            obj.version = type(obj)._base_manager.filter(pk=obj.pk).values_list("version", flat=True).first() or 0
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        reverting = getattr(request, "reverting_to", None)
        if change and not reverting and not form.has_changed():
            # Nothing to write: saving anyway would add an empty history entry and, by raising the record's
            # version, refuse every other editor's open form for no change at all.
            self._refuse_if_stale(obj, form)
            return
        reason = form.cleaned_data.get("correction_reason", "") if hasattr(form, "cleaned_data") else ""
        if reverting:
            current = self._keep_read_only_fields(request, obj)
            if all(
                getattr(obj, field.attname) == getattr(current, field.attname)
                for field in obj._meta.concrete_fields
                if field.attname != "version"
            ):
                self._refuse_if_stale(obj, form)
                return  # what this user may revert is as it was already
            entry = obj.history.filter(history_id=request.reverting_to).first()
            when = timezone.localtime(entry.history_date).strftime("%d %b %Y %H:%M") if entry else "an earlier date"
            reason = f"Reverted to the version of {when}" + (f": {reason}" if reason else "")
        obj._change_reason = reason or None
        super().save_model(request, obj, form, change)
        self._cite(request, obj, form)

    @staticmethod
    def _refuse_if_stale(obj, form) -> None:
        """A save that writes nothing is still refused if the record changed since the editor opened it: they
        are told their save was not made, never that it was."""
        meta = getattr(obj, "_concurrencymeta", None)
        posted = form.cleaned_data.get(meta.field.name) if meta is not None else None
        if meta is not None and posted is not None:
            stored = type(obj)._base_manager.filter(pk=obj.pk).values_list(meta.field.attname, flat=True).first()
            if stored != posted:
                raise RecordModifiedError("Changed by someone else since it was opened.", target=obj)

    def _keep_read_only_fields(self, request, obj):
        """A revert puts back the whole record, except the fields this user may not change (whether a revision
        is published, say): those keep their current values. Returns the record as stored."""
        current = type(obj)._base_manager.get(pk=obj.pk)
        for name in self.get_readonly_fields(request, current):
            try:
                field = obj._meta.get_field(name)
            except FieldDoesNotExist:  # a column that only displays
                continue
            if getattr(field, "concrete", False) and field.attname != "version":
                setattr(obj, field.attname, getattr(current, field.attname))
        return current

    def log_change(self, request, obj, message):
        return super().log_change(request, obj, message) if message else None

    def save_formset(self, request, form, formset, change):
        for row in formset.forms:
            reason = getattr(row, "cleaned_data", {}).get("correction_reason")
            if reason:
                row.instance._change_reason = reason
        super().save_formset(request, form, formset, change)
        for row in formset.forms:
            if isinstance(row, VersionedForm) and row.instance.pk and row not in formset.deleted_forms:
                self._cite(request, row.instance, row)

    @staticmethod
    def _cite(request, record, form) -> None:
        """The source (or the reason for none) given with a change, as a citation of the record as saved."""
        support = form.change_support() if isinstance(form, VersionedForm) else None
        if support is not None and support.given:
            change_cite(record=record, support=support, user=request.user)


class VersionedAdmin(TrackedAdmin, ConcurrentModelAdmin):
    """A tracked record that two editors cannot silently overwrite."""

    form = VersionedForm

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        if model in CITATION_FIELD:  # every list of records a citation can support can cite its rows
            self.actions = [*(self.actions or []), cite_selected]  # type: ignore[has-type]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        form.request = request
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return with_conflict_status(request, super().changeform_view(request, object_id, form_url, extra_context))

    def response_action(self, request, queryset):
        """An action runs on the versions of the rows the editor saw, or not at all: the selected rows are locked
        and, if any has been saved since the list was shown, nothing is done and the answer is 409."""
        versions = selected_versions(request)
        with transaction.atomic(using=router.db_for_write(self.model)):
            if versions and request.POST.get("select_across") != "1":
                current = dict(
                    self.model._base_manager.select_for_update()
                    .filter(pk__in=versions)
                    .values_list("pk", self.model._concurrencymeta.field.attname)
                )
                if current != versions:
                    return conflict(
                        request,
                        message="One or more of the selected records were changed, or deleted, by someone else after "
                        "you opened the list, so the action was not carried out and nothing was changed.",
                    )
            return super().response_action(request, queryset)

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if self._asks_reason(request, obj) and "correction_reason" not in fields:
            fields.append("correction_reason")
        if not self.fieldsets and self._asks_source(request, obj):
            fields += [name for name in CITE_FIELDS if name not in fields]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.fieldsets and self._asks_reason(request, obj):
            fieldsets = [*fieldsets, ("Correction", {"fields": ["correction_reason"]})]
        if self.fieldsets and self._asks_source(request, obj):
            fieldsets = [*fieldsets, ("Source for what changed", {"fields": CITE_FIELDS})]
        return fieldsets

    def _asks_source(self, request, obj) -> bool:
        """A record with sourced values asks, of whoever may change it, for the source of a new or changed one."""
        may = self.has_change_permission(request, obj) if obj is not None else self.has_add_permission(request)
        return bool(SOURCED_FIELDS.get(self.model)) and may

    def _asks_reason(self, request, obj) -> bool:
        """A published revision or a row of one asks for a reason; so does a new row, whose revision may be
        published."""
        in_a_revision = any(field.name == "revision" for field in self.model._meta.fields)
        return is_published(obj) if obj is not None else in_a_revision

    def has_change_permission(self, request, obj=None):
        return (obj is None or may_change(request.user, obj)) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or may_change(request.user, obj)) and super().has_delete_permission(request, obj)
