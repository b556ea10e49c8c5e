"""One function per section of the seed files, reading its entries into records with their citations.

Every fact cites a source (the loader refuses one that does not), except a system's description, which may.
"""

from contracts.models import Contract, Deliverable, Deployment, Entitlement, ReportedFigure, Revision, Source, System
from contracts.services.featuring import stop_featuring_others
from contracts.services.seed.loader import SeedError, SeedLoader, dated, plain_date
from organisations.models import (
    ODS,
    IdentifierScheme,
    LocalSystem,
    Organisation,
    OrganisationKind,
    Succession,
    Supplier,
    identifier_parts,
)


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
            **dated(entry, "published", "published"),
        }
        loader.upsert(Source, {"key": entry["key"]}, values)


def load_identifier_schemes(loader: SeedLoader, entries: list[dict]) -> None:
    for entry in entries:
        values = {
            "name": entry["name"],
            "code_pattern": entry["code_pattern"],
            "example": entry["example"],
            "url": entry.get("url", ""),
            "notes": entry.get("notes", ""),
        }
        loader.upsert(IdentifierScheme, {"prefix": entry["prefix"]}, values)


def load_organisation_kinds(loader: SeedLoader, entries: list[dict]) -> None:
    for entry in entries:
        values = {"name": entry["name"], "description": entry.get("description", "")}
        loader.upsert(OrganisationKind, {"slug": entry["slug"]}, values)


def organisation(loader: SeedLoader, identifier: str) -> Organisation:
    """The organisation an entry names by its identifier: RAN (an ODS code), or GB-LAE-WSM."""
    scheme, code = identifier_parts(identifier)
    return loader.lookup(Organisation, scheme_id=scheme, code=code)


def load_organisations(loader: SeedLoader, entries: list[dict]) -> None:
    for entry in entries:
        values = {
            "name": entry["name"],
            "short_name": entry.get("short_name", ""),
            "kind": loader.lookup(OrganisationKind, slug=entry["kind"]),
            "region": entry.get("region", ""),
            "sector": entry.get("sector", ""),
            "is_teaching": entry.get("is_teaching", False),
            "is_foundation_trust": entry.get("is_foundation_trust"),
            "notes": entry.get("notes", ""),
            **dated(entry, "opened", "opened"),
            **dated(entry, "closed", "closed"),
        }
        scheme = loader.lookup(IdentifierScheme, prefix=entry.get("scheme", ODS))
        record = loader.upsert(Organisation, {"scheme": scheme, "code": entry["code"]}, values)
        loader.cite("organisation", record, entry.get("cite", []), must=True)


def load_successions(loader: SeedLoader, entries: list[dict]) -> None:
    for entry in entries:
        lookup = {
            "predecessor": organisation(loader, entry["predecessor"]),
            "successor": organisation(loader, entry["successor"]),
            "part": entry.get("part", ""),
        }
        values = {"notes": entry.get("notes", ""), **dated(entry, "effective", "effective")}
        succession = loader.upsert(Succession, lookup, values)
        loader.cite("succession", succession, entry.get("cite", []), must=True)


def load_local_systems(loader: SeedLoader, entries: list[dict]) -> None:
    for entry in entries:
        lookup = {
            "organisation": organisation(loader, entry["organisation"]),
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
            **dated(entry, "signed", "signed"),
        }
        if "featured" in entry:  # else as an editor chose
            values["is_featured"] = entry["featured"]
        contract = loader.upsert(Contract, {"slug": entry["slug"]}, values)
        if contract.is_featured:
            stop_featuring_others(contract)
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
            "is_published": entry.get("published", False),
            **dated(entry, "signed", "signed"),
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
            **dated(entry, "end", "end"),
        }
        deliverable = loader.upsert(Deliverable, lookup, values)
        loader.cite("deliverable", deliverable, entry.get("cite", []), must=True)


def load_entitlements(loader: SeedLoader, groups: list[dict]) -> None:
    seen = set()
    for group in groups:
        revision = _revision(loader, group)
        system = loader.lookup(System, slug=group["system"])
        for identifier in group["organisations"]:
            if (revision.pk, system.pk, identifier) in seen:
                raise SeedError(f"{identifier} {system.slug} {revision.code} is listed twice")
            seen.add((revision.pk, system.pk, identifier))
            lookup = {"revision": revision, "system": system, "organisation": organisation(loader, identifier)}
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
            "organisation": organisation(loader, entry["organisation"]),
            "system": loader.lookup(System, slug=entry["system"]),
            "site": entry.get("site", ""),
            "phase": entry.get("phase", ""),
        }
        values = {
            "contract": loader.optional(Contract, slug=entry.get("contract")),
            "status": entry["status"],
            "slot_start": plain_date(entry, "slot_start"),
            "slot_end": plain_date(entry, "slot_end"),
            "delivered_by": loader.optional(Supplier, slug=entry.get("delivered_by")),
            "delivery_model": entry.get("delivery_model", ""),
            "notes": entry.get("notes", ""),
            **dated(entry, "go_live", "go_live"),
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
            "as_of": plain_date(entry, "as_of"),
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
    ("identifier_scheme", load_identifier_schemes),
    ("organisation_kind", load_organisation_kinds),
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
