from django.contrib import admin


class BlankReadsUnknownFilter(admin.AllValuesFieldListFilter):
    """A text field's values to filter by, where a blank value (no source gives one) reads "unknown"
    instead of being a link with no text."""

    def choices(self, changelist):
        for choice in super().choices(changelist):
            yield {**choice, "display": "unknown"} if choice["display"] == "" else choice
