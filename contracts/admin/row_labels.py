"""Editable tables in the admin (inline rows, a list's editable column) show each control's label only as a
column heading, which a screen reader does not announce with the control. Each control is named here instead:
its column and its row, as the row reads above it."""

from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin
from django.forms.utils import pretty_name

# What the mixins here are mixed into (for the type checker; at run time they stand alone).
if TYPE_CHECKING:
    InlineBase = admin.options.InlineModelAdmin
else:
    InlineBase = object


def label_row(form) -> None:
    row = str(form.instance) if form.instance.pk else "new row"
    for name, field in form.fields.items():
        widget = getattr(field.widget, "widget", field.widget)  # inside a related-object wrapper
        if not widget.is_hidden:
            widget.attrs["aria-label"] = f"{field.label or pretty_name(name)} – {row}"


def with_row_labels(form_class: type[forms.BaseForm]) -> type[forms.BaseForm]:
    """A list's editable rows."""

    def __init__(self, *args, **kwargs):
        form_class.__init__(self, *args, **kwargs)
        label_row(self)

    return type(form_class.__name__, (form_class,), {"__init__": __init__})


class RowLabelledInline(InlineBase):
    """A tabular inline's rows, their delete boxes included (the formset adds those after the form is made)."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        def add_fields(self, form, index):
            formset.add_fields(self, form, index)
            label_row(form)

        return type(formset.__name__, (formset,), {"add_fields": add_fields})
