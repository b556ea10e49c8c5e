"""Shared pieces of the filter forms: values are stable codes, and a bad value is an error, never ignored."""

import django_filters
from django import forms
from django.db.models import QuerySet


def multiple_choice(field_name: str, label: str, choices=(), **kwargs) -> django_filters.MultipleChoiceFilter:
    """A filter on one or more codes, shown as checkboxes: `?kind=acute&kind=ambulance`."""
    return django_filters.MultipleChoiceFilter(
        field_name=field_name,
        label=label,
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        # Every filter here follows foreign keys to one row, so no row can repeat; DISTINCT would only cost.
        distinct=False,
        **kwargs,
    )


def set_choices(filterset: django_filters.FilterSet, name: str, choices) -> None:
    """Give one filter of this filter set (not its class) its choices, read from the database."""
    filterset.filters[name].extra["choices"] = list(choices)


def distinct_values(queryset: QuerySet, field: str) -> list[tuple[str, str]]:
    """(value, value) for each non-blank value of a text field, for a filter's choices."""
    values = queryset.exclude(**{field: ""}).order_by(field).values_list(field, flat=True).distinct()
    return [(value, value) for value in values]


def strict_rows(filterset: django_filters.FilterSet) -> QuerySet:
    """The filtered rows, or none at all when any filter value is invalid (never silently all rows)."""
    if filterset.is_bound and not filterset.is_valid():
        return filterset.queryset.none()
    return filterset.qs


def filter_words(filterset: django_filters.FilterSet) -> list[str]:
    """The chosen filter values, in the filters' order, for a file name that says what it holds."""
    if not filterset.is_bound or not filterset.is_valid():
        return []
    words: list[str] = []
    for name in filterset.filters:
        value = filterset.form.cleaned_data.get(name)
        if isinstance(value, list | tuple):
            words.extend(str(item) for item in value)
        elif value not in (None, ""):
            words.append(str(value))
    return words
