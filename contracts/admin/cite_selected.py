"""The "Cite selected records" action of every list of cited records: one source, its words and its grade (and,
for an inference or a derivation, how), attached to every selected row at once, after a page asking for them.

The action needs the change permission on the rows (declared, so the list offers it only to those who have it);
records_cite checks it again with the permission to add citations and, row by row, the rules of published data."""

from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse

from contracts.admin.forms import CitingForm
from contracts.models import Citation, Source
from contracts.services.citing import CitingRefused, records_cite


class CiteSelectedForm(CitingForm):
    """The citation each selected record gets: a source is the point, so it is required, and there is no
    "unsourced" here."""

    unsourced_reason = None  # type: ignore[assignment]

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        source = self.fields["cite_source"]
        source.required = True
        source.label = "Source"
        source.help_text = "The source that supports each selected record as it now stands."
        source.widget = AutocompleteSelect(Citation._meta.get_field("source"), admin_site)
        source.queryset = Source.objects.order_by("title")  # type: ignore[attr-defined]
        self.fields["cite_quote"].label = "Its words"
        self.fields["cite_quote"].help_text = "The source's exact words, or a note of what it says of these records."
        self.fields["cite_grade"].label = "How it supports them"
        self.fields["cite_grade"].required = True

    def clean(self):
        support = self.change_support()
        if support.problem():
            raise ValidationError(support.problem())
        return self.cleaned_data


@admin.action(description="Cite selected records", permissions=["change"])
def cite_selected(modeladmin, request, queryset):
    records = list(queryset)
    form = CiteSelectedForm(request.POST if "apply" in request.POST else None, admin_site=modeladmin.admin_site)
    if form.is_valid():
        try:
            cited = records_cite(records=records, support=form.change_support(), user=request.user)
        except CitingRefused as error:
            modeladmin.message_user(request, str(error), messages.ERROR)
            return None
        source = form.cleaned_data["cite_source"]
        modeladmin.message_user(request, f"{cited} {_plural(modeladmin, cited)} cited from {source}.", messages.SUCCESS)
        return None
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"Cite {len(records)} {_plural(modeladmin, len(records))}",
        "records": records, "form": form, "media": modeladmin.media + form.media, "opts": opts,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        "selected": [f"{record.pk},{record.version}" for record in records],
    }  # fmt: skip
    return TemplateResponse(request, "admin/cite_selected.html", context)


def _plural(modeladmin, count: int) -> str:
    opts = modeladmin.model._meta
    return str(opts.verbose_name if count == 1 else opts.verbose_name_plural)
