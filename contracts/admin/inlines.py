"""Inline editing shared by the admin pages: citations on every sourced record, and cheap choice lists."""

import copy
from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import BaseInlineFormSet, ModelForm, Textarea

from contracts.admin.forms import VersionedForm
from contracts.admin.row_labels import InlineBase, RowLabelledInline
from contracts.models import Citation
from contracts.publishing import is_published, may_change, published_revision

# Inline rows stay a few lines high, however long their quotes and notes.
COMPACT_TEXT: dict[type[models.Field], dict[str, Any]] = {
    models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 40})}
}


class CachedChoicesMixin(InlineBase):
    """Foreign keys shown as plain selects whose choices are read once per page, not once per inline row.

    (An autocomplete widget looks up each row's selected value with its own query.)
    """

    cached_choice_fields: tuple[str, ...] = ()
    # What each choice's label reads, e.g. {"revision": ["contract"]} for "london-lsp: CCN3".
    choice_select_related: dict[str, list[str]] = {}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.choice_select_related:
            related = db_field.related_model._default_manager.select_related(*self.choice_select_related[db_field.name])
            kwargs.setdefault("queryset", related)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name in self.cached_choice_fields and field is not None:
            cache = request.__dict__.setdefault("_cached_admin_choices", {})
            key = db_field.related_model
            if key not in cache:
                cache[key] = list(cast(Iterable, field.choices))
            field.choices = cache[key]
        return field


class GuardedInlineFormSet(BaseInlineFormSet):
    """Inline rows whose deletion is guarded like their change: a row of a published revision is deleted only by
    someone who may correct published data, and with the reason, kept in its history. (Django does not validate a
    row marked for deletion, so the row's own form cannot say so.)"""

    def clean(self) -> None:
        super().clean()
        user = getattr(self.form, "user", None)
        for form in self.deleted_forms:
            record = form.instance
            if record.pk is None or not is_published(record):
                continue
            revision = published_revision(record)
            if user is None or not may_change(user, record):
                raise ValidationError(
                    f"“{record}” belongs to {revision.title if revision else 'a published revision'}, which is "
                    "published: only someone who may correct published data can delete it."
                )
            if not (form.cleaned_data.get("correction_reason") or "").strip():
                raise ValidationError(
                    f"“{record}” is published: say why it is being deleted, in its row's reason for the correction."
                )


class VersionedInlineMixin(CachedChoicesMixin):
    """Inline rows that refuse stale saves like any change form, and guard published revisions."""

    form: type[ModelForm] = VersionedForm
    formset = GuardedInlineFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        form = cast(type[VersionedForm], formset.form)
        form.user = request.user
        form.request = request
        sources = form.base_fields.get("cite_source")
        if isinstance(sources, forms.ModelChoiceField):  # read once for the page, not once per row
            # The field is the form class's declared one, shared by every form and request: this page's copy
            # holds this page's choices (else a source added later would be missing from every later page).
            sources = copy.deepcopy(sources)
            form.base_fields = {**form.base_fields, "cite_source": sources}
            cache = request.__dict__.setdefault("_cached_admin_choices", {})
            if "cite_source" not in cache:
                cache["cite_source"] = list(cast(Iterable, sources.choices))
            sources.choices = cache["cite_source"]
        return formset


class CitationRowForm(VersionedForm):
    """A citation's own row: it is the support, so it is not asked for one."""

    cite_source = None  # type: ignore[assignment]
    cite_quote = None  # type: ignore[assignment]
    cite_grade = None  # type: ignore[assignment]
    cite_reasoning = None  # type: ignore[assignment]
    unsourced_reason = None  # type: ignore[assignment]


class CitationInline(RowLabelledInline, VersionedInlineMixin, admin.TabularInline):
    """Sources and quotes behind the record being edited (Citation has one key to each kind of record), how each
    supports it, and whether it supports the record's values as they are now or earlier ones."""

    formfield_overrides = COMPACT_TEXT
    form = CitationRowForm
    model = Citation
    fields = ["source", "quote", "note", "grade", "reasoning", "current", "version"]
    readonly_fields = ["current"]
    cached_choice_fields = ("source",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")
