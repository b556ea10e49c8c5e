"""Backups of everything the site holds, written so that they always restore, exactly.

- One JSON object per line (Django's JSON Lines), so a backup is written and read in flat memory.
- Times to the microsecond (Django's JSON encoder rounds them to the millisecond) and text exactly as stored,
  CR LF included (an XML parser turns CR LF into LF).
- Records refer to each other by primary key, as the database does. History rows keep the ids of records since
  deleted, which a backup by natural keys could not look up. Only the rows a fresh migration makes anew (content
  types, permissions and the editors' groups) are named by their natural keys, since their ids may differ there.
- Written to a temporary file beside the output, inside one repeatable-read snapshot, and renamed over the output
  only when complete: a failure leaves the last good backup of that name as it was.
- Restored in one transaction, foreign keys checked at the end, sequences moved past the restored ids.
"""

import datetime
import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Protocol, cast

from django.apps import apps
from django.core.management.color import no_style
from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from nhsit.lib.csv_export import CHUNK_ROWS

# Rebuilt by migrations, or worthless after a restore.
NOT_BACKED_UP_APPS = {"contenttypes", "sessions", "axes"}
# The status-pair tally is counted from the rows: a restore recounts it rather than trust a copy.
NOT_BACKED_UP_MODELS = {"auth.permission", "contracts.statuspaircount"}
# Made by migrations in any database: named by natural key, their ids being the new database's own.
NAMED_BY_NATURAL_KEY = {"contenttypes.contenttype", "auth.permission", "auth.group"}


def _natural(model: type[models.Model]) -> bool:
    return model._meta.label_lower in NAMED_BY_NATURAL_KEY


class ExactEncoder(DjangoJSONEncoder):
    def default(self, o: object) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()  # to the microsecond
        return super().default(o)


class Serializer(jsonl.Serializer):
    # Django's serializers keep the object being written in `_current`, and read a field's value through
    # `_value_from_field`; neither is in django-stubs.
    _current: dict
    _value_from_field: Callable

    def _init_options(self) -> None:
        super()._init_options()  # type: ignore[misc]
        self.json_kwargs["cls"] = ExactEncoder

    def handle_fk_field(self, obj: models.Model, field: Any) -> None:
        self.use_natural_foreign_keys = _natural(field.remote_field.model)
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj: models.Model, field: Any) -> None:
        self.use_natural_foreign_keys = _natural(field.remote_field.model)
        super().handle_m2m_field(obj, field)

    def get_dump_object(self, obj: models.Model) -> dict[str, Any]:
        data = {"model": obj._meta.label_lower, "fields": self._current}
        if not _natural(type(obj)):
            data["pk"] = self._value_from_field(obj, obj._meta.pk)
        return data


def backed_up_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in NOT_BACKED_UP_APPS
        and model._meta.label_lower not in NOT_BACKED_UP_MODELS
        and model._meta.managed
        and not model._meta.proxy
    ]


class Writable(Protocol):
    def write(self, text: str, /) -> object: ...


def backup_stream(stream: Writable) -> int:
    """Every backed-up row, as JSON lines, from one consistent snapshot. Returns how many."""
    written = 0
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        for model in backed_up_models():
            rows = model._base_manager.order_by("pk").iterator(chunk_size=CHUNK_ROWS)
            counted = _counted(rows)
            Serializer().serialize(counted, stream=cast(IO[str], stream))
            written += counted.count
    return written


class _counted:
    def __init__(self, rows: Iterable):
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator[models.Model]:
        for row in self.rows:
            self.count += 1
            yield row


def backup_write(path: Path) -> int:
    """The backup written to `path`, replacing what was there only once the whole backup is written."""
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as stream:
            written = backup_stream(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return written


def backup_restore(path: Path) -> int:
    """Load a backup into this (empty, migrated) database, all or nothing. Returns how many rows."""
    restored = 0
    models_restored: set[type[models.Model]] = set()
    with transaction.atomic(), path.open(encoding="utf-8", newline="") as stream:
        with connection.constraint_checks_disabled():
            for deserialized in jsonl.Deserializer(stream):
                deserialized.save()
                models_restored.add(type(deserialized.object))
                restored += 1
        connection.check_constraints(table_names=[model._meta.db_table for model in models_restored])
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), list(models_restored)):
                cursor.execute(statement)
    return restored
