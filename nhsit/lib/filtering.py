"""Shared pieces of the filter forms: values are stable codes, and a bad value is an error, never ignored.

So is a parameter a page does not know (`?sytem=rio`): a table that quietly ignored it would show every row
as if they were the answer.
"""

import difflib
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

import django_filters
from django import forms
from django.db import connection
from django.db.models import Field, Model, QuerySet

# What every table's address may hold besides its filters.
TABLE_PARAMETERS = frozenset({"page", "per_page", "sort", "_export"})


def unknown_parameters_message(unknown: list[str], known: set[str]) -> str:
    """Names each parameter the page does not know, with the nearest one it does, if any."""
    parts = []
    for name in unknown:
        shown = name[:40]
        guess = difflib.get_close_matches(name, sorted(known), n=1)
        parts.append(f"“{shown}” (did you mean “{guess[0]}”?)" if guess else f"“{shown}”")
    noun = "is not a filter" if len(unknown) == 1 else "are not filters"
    return (
        f"{', '.join(parts)} {noun} on this page, so nothing is shown. "
        f"This page's filters are: {', '.join(sorted(known - TABLE_PARAMETERS))}."
    )


def unknown_sort_message(unknown: list[str], sortable: frozenset[str]) -> str:
    named = ", ".join(f"“{key[:40]}”" for key in unknown)
    noun = "is not a column" if len(unknown) == 1 else "are not columns"
    return (
        f"sort: {named} {noun} this table sorts by, so nothing is shown. It sorts by: {', '.join(sorted(sortable))} "
        "(with “-” before one for the reverse order)."
    )


# The most choices an error message lists before it says how many more there are.
MOST_CHOICES_NAMED = 12


def invalid_choice_message(label: str, choices: Iterable[tuple[Any, Any]]) -> str:
    """ "There is no system called ‘nope’. Choose one of: cerner-millennium, rio, …": in words, naming the codes the
    filter takes (a %(value)s template, as Django's choice fields fill it)."""
    codes = [str(code) for code, _label in _flat_choices(choices) if str(code)]
    named = ", ".join(codes[:MOST_CHOICES_NAMED])
    if len(codes) > MOST_CHOICES_NAMED:
        named += f" and {len(codes) - MOST_CHOICES_NAMED} more"
    noun = re.sub(r"^(from|to|in|of) ", "", label.lower())
    offer = f" Choose one of: {named}." if codes else " There is nothing to choose from yet."
    return f"There is no {noun} called ‘%(value)s’ here.{offer.replace('%', '%%')}"


def _flat_choices(choices: Iterable[tuple[Any, Any]]) -> Iterable[tuple[Any, Any]]:
    for code, label in choices:
        if isinstance(label, list | tuple):
            yield from _flat_choices(label)
        else:
            yield code, label


class StrictFilterForm(forms.Form):
    """A filter form that refuses the whole request when its address holds a parameter it does not know, or a sort
    key that is not one of the table's sortable columns (`sortable`; None when the page has no table). A value
    that is not one of a filter's choices is named in words, with the choices there are."""

    accepted_parameters: frozenset[str] = TABLE_PARAMETERS
    sortable: frozenset[str] | None = None

    def full_clean(self) -> None:
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = invalid_choice_message(str(field.label), field.choices)  # type: ignore[arg-type]
        super().full_clean()

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        known = set(self.fields) | self.accepted_parameters
        unknown = [name for name in self.data if name not in known]
        if unknown:
            self.add_error(None, unknown_parameters_message(unknown, known))
        keys = self.data.getlist("sort") if hasattr(self.data, "getlist") else [self.data.get("sort", "")]
        if self.sortable is not None:
            unsortable = [key for key in keys if key and key.removeprefix("-") not in self.sortable]
            if unsortable:
                self.add_error(None, unknown_sort_message(unsortable, self.sortable))
        return cleaned


class StrictFilterSet(django_filters.FilterSet):
    """A filter set whose form refuses unknown parameters; `accepted_parameters` are the page's others, and
    `sortable` the columns its table sorts by (from nhsit.lib.tables.sortable_columns)."""

    accepted_parameters: frozenset[str] = TABLE_PARAMETERS

    def __init__(self, *args: Any, sortable: frozenset[str] | None = None, **kwargs: Any):
        self.sortable = sortable
        super().__init__(*args, **kwargs)

    def __init_subclass__(cls, **kwargs: Any):
        """A page asks whether its filters are valid many times (its rows, counts, chips, heading, download):
        each filter set's checks, some of which read the database, run once."""
        super().__init_subclass__(**kwargs)
        if "is_valid" in cls.__dict__:
            cls.is_valid = _checked_once(cls.__dict__["is_valid"])

    def get_form_class(self) -> type[StrictFilterForm]:
        fields = {name: filter_.field for name, filter_ in self.filters.items()}
        attributes = {**fields, "accepted_parameters": frozenset(self.accepted_parameters), "sortable": self.sortable}
        return type(f"{type(self).__name__}Form", (StrictFilterForm,), attributes)


def _checked_once(is_valid: Any) -> Any:
    @functools.wraps(is_valid)
    def once(self: Any) -> bool:
        answers = self.__dict__.setdefault("_validity", {})
        if is_valid not in answers:
            answers[is_valid] = is_valid(self)
        return answers[is_valid]

    return once


