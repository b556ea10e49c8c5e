"""Facet counts: beside each value of a filter, how many rows choosing only that value would give, the other
filters as they are (Datasette's facets). Each facet's link replaces the filter's values with its own, so the
count is exactly what the click gives."""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django import forms
from django.http import QueryDict

# A page's counts per filter: {filter name: {value: rows}}.
FacetCounts = dict[str, Counter]


@dataclass(frozen=True)
class FacetValue:
    code: str
    label: str
    count: int
    chosen: bool
    only_this: str  # the query string choosing only this value of the filter


def tuple_counts(rows: Iterable[tuple], fields: list[str], chosen: Mapping[str, list[str]]) -> FacetCounts:
    """Facet counts from grouped rows: each row is the fields' values then a count, over the rows no facet
    filter narrows. A value's count is the rows with it whose other fields are each among the values chosen for
    them (any, where none is chosen)."""
    counts: FacetCounts = {name: Counter() for name in fields}
    wanted = {name: {str(value) for value in values} for name, values in chosen.items() if values}
    for *values, number in rows:
        as_text = [_code(value) for value in values]
        fits = [not wanted.get(name) or value in wanted[name] for name, value in zip(fields, as_text, strict=True)]
        for index, name in enumerate(fields):
            if all(fit for other, fit in enumerate(fits) if other != index):
                counts[name][as_text[index]] += number
    return counts


def tuple_total(rows: Iterable[tuple], fields: list[str], chosen: Mapping[str, list[str]]) -> int:
    """How many rows the filters chosen leave, from grouped rows as tuple_counts() takes them."""
    wanted = {name: {str(value) for value in values} for name, values in chosen.items() if values}
    return sum(
        number
        for *values, number in rows
        if all(not wanted.get(name) or _code(value) in wanted[name] for name, value in zip(fields, values, strict=True))
    )


def facet_values(
    *, name: str, choices: Iterable[tuple[str, str]], counts: Counter, data: QueryDict, drop: Iterable[str] = ()
) -> list[FacetValue]:
    """A filter's choices with their counts and only-this links (without `drop`, such as the page number)."""
    chosen = set(data.getlist(name))
    values = []
    for code, label in choices:
        query = data.copy()
        for parameter in [name, *drop]:
            query.pop(parameter, None)
        query.setlist(name, [str(code)])
        code = str(code)
        values.append(FacetValue(code, str(label), counts.get(code, 0), code in chosen, query.urlencode()))
    return values


def _code(value: object) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return "" if value is None else str(value)


def counts_in_labels(form: forms.Form, counts: FacetCounts) -> None:
    """Each option of the form's drop-down filters labelled with its count: "London LSP (78)"."""
    for name, by_value in counts.items():
        field = form.fields.get(name)
        if field is None or isinstance(field.widget, forms.CheckboxSelectMultiple) or not hasattr(field, "choices"):
            continue
        field.choices = [
            (code, f"{label} ({by_value.get(str(code), 0):,})" if code not in ("", None) else label)
            for code, label in field.choices
        ]
