"""Load the sourced seed data from TOML files, idempotently.

Each record is matched on its natural key (ODS code, slug, revision code...) and written only if
it is new or differs, so loading twice changes nothing. Every entitlement, deliverable, deployment
and reported figure must carry at least one citation, or nothing is loaded.
"""

import datetime
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from contracts.models import (
    Citation,
    Contract,
    Deliverable,
    Deployment,
    Entitlement,
    ReportedFigure,
    Revision,
    Source,
    System,
)
from contracts.services.synthetic import CONTRACT_SLUG as SYNTHETIC_CONTRACT
from nhsit.lib.dates import partial_date
from organisations.models import LocalSystem, Organisation, Succession, Supplier

# Records of these kinds are facts that must cite a source.
MUST_CITE = {"entitlements", "deliverable", "deployment", "reported_figure"}


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

    def upsert(self, model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]) -> models.Model:
        kind = model._meta.verbose_name_plural
        record = model.objects.filter(**lookup).first()
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
        record._change_reason = "Loaded from the seed data"
        record.save()

    def cite(self, target_field: str, record: models.Model, citations: list[dict], must: bool) -> None:
        if must and not citations:
            raise SeedError(f"{record._meta.verbose_name} {record} cites no source")
        for citation in citations:
            source = self.lookup(Source, key=citation["source"])
            self.upsert(
                Citation,
                {
                    "source": source,
                    target_field: record,
                    "quote": citation.get("quote", ""),
                    "note": citation.get("note", ""),
                },
                {},
            )

    def lookup(self, model: type[models.Model], **lookup) -> models.Model:
        key = (model, *sorted(lookup.items()))
        if key not in self.found:
            try:
                self.found[key] = model.objects.get(**lookup)
            except model.DoesNotExist as error:
                raise SeedError(f"No {model._meta.verbose_name} with {lookup}") from error
        return self.found[key]

    def optional(self, model: type[models.Model], **lookup) -> models.Model | None:
        value = next(iter(lookup.values()))
        return self.lookup(model, **lookup) if value else None


def _dated(entry: dict, key: str, field_prefix: str) -> dict[str, Any]:
    value, precision = partial_date(entry.get(key))
    return {f"{field_prefix}_on": value, f"{field_prefix}_precision": precision}


def _plain_date(entry: dict, key: str) -> datetime.date | None:
    value = entry.get(key)
    return datetime.date.fromisoformat(value) if value else None


def load_suppliers(loader: SeedLoader, entries: list[dict]) -> None:
    for entry in entries:
        loader.upsert(Supplier, {"slug": entry["slug"]}, {"name": entry["name"], "notes": entry.get("notes", "")})


def load_sources(loader: SeedLoader, entries: list[dict]) -> None:
    for entry in entries:
        values = {
            "title": entry["title"],
            "kind": entry["kind"],
            "publisher": entry.get("publisher", ""),
            "author": entry.get("author", ""),
            "url": entry.get("url", ""),
            "notes": entry.get("notes", ""),
            **_dated(entry, "published", "published"),
        }
        loader.upsert(Source, {"key": entry["key"]}, values)


def load_organisations(loader: SeedLoader, entries: list[dict]) -> None:
    for entry in entries:
        values = {
            "name": entry["name"],
            "short_name": entry.get("short_name", ""),
            "kind": entry["kind"],
            "region": entry.get("region", ""),
            "sector": entry.get("sector", ""),
            "is_teaching": entry.get("is_teaching", False),
            "is_foundation_trust": entry.get("is_foundation_trust"),
            "notes": entry.get("notes", ""),
            **_dated(entry, "opened", "opened"),
            **_dated(entry, "closed", "closed"),
        }
        organisation = loader.upsert(Organisation, {"ods_code": entry["ods_code"]}, values)
        loader.cite("organisation", organisation, entry.get("cite", []), must=True)


def load_successions(loader: SeedLoader, entries: list[dict]) -> None:
    for entry in entries:
        lookup = {
            "predecessor": loader.lookup(Organisation, ods_code=entry["predecessor"]),
            "successor": loader.lookup(Organisation, ods_code=entry["successor"]),
            "part": entry.get("part", ""),
        }
        values = {"notes": entry.get("notes", ""), **_dated(entry, "effective", "effective")}
        succession = loader.upsert(Succession, lookup, values)
        loader.cite("succession", succession, entry.get("cite", []), must=True)


