from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.contrib import admin

if TYPE_CHECKING:
    from django.contrib.admin.filters import _ListFilterChoices


class BlankReadsUnknownFilter(admin.AllValuesFieldListFilter):
    """A text field's values to filter by, where a blank value (no source gives one) reads "unknown"
    instead of being a link with no text."""

    def choices(self, changelist: Any) -> Iterator["_ListFilterChoices"]:
        for choice in super().choices(changelist):
            yield {**choice, "display": "unknown"} if choice["display"] == "" else choice
