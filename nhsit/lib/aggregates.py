from typing import Any

from django.db.models import Aggregate, CharField


class JoinedText(Aggregate):
    """The group's values joined into one text with "; " (PostgreSQL STRING_AGG, SQLite GROUP_CONCAT)."""

    function = "STRING_AGG"
    template = "%(function)s(%(distinct)s%(expressions)s, '; ')"
    allow_distinct = True
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # SQLite's GROUP_CONCAT takes a separator only without DISTINCT; keys never contain commas.
        if getattr(self, "distinct", False):  # set by Aggregate; not in django-stubs
            return self.as_sql(
                compiler,
                connection,
                function="GROUP_CONCAT",
                template="REPLACE(GROUP_CONCAT(DISTINCT %(expressions)s), ',', '; ')",
                **extra_context,
            )
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)