def load_local_systems(loader: SeedLoader, entries: list[dict]) -> None:
    for entry in entries:
        lookup = {
            "organisation": loader.lookup(Organisation, ods_code=entry["organisation"]),
            "product": entry["product"],
        }
        values = {
            "vendor": loader.optional(Supplier, slug=entry.get("vendor")),
            "kind": entry["kind"],
            "status": entry.get("status", "unknown"),
            "contract_expiry": entry.get("contract_expiry", ""),
            "notes": entry.get("notes", ""),
        }
        local_system = loader.upsert(LocalSystem, lookup, values)
        loader.cite("local_system", local_system, entry.get("cite", []), must=True)


def load_systems(loader: SeedLoader, entries: list[dict]) -> None:
    for entry in entries:
        values = {
            "name": entry["name"],
            "vendor": loader.optional(Supplier, slug=entry.get("vendor")),
            "category": entry.get("category", ""),
            "scope": entry["scope"],
            "description": entry.get("description", ""),
        }
        system = loader.upsert(System, {"slug": entry["slug"]}, values)
        loader.cite("system", system, entry.get("cite", []), must=False)


def load_contracts(loader: SeedLoader, entries: list[dict]) -> None:
    for entry in entries:
        values = {
            "title": entry["title"],
            "programme": entry.get("programme", ""),
            "supplier": loader.lookup(Supplier, slug=entry["supplier"]),
            "region": entry.get("region", ""),
            "description": entry.get("description", ""),
            **_dated(entry, "signed", "signed"),
        }
        contract = loader.upsert(Contract, {"slug": entry["slug"]}, values)
        loader.cite("contract", contract, entry.get("cite", []), must=True)


def _revision(loader: SeedLoader, entry: dict, key: str = "revision") -> Revision:
    return loader.lookup(Revision, contract__slug=entry["contract"], code=entry[key])


def load_revisions(loader: SeedLoader, entries: list[dict]) -> None:
    for entry in entries:
        lookup = {"contract": loader.lookup(Contract, slug=entry["contract"]), "code": entry["code"]}
        values = {
            "title": entry["title"],
            "sequence": entry["sequence"],
            "total_value": entry.get("total_value"),
            "value_note": entry.get("value_note", ""),
            "summary": entry.get("summary", ""),
            **_dated(entry, "signed", "signed"),
        }
        revision = loader.upsert(Revision, lookup, values)
        loader.cite("revision", revision, entry.get("cite", []), must=True)


def load_deliverables(loader: SeedLoader, entries: list[dict]) -> None:
    for entry in entries:
        lookup = {"revision": _revision(loader, entry), "code": entry["code"]}
        values = {
            "system": loader.lookup(System, slug=entry["system"]),
            "title": entry["title"],
            "status": entry["status"],
            "quantity": entry.get("quantity"),
            "quantity_qualifier": entry.get("quantity_qualifier", "exact"),
            "unit": entry.get("unit", ""),
            "delivered_quantity": entry.get("delivered_quantity"),
            "delivered_qualifier": entry.get("delivered_qualifier", "exact"),
            "terms": entry.get("terms", ""),
            "notes": entry.get("notes", ""),
            **_dated(entry, "end", "end"),
        }
        deliverable = loader.upsert(Deliverable, lookup, values)
        loader.cite("deliverable", deliverable, entry.get("cite", []), must=True)


def load_entitlements(loader: SeedLoader, groups: list[dict]) -> None:
    seen = set()
    for group in groups:
        revision = _revision(loader, group)
        system = loader.lookup(System, slug=group["system"])
        for ods_code in group["organisations"]:
            if (revision.pk, system.pk, ods_code) in seen:
                raise SeedError(f"{ods_code} {system.slug} {revision.code} is listed twice")
            seen.add((revision.pk, system.pk, ods_code))
            lookup = {
                "revision": revision,
                "system": system,
                "organisation": loader.lookup(Organisation, ods_code=ods_code),
            }
            values = {
                "status": group["status"],
                "delivery_model": group.get("delivery_model", ""),
                "deployment_slot": group.get("deployment_slot", ""),
                "withdrawal_reason": group.get("withdrawal_reason", ""),
                "notes": group.get("notes", ""),
            }
            entitlement = loader.upsert(Entitlement, lookup, values)
            loader.cite("entitlement", entitlement, group.get("cite", []), must=True)


