"""Change-list columns that show values the way their sources give them."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin

from nhsit.lib.dates import partial_date_display
from nhsit.lib.money import gbp_display


def partial_date_column(prefix: str, description: str) -> Callable:
    """A column for the `<prefix>_on` date, no more precise than its `<prefix>_precision`."""

    @admin.display(description=description, ordering=f"{prefix}_on")
    def column(record: Any) -> str:
        return partial_date_display(getattr(record, f"{prefix}_on"), getattr(record, f"{prefix}_precision"))

    return column


def gbp_column(field: str, description: str, missing: str = "not recorded") -> Callable:
    @admin.display(description=description, ordering=field)
    def column(record: Any) -> str:
        return gbp_display(getattr(record, field), missing)

    return column
