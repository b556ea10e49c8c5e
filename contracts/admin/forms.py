"""The form every versioned record is edited with in the admin: stale saves refused, published data guarded."""

from concurrency.core import _select_lock
from concurrency.exceptions import RecordModifiedError
from concurrency.forms import ConcurrentForm
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import ModelForm

from contracts.admin.conflicts import changed_meanwhile_message, mark_stale
from contracts.models import Revision
from contracts.publishing import CORRECT_PUBLISHED, PUBLISH


class VersionedForm(ConcurrentForm):
    """Refuses a save based on an older version of the record, saying what changed meanwhile.

    What a published revision says (its own fields, its entitlements and deliverables) changes only for users who
    may correct published data, each change with its reason; only publishers publish and unpublish, and
    unpublishing asks for a reason too. The admin sets `user` and `request` on the form class it builds for each
    request; a form without a user may change nothing published.
    """

    user = None
    request = None
    correction_reason = forms.CharField(
        required=False,
        max_length=100,
        label="Reason for this correction",
        help_text="Required when changing data of a published revision, or unpublishing one: it is kept in the "
        "record's history.",
    )

    def clean(self):
        version_field = self.instance._concurrencymeta.field.name
        if self.instance.pk and version_field in self.cleaned_data:
            version = self.cleaned_data[version_field]
            try:
                _select_lock(self.instance, version)
            except RecordModifiedError:
                mark_stale(self.request)
                raise ValidationError({NON_FIELD_ERRORS: [changed_meanwhile_message(self.instance, version)]}) from None
        self._check_publishing()
        return ModelForm.clean(self)

    def _may(self, permission: str) -> bool:
        return self.user is not None and self.user.has_perm(permission)

    def _check_publishing(self) -> None:
        changed = [name for name in self.changed_data if name != "correction_reason"]
        if getattr(self.request, "reverting_to", None):
            # The form holds the old version, so it looks unchanged; against the record as it is, it changes it.
            changed = ["(reverted)"]
        if not changed:
            return
        if isinstance(self.instance, Revision):
            if "is_published" in changed and not self._may(PUBLISH):
                self.add_error(None, "Only a publisher can publish or unpublish a revision.")
                return
            stored = Revision.objects.filter(pk=self.instance.pk, is_published=True).first()
            if self.instance.pk is None or stored is None:
                return  # a draft, or a draft being published
            if changed == ["is_published"]:
                if not self.cleaned_data.get("correction_reason", "").strip():
                    self.add_error("correction_reason", "Say why it is being unpublished: it is kept in its history.")
                return
            revision = stored
        else:
            chosen = self.cleaned_data.get("revision") or getattr(self.instance, "revision", None)
            if chosen is None or not chosen.is_published:
                return
            revision = chosen
        if not self._may(CORRECT_PUBLISHED):
            self.add_error(None, f"{revision.title} is published: only someone who may correct published data can.")
        elif not self.cleaned_data.get("correction_reason", "").strip():
            self.add_error("correction_reason", "This record is published: say why it is being corrected.")