def load_deployments(loader: SeedLoader, entries: list[dict]) -> None:
    for entry in entries:
        lookup = {
            "organisation": loader.lookup(Organisation, ods_code=entry["organisation"]),
            "system": loader.lookup(System, slug=entry["system"]),
            "site": entry.get("site", ""),
            "phase": entry.get("phase", ""),
        }
        values = {
            "contract": loader.optional(Contract, slug=entry.get("contract")),
            "status": entry["status"],
            "slot_start": _plain_date(entry, "slot_start"),
            "slot_end": _plain_date(entry, "slot_end"),
            "delivered_by": loader.optional(Supplier, slug=entry.get("delivered_by")),
            "delivery_model": entry.get("delivery_model", ""),
            "notes": entry.get("notes", ""),
            **_dated(entry, "go_live", "go_live"),
        }
        deployment = loader.upsert(Deployment, lookup, values)
        loader.cite("deployment", deployment, entry.get("cite", []), must=True)


def load_reported_figures(loader: SeedLoader, entries: list[dict]) -> None:
    for entry in entries:
        contract = loader.lookup(Contract, slug=entry["contract"])
        revision = _revision(loader, entry) if entry.get("revision") else None
        deliverable = None
        if entry.get("deliverable"):
            deliverable = loader.lookup(Deliverable, revision=revision, code=entry["deliverable"])
        values = {
            "statement": entry["statement"],
            "value": entry["value"],
            "qualifier": entry["qualifier"],
            "unit": entry["unit"],
            "as_of": _plain_date(entry, "as_of"),
            "measure": entry.get("measure", ""),
            "system": loader.optional(System, slug=entry.get("system")),
            "base_revision": _revision(loader, entry, "base_revision") if entry.get("base_revision") else None,
            "revision": revision,
            "deliverable": deliverable,
            "delivered_by": loader.optional(Supplier, slug=entry.get("delivered_by")),
            "organisation_kinds": entry.get("organisation_kinds", []),
            "outcome": entry.get("outcome", ""),
            "status": entry.get("status", ""),
            "notes": entry.get("notes", ""),
        }
        figure = loader.upsert(ReportedFigure, {"contract": contract, "key": entry["key"]}, values)
        loader.cite("reported_figure", figure, entry.get("cite", []), must=True)


# Sections in the order their references need.
SECTIONS = [
    ("supplier", load_suppliers),
    ("source", load_sources),
    ("organisation", load_organisations),
    ("succession", load_successions),
    ("local_system", load_local_systems),
    ("system", load_systems),
    ("contract", load_contracts),
    ("revision", load_revisions),
    ("deliverable", load_deliverables),
    ("entitlements", load_entitlements),
    ("deployment", load_deployments),
    ("reported_figure", load_reported_figures),
]


def read_seed(directory: Path) -> dict[str, list[dict]]:
    sections: dict[str, list[dict]] = {name: [] for name, _load in SECTIONS}
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise SeedError(f"No seed files (*.toml) in {directory}")
    for path in files:
        with path.open("rb") as handle:
            try:
                content = tomllib.load(handle)
            except tomllib.TOMLDecodeError as error:
                raise SeedError(f"{path.name}: {error}") from error
        for name, entries in content.items():
            if name not in sections:
                raise SeedError(f"{path.name}: unknown section [[{name}]]")
            sections[name].extend(entries)
    return sections


def seed_load(*, directory: Path) -> SeedReport:
    """Load every *.toml file in `directory` in one transaction; on any error nothing is written."""
    if Contract.objects.filter(slug=SYNTHETIC_CONTRACT).exists():
        raise SeedError("this database holds synthetic data, which is never mixed with real data")
    sections = read_seed(directory)
    report = SeedReport()
    loader = SeedLoader(report)
    with transaction.atomic():
        for name, load in SECTIONS:
            try:
                load(loader, sections[name])
            except KeyError as error:
                raise SeedError(f"[[{name}]]: an entry lacks {error}") from error
    return report
