"""What every editable record shares in the admin: history and revert, refused stale saves, published data."""

from concurrency.admin import ConcurrentModelAdmin
from concurrency.core import _select_lock
from concurrency.exceptions import RecordModifiedError
from concurrency.forms import ConcurrentForm
from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import ModelForm
from django.http import Http404
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from contracts.admin.row_labels import with_row_labels
from contracts.publishing import CORRECT_PUBLISHED, is_published, may_change
from contracts.services.history import UNTRACKED, changes_since


def changed_meanwhile_message(record, version: int):
    """Why a stale save was refused, naming each change made since the editor opened the record."""
    changes = changes_since(record, version)
    if not changes:
        return "Someone else saved this record after you opened it, so your save was refused. Reload it to see theirs."
    items = format_html_join(
        "",
        "<li>{} by {}: {}</li>",
        (
            (
                timezone.localtime(change.when).strftime("%d %b %Y %H:%M"),
                change.who,
                "; ".join(f"{item.field}: {item.old} → {item.new}" for item in change.changes) or change.kind,
            )
            for change in changes
        ),
    )
    return format_html(
        "Someone else saved this record after you opened it, so your save was refused and nothing was written. "
        "Changed meanwhile:<ul>{}</ul>Your values are still in the form below: reload the record to see the current "
        "version, then make your change again.",
        items,
    )


class VersionedForm(ConcurrentForm):
    """Refuses a save based on an older version of the record, saying what changed meanwhile.

    Rows of a published revision change only for users who may correct published data, each change with
    its reason. The admin sets `user` on the form class it builds for each request.
    """

    user = None
    correction_reason = forms.CharField(
        required=False,
        max_length=100,
        label="Reason for this correction",
        help_text="Required when changing data of a published revision: it is kept in the record's history.",
    )

    def clean(self):
        version_field = self.instance._concurrencymeta.field.name
        if self.instance.pk and version_field in self.cleaned_data:
            version = self.cleaned_data[version_field]
            try:
                _select_lock(self.instance, version)
            except RecordModifiedError:
                raise ValidationError({NON_FIELD_ERRORS: [changed_meanwhile_message(self.instance, version)]}) from None
        revision = self.cleaned_data.get("revision") or getattr(self.instance, "revision", None)
        if revision is not None and revision.is_published and self.has_changed():
            if self.user is not None and not self.user.has_perm(CORRECT_PUBLISHED):
                self.add_error(None, f"{revision.title} is published: only someone who may correct published data can.")
            elif not self.cleaned_data.get("correction_reason", "").strip():
                self.add_error("correction_reason", "This record is published: say why it is being corrected.")
        return ModelForm.clean(self)


class TrackedAdmin(SimpleHistoryAdmin):
    """Every save, by form, action or import, is kept: who, when, and field by field what changed."""

    def get_changelist_form(self, request, **kwargs):
        return with_row_labels(super().get_changelist_form(request, **kwargs))

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
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_well_formed(object_id, version_id)
        # Reverting saves an old version's values over the current record, guarded like any other save.
        request.reverting_to = version_id
        return super().history_form_view(request, object_id, version_id, extra_context)

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
        reason = form.cleaned_data.get("correction_reason", "") if hasattr(form, "cleaned_data") else ""
        if getattr(request, "reverting_to", None):
            entry = obj.history.filter(history_id=request.reverting_to).first()
            when = timezone.localtime(entry.history_date).strftime("%d %b %Y %H:%M") if entry else "an earlier date"
            reason = f"Reverted to the version of {when}" + (f": {reason}" if reason else "")
        obj._change_reason = reason or None
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for row in formset.forms:
            reason = getattr(row, "cleaned_data", {}).get("correction_reason")
            if reason:
                row.instance._change_reason = reason
        super().save_formset(request, form, formset, change)


class VersionedAdmin(TrackedAdmin, ConcurrentModelAdmin):
    """A tracked record that two editors cannot silently overwrite."""

    form = VersionedForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if self._asks_reason(request, obj) and "correction_reason" not in fields:
            fields.append("correction_reason")
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.fieldsets and self._asks_reason(request, obj):
            fieldsets = [*fieldsets, ("Correction", {"fields": ["correction_reason"]})]
        return fieldsets

    def _asks_reason(self, request, obj) -> bool:
        """A row of a published revision asks for a reason; so does a new row, whose revision may be published."""
        in_a_revision = any(field.name == "revision" for field in self.model._meta.fields)
        return in_a_revision and (obj is None or is_published(obj))

    def has_change_permission(self, request, obj=None):
        return (obj is None or may_change(request.user, obj)) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or may_change(request.user, obj)) and super().has_delete_permission(request, obj)
