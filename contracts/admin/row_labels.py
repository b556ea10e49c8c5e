"""Editable tables in the admin (inline rows, a list's editable column) show each control's label only as a
column heading, which a screen reader does not announce with the control. Each control is named here instead:
its column and its row, as the row reads above it."""

from django.forms.utils import pretty_name


def label_row(form) -> None:
    row = str(form.instance) if form.instance.pk else "new row"
    for name, field in form.fields.items():
        widget = getattr(field.widget, "widget", field.widget)  # inside a related-object wrapper
        if not widget.is_hidden:
            widget.attrs["aria-label"] = f"{field.label or pretty_name(name)} – {row}"


def with_row_labels(form_class):
    """A list's editable rows."""

    class RowLabelledForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            label_row(self)

    RowLabelledForm.__name__ = RowLabelledForm.__qualname__ = form_class.__name__
    return RowLabelledForm


class RowLabelledInline:
    """A tabular inline's rows, their delete boxes included (the formset adds those after the form is made)."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class RowLabelledFormSet(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                label_row(form)

        RowLabelledFormSet.__name__ = RowLabelledFormSet.__qualname__ = formset.__name__
        return RowLabelledFormSet
