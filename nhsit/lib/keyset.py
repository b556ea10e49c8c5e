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
from django.db.models import Q
from django.http import HttpRequest

AFTER, BEFORE = "after", "before"
KEYSET_PARAMETERS = frozenset({AFTER, BEFORE})


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: just after (or, going back, just before) the row whose sort key is `key`."""

    key: tuple[Any, ...]
    backwards: bool = False


def cursor_text(key: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key), separators=(",", ":")).encode()).decode().rstrip("=")


def read_cursor(text: str, *, types: Sequence[type]) -> tuple[Any, ...]:
    """The sort key a cursor holds, each value of its type (an int, a str)."""
    try:
        key = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (binascii.Error, ValueError):
        key = None
    if (
        not isinstance(key, list)
        or len(key) != len(types)
        or not all(type(value) is kind for value, kind in zip(key, types, strict=True))
    ):
        raise BadRequest(
            f"“{text[:40]}” is not a place in this list: follow the Next and Previous links, or start from the first "
            "page."
        )
    return tuple(key)


def requested_cursor(request: HttpRequest, *, types: Sequence[type]) -> Cursor | None:
    """The `?after=` or `?before=` of the address (not both, and not with `?page=`), or None for the first page."""
    after, before = request.GET.get(AFTER), request.GET.get(BEFORE)
    if after is not None and before is not None:
        raise BadRequest("Give ?after= or ?before=, not both: each says where a page starts.")
    if (after is not None or before is not None) and "page" in request.GET:
        raise BadRequest("Give ?page= or a place in the list (?after=, ?before=), not both.")
    if after is None and before is None:
        return None
    return Cursor(read_cursor(after if after is not None else before or "", types=types), backwards=before is not None)


def beyond(fields: Sequence[str], key: Sequence[Any], *, backwards: bool = False) -> Q:
    """Rows whose (fields) sort after `key` (before it, `backwards`), the fields ascending and never null.

    Written as `f1 >= v1 AND ((f1 > v1) OR (f1 = v1 AND f2 > v2) ...)`, so that an index on f1 bounds the scan.
    """
    greater, bound = ("lt", "lte") if backwards else ("gt", "gte")
    either = Q()
    for position, (field, value) in enumerate(zip(fields, key, strict=True)):
        equal_before = {name: earlier for name, earlier in zip(fields[:position], key[:position], strict=True)}
        either |= Q(**equal_before, **{f"{field}__{greater}": value})
    return Q(**{f"{fields[0]}__{bound}": key[0]}) & either


@dataclass
class KeysetPage:
    """One page of a keyset-paginated table: its rows, and the cursors of the pages either side (None at an end).

    `number` is None: a page found by where it starts does not know how many pages come before it.
    """

    object_list: Any
    next_cursor: str | None
    previous_cursor: str | None
    number: int | None = None
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
    rows: list[Any], *, key_of: Any, cursor: Cursor | None, per_page: int
) -> tuple[list[Any], str | None, str | None]:
    """From up to per_page + 1 rows read beyond the cursor (in reverse order when going back): the page's rows in
    order, and the cursors of the next and previous pages."""
    more = len(rows) > per_page
    rows = rows[:per_page]
    if cursor and cursor.backwards:
        rows.reverse()
        next_cursor = cursor_text(key_of(rows[-1])) if rows else None
        previous_cursor = cursor_text(key_of(rows[0])) if rows and more else None
    else:
        next_cursor = cursor_text(key_of(rows[-1])) if rows and more else None
        previous_cursor = cursor_text(key_of(rows[0])) if rows and cursor else None
    return rows, next_cursor, previous_cursor
