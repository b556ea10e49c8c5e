"""The form every versioned record is edited with in the admin: stale saves refused, published data guarded, and
a changed fact saved only with its source, or with the reason it has none."""

from concurrency.core import _select_lock
from concurrency.exceptions import RecordModifiedError
from concurrency.forms import ConcurrentForm
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import ModelForm
from django.utils.functional import cached_property

from contracts.admin.conflicts import changed_meanwhile_message, mark_stale
from contracts.evidence import SOURCED_FIELDS
from contracts.models import EvidenceGrade, Revision, Source
from contracts.publishing import CORRECT_PUBLISHED, PUBLISH
from contracts.services.citing import ChangeSupport

# The form's own fields, beside the record's.
CITE_FIELDS = ["cite_source", "cite_quote", "cite_grade", "cite_reasoning", "unsourced_reason"]
FORM_ONLY_FIELDS = {"correction_reason", *CITE_FIELDS}


class CitingForm(forms.Form):
    """What an editor gives with a new or changed fact: the source and its words (and how it supports the value),
    or, with no source, the reason there is none."""

    cite_source = forms.ModelChoiceField(
        Source.objects.order_by("title"),
        required=False,
        label="Source of the new value",
        help_text="Needed when a sourced value (a status, a value, a date, a quantity) is new or changes.",
    )
    cite_quote = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 40}), label="Its words",
        help_text="The source's exact words for the new value, or a note of what it says.",
    )  # fmt: skip
    cite_grade = forms.ChoiceField(
        required=False, label="How it supports the new value", initial=EvidenceGrade.STATED,
        choices=[(grade.value, grade.label) for grade in EvidenceGrade if grade != EvidenceGrade.UNSOURCED],
    )  # fmt: skip
    cite_reasoning = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 40}), label="How it follows",
        help_text="For an inferred value, how it follows from what the source says; for a derived one, the recorded "
        "facts it is computed from.",
    )  # fmt: skip
    unsourced_reason = forms.CharField(
        required=False, max_length=300, label="Or: no source, because…",
        help_text="Saves the new value as unsourced, with this reason, which the data-quality page lists.",
    )  # fmt: skip

    def change_support(self) -> ChangeSupport:
        data = getattr(self, "cleaned_data", {})
        return ChangeSupport(
            source=data.get("cite_source"),
            quote=data.get("cite_quote") or "",
            grade=data.get("cite_grade") or EvidenceGrade.STATED,
            reasoning=data.get("cite_reasoning") or "",
            unsourced_reason=data.get("unsourced_reason") or "",
        )


class VersionedForm(CitingForm, ConcurrentForm):
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

    @cached_property
    def changed_data(self) -> list[str]:
        """The record's fields that changed. The form's own fields (a citation for a change, the reason for a
        correction) are not the record's: an inline row that does not show them, and so never sends them, is
        unchanged until one of the record's fields is."""
        return [name for name in super().changed_data if name not in FORM_ONLY_FIELDS]

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
        self._check_sourcing()
        return ModelForm.clean(self)

    def changed_sourced_fields(self) -> list[str]:
        """The record's sourced values this form sets or changes (all of them, for a new record)."""
        fields = [name for name in SOURCED_FIELDS.get(type(self.instance), ()) if name in self.fields]
        if self.instance.pk is None:
            return fields
        return [name for name in fields if name in self.changed_data]

    def _check_sourcing(self) -> None:
        """A new or changed fact comes with its source, or is saved unsourced with a reason. (A revert puts back
        values whose citations are kept, and current again.)"""
        support = self.change_support()
        if support.problem():
            self.add_error(None, support.problem())
            return
        changed = self.changed_sourced_fields()
        if not changed or support.given or getattr(self.request, "reverting_to", None):
            return
        named = ", ".join(str(self.instance._meta.get_field(name).verbose_name) for name in changed)
        verb = "is new" if self.instance.pk is None else "changed"
        self.add_error(
            None,
            f"The {named} {verb}: choose the source that gives the new value and give its words, or say why there "
            "is no source (“Or: no source, because…”).",
        )

    def _may(self, permission: str) -> bool:
        return self.user is not None and self.user.has_perm(permission)

    def _check_publishing(self) -> None:
        changed = list(self.changed_data)
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
