"""Pages of rows by cursor: each page starts after the last row of the one before, found through the index of the
ordering's first key, so the millionth row costs what the first does (OFFSET would read every row before it)."""

from base64 import b64encode
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request

PAGE_SIZE = 50
MOST_PAGE_SIZE = 500
PAGE_PARAMETERS = frozenset({"cursor", "page_size"})


class KeysetPagination(CursorPagination):
    """DRF's cursor pagination, strict: a page size out of range, or a cursor this API did not give, is a 400 (DRF
    would quietly use the default size, and answer a bad cursor 404 or, for a cursor holding a key of the wrong
    type, fail). `ordering` starts with a unique, indexed key, or one that ties on a few rows at most."""

    ordering: Any = ("id",)
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MOST_PAGE_SIZE
    invalid_cursor_message = "cursor: not a cursor this API gave (follow a page's `next` or `previous` link)."

    def get_page_size(self, request: Request) -> int:
        asked = request.query_params.get(self.page_size_query_param)
        if asked is None:
            return self.page_size
        if not (asked.isascii() and asked.isdigit() and 1 <= int(asked) <= MOST_PAGE_SIZE):
            raise ValidationError(
                {"page_size": [f"“{asked[:40]}” is not a page size: give a whole number from 1 to {MOST_PAGE_SIZE}."]}
            )
        return int(asked)

    def decode_cursor(self, request: Request) -> Any:
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None and "\x00" in cursor.position:
            # A NUL is in no key, and PostgreSQL cannot compare text holding one.
            raise NotFound(self.invalid_cursor_message)
        return cursor

    def paginate_queryset(self, queryset: QuerySet, request: Request, view: Any = None) -> list | None:
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as error:
            raise ValidationError({"cursor": [self.invalid_cursor_message]}) from error
        except (ValueError, TypeError, DjangoValidationError) as error:
            # A well-formed cursor whose position is not a value of the ordering's key.
            raise ValidationError({"cursor": [self.invalid_cursor_message]}) from error

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where the page starts: the `next` or `previous` link of another page holds it.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, from 1 to {MOST_PAGE_SIZE} ({PAGE_SIZE} unless given).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MOST_PAGE_SIZE},
            },
        ]


class BySlug(KeysetPagination):
    ordering = ("slug",)


class BySequence(KeysetPagination):
    ordering = ("sequence",)


class ByOrganisationAndSystem(KeysetPagination):
    """The compare table's order. Its first key ties only on an organisation's few systems (and on namesakes)."""

    ordering = ("organisation_name", "organisation_code", "system_name")


def cursor_after(position: object) -> str:
    """The cursor of the page that starts after the row whose ordering key is `position`, as a `next` link holds it
    (for a page deep in a list without walking there: the benchmark's)."""
    return b64encode(urlencode({"p": str(position)}).encode("ascii")).decode("ascii")