def multiple_choice(
    field_name: str, label: str, choices: Iterable[tuple[str, str]] = (), **kwargs: Any
) -> django_filters.MultipleChoiceFilter:
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


def set_choices(filterset: django_filters.FilterSet, name: str, choices: Iterable[tuple[str, str]]) -> None:
    """Give one filter of this filter set (not its class) its choices, read from the database."""
    filterset.filters[name].extra["choices"] = list(choices)


def distinct_values(model: type[Model], field: str) -> list[tuple[str, str]]:
    """(value, value) for each non-blank value of a text column, in order, for a filter's choices. On PostgreSQL
    each value is found from the last in the column's index (a loose index scan): as many steps as there are
    values, however many rows hold them; DISTINCT would read every row."""
    if connection.vendor != "postgresql":
        values = model._default_manager.exclude(**{field: ""}).order_by(field).values_list(field, flat=True)
        return [(value, value) for value in values.distinct()]
    quote = connection.ops.quote_name
    column = quote(cast(str, cast(Field, model._meta.get_field(field)).column))
    table = quote(model._meta.db_table)
    next_after = f"SELECT {column} FROM {table} WHERE {column} > %s ORDER BY {column} LIMIT 1"
    sql = (
        f"WITH RECURSIVE found(value) AS (({next_after}) UNION ALL "
        f"SELECT ({next_after.replace('%s', 'found.value')}) FROM found WHERE found.value IS NOT NULL) "
        "SELECT value FROM found WHERE value IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [""])
        return [(value, value) for (value,) in cursor.fetchall()]


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


class CodeListWidget(forms.TextInput):
    """One text box for a repeatable parameter: `?ods=RNJ&ods=RNH` fills it with "RNJ RNH", and a box of codes
    separated by spaces or commas submits them all."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name, "")]
        return [value for value in values if value is not None]

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, list | tuple):
            return " ".join(str(item) for item in value) or None
        return super().format_value(value)


class CodeListField(forms.Field):
    """Codes, each up to `max_length` characters, at most `max_items` of them, upper-cased."""

    widget = CodeListWidget

    def __init__(self, *, max_items: int = 50, max_length: int = 60, **kwargs: Any):
        self.max_items, self.max_length = max_items, max_length
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[str]:
        values = value if isinstance(value, list | tuple) else [value or ""]
        codes = [code.upper() for text in values for code in str(text).replace(",", " ").split()]
        return list(dict.fromkeys(codes))

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        if len(value) > self.max_items:
            raise forms.ValidationError(f"At most {self.max_items} codes, please.")
        too_long = [code for code in value if len(code) > self.max_length]
        if too_long:
            raise forms.ValidationError(f"“{too_long[0][:40]}…” is longer than any code.")


class CodeListFilter(django_filters.Filter):
    field_class = CodeListField


def rows_without(filterset: django_filters.FilterSet, *names: str) -> QuerySet:
    """The rows every filter but `names` leaves: what facets of `names` count (the filter set is valid)."""
    cleaned = filterset.form.cleaned_data
    kept = {key: value for key, value in cleaned.items() if key not in names}
    filterset.form.cleaned_data = kept
    try:
        return filterset.filter_queryset(filterset.queryset.all())
    finally:
        filterset.form.cleaned_data = cleaned


@dataclass(frozen=True)
class AppliedFilter:
    """One value a filter applies, and the address of the same page without it."""

    label: str
    value: str
    without: str


def applied_filters(filterset: django_filters.FilterSet, *, keep: Iterable[str] = ()) -> list[AppliedFilter]:
    """Each chosen value of each filter (not those in `keep`, which a page always has, such as its revisions), in
    the filters' order, with the query string that removes just it (and goes back to the first page)."""
    if not filterset.is_bound or not filterset.is_valid():
        return []
    data = filterset.data
    applied = []
    for name, field in filterset.form.fields.items():
        if name in keep or name not in data:
            continue
        labels = dict(_flat_choices(getattr(field, "choices", [])))
        values = data.getlist(name) if hasattr(data, "getlist") else [data[name]]
        for value in values:
            if value in ("", None):
                continue
            remaining = data.copy()
            remaining.setlist(name, [other for other in values if other != value])
            remaining.pop("page", None)
            shown = re.sub(r" \([\d,]+\)$", "", str(labels.get(value, value)))
            applied.append(AppliedFilter(str(field.label), shown, remaining.urlencode()))
    return applied


def chosen_labels(filterset: django_filters.FilterSet, name: str) -> list[str]:
    """The labels of the values chosen for one filter ([] when none, or the filters are not valid)."""
    if not filterset.is_bound or not filterset.is_valid():
        return []
    value = filterset.form.cleaned_data.get(name)
    values = value if isinstance(value, list | tuple) else ([value] if value not in (None, "") else [])
    field = filterset.form.fields[name]
    if not hasattr(field, "choices"):
        return [f"“{item}”" for item in values]
    labels = dict(_flat_choices(field.choices))
    return [re.sub(r" \([\d,]+\)$", "", str(labels.get(str(item), item))) for item in values]
