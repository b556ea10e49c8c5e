"""Writing seed records: each matched on its natural key and written only if new or different."""

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models

from contracts.models import Citation, EvidenceGrade, Source
from contracts.services.history import record_change
from nhsit.lib.dates import partial_date

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class SeedProblem:
    """What is wrong, and where: the file, the line of the entry (or of its key) and which entry it is."""

    rule: str
    file: str = ""
    line: int | None = None
    entry: str = ""

    def __str__(self) -> str:
        place = " ".join(part for part in [self.file, f"line {self.line}" if self.line else ""] if part)
        where = ": ".join(part for part in [place, self.entry] if part)
        return f"{where}: {self.rule}" if where else self.rule


class SeedError(Exception):
    """The seed cannot be loaded, for each of its problems (one message, or many with their places)."""

    def __init__(self, problem: "str | SeedProblem | list[SeedProblem]"):
        if isinstance(problem, str):
            problem = SeedProblem(problem)
        self.problems = problem if isinstance(problem, list) else [problem]
        super().__init__("; ".join(str(each) for each in self.problems))


class SeedChanged(SeedError):
    """The records changed between a preview and its confirmation: what the load would do is not what was shown."""


@dataclass
class SeedReport:
    """Per kind of record (its plural name), how many the load created, changed and left as they were; the
    created and changed ones by name, with the fields that changed."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    created_names: defaultdict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    updated_names: defaultdict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # What this user may not change, each with its place in the files: an upload with any is refused whole.
    refused: list[SeedProblem] = field(default_factory=list)

    def kinds(self) -> list[str]:
        return sorted(set(self.created) | set(self.updated) | set(self.unchanged))

    def lines(self) -> list[str]:
        return [
            f"{kind}: {self.created[kind]} created, {self.updated[kind]} updated, {self.unchanged[kind]} unchanged"
            for kind in self.kinds()
        ]

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())

    def summary(self) -> dict[str, dict[str, list[str]]]:
        """What was created and changed, by name, as plain data: two loads that did the same give the same."""
        return {
            "created": {kind: sorted(names) for kind, names in sorted(self.created_names.items()) if names},
            "updated": {kind: sorted(names) for kind, names in sorted(self.updated_names.items()) if names},
        }


# Asked before each record is created or changed (with the names of the fields that change; all of them for a
# new record): what the user may not do to it, in words, or "" when they may.
SeedGuard = Callable[[models.Model, list[str]], str]


class SeedLoader:
    def __init__(
        self,
        report: SeedReport,
        *,
        reason: str = "Loaded from the seed data",
        user: AbstractBaseUser | None = None,
        guard: SeedGuard | None = None,
    ):
        self.report = report
        self.reason = reason
        self.user = user
        self.guard = guard
        # Where the entry being loaded is in the files, for the messages about it.
        self.place = SeedProblem("")
        # Records looked up by natural key, so that a source cited 40 times is read once.
        self.found: dict[tuple, models.Model] = {}

    def upsert(self, model: type[M], lookup: dict[str, Any], values: dict[str, Any]) -> M:
        kind = str(model._meta.verbose_name_plural)
        record = model._default_manager.filter(**lookup).first()
        if record is None:
            record = model(**lookup, **values)
            self.check(record, [*lookup, *values])
            self.save(record)
            self.report.created[kind] += 1
            self.report.created_names[kind].append(str(record))
            return record
        changed = [name for name, value in values.items() if getattr(record, name) != value]
        if not changed:
            self.report.unchanged[kind] += 1
            return record
        self.check(record, changed)
        for name in changed:
            setattr(record, name, values[name])
        self.save(record)
        self.report.updated[kind] += 1
        fields = ", ".join(str(cast(models.Field, model._meta.get_field(name)).verbose_name) for name in changed)
        self.report.updated_names[kind].append(f"{record} ({fields})")
        return record

    def check(self, record: models.Model, changing: list[str]) -> None:
        refusal = self.guard(record, changing) if self.guard else ""
        if refusal:
            self.report.refused.append(
                SeedProblem(refusal, file=self.place.file, line=self.place.line, entry=self.place.entry)
            )

    def save(self, record: models.Model) -> None:
        try:
            record.full_clean()
        except ValidationError as error:
            raise SeedError(f"{record._meta.verbose_name} {record}: {error.message_dict}") from error
        # Its history entry says where the change came from (the seed loader has no user).
        record_change(record, reason=self.reason, user=self.user)
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
