"""Writing seed records: each matched on its natural key and written only if new or different."""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models

from contracts.models import Citation, EvidenceGrade, Source
from contracts.services.history import record_change
from nhsit.lib.dates import partial_date

M = TypeVar("M", bound=models.Model)


class SeedError(Exception):
    pass


@dataclass
class SeedReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        kinds = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        return [
            f"{kind}: {self.created[kind]} created, {self.updated[kind]} updated, {self.unchanged[kind]} unchanged"
            for kind in kinds
        ]

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


class SeedLoader:
    def __init__(self, report: SeedReport):
        self.report = report
        # Records looked up by natural key, so that a source cited 40 times is read once.
        self.found: dict[tuple, models.Model] = {}

    def upsert(self, model: type[M], lookup: dict[str, Any], values: dict[str, Any]) -> M:
        kind = str(model._meta.verbose_name_plural)
        record = model._default_manager.filter(**lookup).first()
        if record is None:
            record = model(**lookup, **values)
            self.save(record)
            self.report.created[kind] += 1
            return record
        changed = [name for name, value in values.items() if getattr(record, name) != value]
        if not changed:
            self.report.unchanged[kind] += 1
            return record
        for name in changed:
            setattr(record, name, values[name])
        self.save(record)
        self.report.updated[kind] += 1
        return record

    def save(self, record: models.Model) -> None:
        try:
            record.full_clean()
        except ValidationError as error:
            raise SeedError(f"{record._meta.verbose_name} {record}: {error.message_dict}") from error
        # Its history entry says where the change came from (the seed loader has no user).
        record_change(record, reason="Loaded from the seed data")
        record.save()

    def cite(self, target_field: str, record: models.Model, citations: list[dict], must: bool) -> None:
        if must and not citations:
            raise SeedError(f"{record._meta.verbose_name} {record} cites no source")
        for citation in citations:
            source = self.lookup(Source, key=citation["source"])
            grade = citation.get("grade")
            if grade not in EvidenceGrade.values or grade == EvidenceGrade.UNSOURCED:
                raise SeedError(
                    f"{record._meta.verbose_name} {record}: a citation of {source.key} needs a grade: stated, inferred "
                    "or derived"
                )
            self.upsert(
                Citation,
                {
                    "source": source,
                    target_field: record,
                    "quote": citation.get("quote", ""),
                    "note": citation.get("note", ""),
                },
                {"grade": grade, "reasoning": citation.get("reasoning", "")},
            )

    def lookup(self, model: type[M], **lookup: Any) -> M:
        key = (model, *sorted(lookup.items()))
        if key not in self.found:
            try:
                self.found[key] = model._default_manager.get(**lookup)
            except ObjectDoesNotExist as error:
                raise SeedError(f"No {model._meta.verbose_name} with {lookup}") from error
        return cast(M, self.found[key])

    def optional(self, model: type[M], **lookup: Any) -> M | None:
        value = next(iter(lookup.values()))
        return self.lookup(model, **lookup) if value else None


def dated(entry: dict, key: str, field_prefix: str) -> dict[str, Any]:
    value, precision = partial_date(entry.get(key))
    return {f"{field_prefix}_on": value, f"{field_prefix}_precision": precision}


def plain_date(entry: dict, key: str) -> datetime.date | None:
    value = entry.get(key)
    return datetime.date.fromisoformat(value) if value else None
