"""Text values in the order the database sorts a text column: by its collation, which Python's sort does not know."""

from collections.abc import Iterable

from django.db import connections


def in_text_order(values: Iterable[str], *, using: str = "default") -> list[str]:
    """The distinct values, sorted as the database sorts a column holding them ("not_entitled" may come before or
    after "notes" by the collation)."""
    distinct = sorted(set(values))
    if len(distinct) < 2:
        return distinct
    listed = ", ".join(["(%s)"] * len(distinct))
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT column1 FROM (VALUES {listed}) AS listed ORDER BY column1", distinct)
        return [value for (value,) in cursor.fetchall()]
