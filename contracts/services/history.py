"""Reading the change history of records: what changed between two versions, and the latest changes site-wide."""

from dataclasses import dataclass
from datetime import datetime
from heapq import merge
from itertools import islice
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models

# Bookkeeping fields that are not part of what a record says.
UNTRACKED = ["version"]


def record_change(record: models.Model, *, reason: str | None, user: AbstractBaseUser | None = None) -> None:
    """What the record's next save is kept in its history with: the reason, and the user where there is one.

    (simple-history reads these two attributes of the instance as it saves.)
    """
    record._change_reason = reason  # type: ignore[attr-defined]
    record._history_user = user  # type: ignore[attr-defined]


def history_of(record_or_model: models.Model | type[models.Model]) -> models.Manager:
    """The history manager simple-history gives a tracked model and its records."""
    return record_or_model.history  # type: ignore[union-attr]


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Change:
    """One saved version of one record, and how it differs from the version before it."""

    model_label: str
    model: type
    record: str
    record_id: int
    when: datetime
    who: str
    kind: str
    reason: str
    changes: list[FieldChange]


def field_changes(newer: Any, older: Any) -> list[FieldChange]:
    """Field by field, how the historical record `newer` differs from `older`, in words."""
    delta = newer.diff_against(older, excluded_fields=UNTRACKED, foreign_keys_are_objs=True)
    return [
        FieldChange(
            field=str(newer.instance_type._meta.get_field(change.field).verbose_name),
            old=_shown(change.old),
            new=_shown(change.new),
        )
        for change in delta.changes
    ]


def _shown(value: object) -> str:
    if value in (None, ""):
        return "—"
    return str(value)


def changes_since(record: models.Model, version: int) -> list[Change]:
    """Every saved version of `record` after the one numbered `version`, each with what it changed."""
    history = list(history_of(record).select_related("history_user").order_by("history_id"))
    seen = next((index for index, entry in enumerate(history) if entry.version == version), None)
    if seen is None:
        return []
    return [
        _change(entry, field_changes(entry, history[index - 1])) for index, entry in enumerate(history) if index > seen
    ]


def _change(entry: Any, changes: list[FieldChange]) -> Change:
    return Change(
        model_label=str(entry.instance_type._meta.verbose_name),
        model=entry.instance_type,
        record=str(entry.history_object) if entry.history_type != "-" else f"#{entry.id}",
        record_id=entry.id,
        when=entry.history_date,
        who=str(entry.history_user) if entry.history_user_id else "the seed loader or a script",
        kind=entry.get_history_type_display(),
        reason=entry.history_change_reason or "",
        changes=changes,
    )


def recent_changes(*, models_with_history: list[type[models.Model]], limit: int = 100) -> list[Change]:
    """The latest `limit` changes across the given models, newest first, each with its field-level diff.

    Two queries per model: its latest entries, then the earlier versions of those records to compare with.
    """
    latest_per_model = []
    previous: dict[tuple[type, int], object] = {}
    for model in models_with_history:
        history = history_of(model)
        entries = list(history.select_related("history_user").order_by("-history_id")[:limit])
        latest_per_model.append(entries)
        earlier = history.filter(id__in={entry.id for entry in entries}).order_by("id", "history_id")
        last_seen: dict[int, object] = {}
        for entry in earlier.iterator():
            previous[(model, entry.history_id)] = last_seen.get(entry.id)
            last_seen[entry.id] = entry
    newest = islice(merge(*latest_per_model, key=lambda entry: entry.history_date, reverse=True), limit)
    changes = []
    for entry in newest:
        before = previous.get((entry.instance_type, entry.history_id))
        changes.append(_change(entry, field_changes(entry, before) if before and entry.history_type == "~" else []))
    return changes
