"""Pages found by where they start (keyset, or "seek", pagination), so that a page deep in a long table costs what
the first one does: `?after=<cursor>` is the page after a row, `?before=<cursor>` the page before one. A cursor is
the sort key of that row, opaque in the address; one that cannot be read is a 400 that says so."""

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import BadRequest
from django.db.models import Q, QuerySet
from django.http import HttpRequest

AFTER, BEFORE = "after", "before"
PARAMETERS = (AFTER, BEFORE)
KEYSET_PARAMETERS = frozenset(PARAMETERS)


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: just after (or, going back, just before) the row whose sort key is `key`."""

    key: tuple[Any, ...]
    backwards: bool = False


def cursor_text(key: Sequence[Any], *, order: str | None = None) -> str:
    """The cursor of a row's sort key (made for `order`, when the list has several)."""
    if order is not None:
        key = [order, *key]
    return base64.urlsafe_b64encode(json.dumps(list(key), separators=(",", ":")).encode()).decode().rstrip("=")


def read_cursor(text: str, *, types: Sequence[type], order: str | None = None) -> tuple[Any, ...]:
    """The sort key a cursor holds, each value of its type (an int, a str). With `order`, the cursor names the order
    it was made for first, and one made for another order is refused in words."""
    try:
        key = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (binascii.Error, ValueError):
        key = None
    if order is not None and isinstance(key, list) and key and isinstance(key[0], str) and key[0] != order:
        raise BadRequest(
            f"This place in the list belongs to the list in another order (“{key[0][:40]}”), not this one "
            f"(“{order}”): follow the Next and Previous links of this order, or start from its first page."
        )
    kinds = [str, *types] if order is not None else list(types)
    if (
        not isinstance(key, list)
        or len(key) != len(kinds)
        or not all(type(value) is kind for value, kind in zip(key, kinds, strict=True))
        or not all(_plain_text(value) for value in key if isinstance(value, str))
    ):
        raise BadRequest(
            f"“{text[:40]}” is not a place in this list: follow the Next and Previous links, or start from the first "
            "page."
        )
    return tuple(key[1:] if order is not None else key)


def _plain_text(value: str) -> bool:
    """Text a key can hold: no NUL (in no name, and PostgreSQL cannot compare text holding one), and no half of a
    UTF-16 pair, which JSON can write but no database can be sent."""
    return "\x00" not in value and not any("\ud800" <= character <= "\udfff" for character in value)


def asked_cursor(
    request: HttpRequest, *, types: Sequence[type], order: str | None = None, parameters: tuple[str, str] = PARAMETERS
) -> Cursor | None:
    """The `?after=` or `?before=` of the address (not both), or None for the first page: or the pair of parameters
    given, for a page with two lists paged by cursor."""
    after_name, before_name = parameters
    after, before = request.GET.get(after_name), request.GET.get(before_name)
    if after is not None and before is not None:
        raise BadRequest(f"Give ?{after_name}= or ?{before_name}=, not both: each says where a page starts.")
    if after is None and before is None:
        return None
    text = after if after is not None else before or ""
    return Cursor(read_cursor(text, types=types, order=order), backwards=before is not None)


def requested_cursor(
    request: HttpRequest, *, types: Sequence[type], order: str | None = None, parameters: tuple[str, str] = PARAMETERS
) -> Cursor | None:
    """The `?after=` or `?before=` of the address (not both, and not with `?page=`), or None for the first page."""
    if set(parameters) & request.GET.keys() and "page" in request.GET:
        raise BadRequest(f"Give ?page= or a place in the list (?{parameters[0]}=, ?{parameters[1]}=), not both.")
    return asked_cursor(request, types=types, order=order, parameters=parameters)


def beyond(fields: Sequence[str], key: Sequence[Any], *, backwards: bool = False) -> Q:
    """Rows whose (fields) sort after `key` (before it, `backwards`), the fields never null: ascending, or descending
    where a field is written "-field".

    Written as `f1 >= v1 AND ((f1 > v1) OR (f1 = v1 AND f2 > v2) ...)`, so that an index on f1 bounds the scan.
    """
    names = [field.removeprefix("-") for field in fields]

    def past(field: str) -> tuple[str, str]:
        return ("lt", "lte") if field.startswith("-") != backwards else ("gt", "gte")

    either = Q()
    for position, (field, value) in enumerate(zip(fields, key, strict=True)):
        equal_before = {name: earlier for name, earlier in zip(names[:position], key[:position], strict=True)}
        either |= Q(**equal_before, **{f"{names[position]}__{past(field)[0]}": value})
    return Q(**{f"{names[0]}__{past(fields[0])[1]}": key[0]}) & either


def seek(
    rows: QuerySet, *, fields: Sequence[str], cursor: Cursor | None, per_page: int, order: str | None = None
) -> tuple[list[Any], str | None, str | None]:
    """The page of the rows, sorted by `fields` (which end in a unique one), that starts just beyond the cursor: its
    rows, and the cursors of the next and previous pages (made for `order`). One query, of per_page + 1 rows."""
    backwards = bool(cursor and cursor.backwards)
    if cursor is not None:
        rows = rows.filter(beyond(fields, cursor.key, backwards=backwards))
    reverse = [field.removeprefix("-") if field.startswith("-") else f"-{field}" for field in fields]
    read = list(rows.order_by(*(reverse if backwards else fields))[: per_page + 1])
    names = [field.removeprefix("-") for field in fields]

    def key_of(row: Any) -> list[Any]:
        return [row[name] if isinstance(row, dict) else getattr(row, name) for name in names]

    return keyset_page(read, key_of=key_of, cursor=cursor, per_page=per_page, order=order)


@dataclass
class KeysetPage:
    """One page of a keyset-paginated table: its rows, and the cursors of the pages either side (None at an end).

    `number` is None: a page found by where it starts does not know how many pages come before it.
    """

    object_list: Any
    next_cursor: str | None
    previous_cursor: str | None
    number: int | None = None
    # What the page's first and last rows are called (their row headers), to say which rows it shows.
    first_shown: str = ""
    last_shown: str = ""
    # The parameters its links carry the cursors in.
    after_parameter: str = AFTER
    before_parameter: str = BEFORE
    keyset = True

    def has_next(self) -> bool:
        return self.next_cursor is not None

    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()


@dataclass(frozen=True)
class KeysetPaginator:
    """What the results bar reads of a keyset-paginated table: how many rows in all, and how many pages."""

    count: int
    per_page: int

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.per_page))


def keyset_page(
    rows: list[Any], *, key_of: Any, cursor: Cursor | None, per_page: int, order: str | None = None
) -> tuple[list[Any], str | None, str | None]:
    """From up to per_page + 1 rows read beyond the cursor (in reverse order when going back): the page's rows in
    order, and the cursors of the next and previous pages."""
    more = len(rows) > per_page
    rows = rows[:per_page]
    if cursor and cursor.backwards:
        rows.reverse()
        next_cursor = cursor_text(key_of(rows[-1]), order=order) if rows else None
        previous_cursor = cursor_text(key_of(rows[0]), order=order) if rows and more else None
    else:
        next_cursor = cursor_text(key_of(rows[-1]), order=order) if rows and more else None
        previous_cursor = cursor_text(key_of(rows[0]), order=order) if rows and cursor else None
    return rows, next_cursor, previous_cursor
