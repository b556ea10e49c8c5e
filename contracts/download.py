"""The whole-dataset download: every kind of record as a table of a Frictionless Data Package, under the
identifiers the site uses (organisation identifier, system slug, revision code, contract slug)."""

import datetime
from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import Model

from contracts.models import Contract, Deliverable, Deployment, Entitlement, ReportedFigure, Revision, System
from contracts.services.dataset import DatasetRecords
from contracts.services.reconcile import reported_figure_reconcile
from nhsit.lib.datapackage import GUARD_NOTE, Column, ForeignKey, Table, package_descriptor
from organisations.models import LocalSystem, Organisation, Succession, identifier_of

PRECISION = "How precise the date before it is: day, month, year, or on_or_before (it had happened by that day)."
ORGANISATION = "The organisation's identifier, as on the site: its ODS code, or another register's prefix and code."
QUALIFIER = "exact, about, at_most or at_least."

TO_ORGANISATION = ("organisations", ["identifier"])
TO_SUPPLIER = ("suppliers", ["slug"])
TO_SYSTEM = ("systems", ["slug"])
TO_CONTRACT = ("contracts", ["slug"])


# The records' licence (README, "Licence"); the quotations they carry stay their publishers'.
DATA_LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}


def _key(name: str | Sequence[str], to: tuple[str, list[str]]) -> ForeignKey:
    return ForeignKey([name] if isinstance(name, str) else list(name), to[0], to[1])


def _organisations(records: DatasetRecords) -> Table:
    return Table(
        "organisations", "Organisations", "The bodies the contracts serve.",
        [
            Column("identifier", description=ORGANISATION, source=identifier_of(), required=True),
            Column("scheme", description="The register its code is from (org-id.guide prefix).", source="scheme_id"),
            Column("code", required=True),
            Column("name", required=True),
            Column("short_name"),
            Column("kind", source="kind_id"),
            Column("region"),
            Column("sector"),
            Column("is_teaching", "boolean"),
            Column("is_foundation_trust", "boolean", "Blank where no source says."),
            Column("opened_on", "date"),
            Column("opened_precision", description=PRECISION),
            Column("closed_on", "date"),
            Column("closed_precision", description=PRECISION),
            Column("notes"),
        ],
        primary_key=["identifier"], queryset=records.organisations,
    )  # fmt: skip


def _successions(records: DatasetRecords) -> Table:
    return Table(
        "successions", "Successions", "One body passing into another: a merger, an acquisition, or part of a split.",
        [
            Column("predecessor", description=ORGANISATION, source=identifier_of("predecessor__"), required=True),
            Column("successor", description=ORGANISATION, source=identifier_of("successor__"), required=True),
            Column("effective_on", "date"),
            Column("effective_precision", description=PRECISION),
            Column("part", description="Which part passed, when a body was split."),
            Column("notes"),
        ],
        foreign_keys=[_key("predecessor", TO_ORGANISATION), _key("successor", TO_ORGANISATION)],
        queryset=records.successions,
    )  # fmt: skip


def _local_systems(records: DatasetRecords) -> Table:
    return Table(
        "local_systems", "Local systems", "Systems an organisation runs (or ran) of its own, outside the contracts.",
        [
            Column("organisation", description=ORGANISATION, source=identifier_of("organisation__"), required=True),
            Column("product", required=True),
            Column("vendor", description="The supplier's slug.", source="vendor__slug"),
            Column("kind"),
            Column("status"),
            Column("contract_expiry", description="As the source states it, e.g. 2011-12."),
            Column("notes"),
        ],
        primary_key=["organisation", "product"],
        foreign_keys=[_key("organisation", TO_ORGANISATION), _key("vendor", TO_SUPPLIER)],
        queryset=records.local_systems,
    )  # fmt: skip


def _suppliers(records: DatasetRecords) -> Table:
    return Table(
        "suppliers", "Suppliers", "Companies: prime contractors and software vendors.",
        [Column("slug", required=True), Column("name", required=True), Column("notes")],
        primary_key=["slug"], queryset=records.suppliers,
    )  # fmt: skip


def _contracts(records: DatasetRecords) -> Table:
    return Table(
        "contracts", "Contracts", "The contracts.",
        [
            Column("slug", required=True),
            Column("title", required=True),
            Column("programme"),
            Column("supplier", description="The prime contractor's slug.", source="supplier__slug", required=True),
            Column("region"),
            Column("signed_on", "date"),
            Column("signed_precision", description=PRECISION),
            Column("description"),
        ],
        primary_key=["slug"], foreign_keys=[_key("supplier", TO_SUPPLIER)], queryset=records.contracts,
    )  # fmt: skip


def _revisions(records: DatasetRecords) -> Table:
    return Table(
        "revisions", "Revisions", "The published versions of each contract: the original, then each change note.",
        [
            Column("contract", source="contract__slug", required=True),
            Column("code", required=True),
            Column("sequence", "integer", "Order within the contract.", required=True),
            Column("title", required=True),
            Column("signed_on", "date"),
            Column("signed_precision", description=PRECISION),
            Column("total_value", "integer", "The whole contract's value after this revision, GBP."),
            Column("value_note"),
            Column("summary"),
        ],
        primary_key=["contract", "code"], foreign_keys=[_key("contract", TO_CONTRACT)], queryset=records.revisions,
    )  # fmt: skip


def _systems(records: DatasetRecords) -> Table:
    return Table(
        "systems", "Systems", "What the contracts deliver.",
        [
            Column("slug", required=True),
            Column("name", required=True),
            Column("vendor", description="The supplier's slug.", source="vendor__slug"),
            Column("category"),
            Column("scope", description="per_organisation or programme_wide."),
            Column("description"),
        ],
        primary_key=["slug"], foreign_keys=[_key("vendor", TO_SUPPLIER)], queryset=records.systems,
    )  # fmt: skip


def _entitlements(records: DatasetRecords) -> Table:
    return Table(
        "entitlements", "Entitlements", "What each organisation was promised of each system under each revision.",
        [
            Column("contract", source="revision__contract__slug", required=True),
            Column("revision", description="The revision's code.", source="revision__code", required=True),
            Column("organisation", description=ORGANISATION, source=identifier_of("organisation__"), required=True),
            Column("system", description="The system's slug.", source="system__slug", required=True),
            Column("status", description="entitled, not_entitled, withdrawn, declined or unknown.", required=True),
            Column("delivery_model"),
            Column("deployment_slot"),
            Column("withdrawal_reason"),
            Column("notes"),
        ],
        primary_key=["contract", "revision", "organisation", "system"],
        foreign_keys=[
            ForeignKey(["contract", "revision"], "revisions", ["contract", "code"]),
            _key("organisation", TO_ORGANISATION), _key("system", TO_SYSTEM),
        ],
        queryset=records.entitlements,
    )  # fmt: skip


def _deliverables(records: DatasetRecords) -> Table:
    return Table(
        "deliverables", "Deliverables", "The programme-level lines of each revision.",
        [
            Column("contract", source="revision__contract__slug", required=True),
            Column("revision", description="The revision's code.", source="revision__code", required=True),
            Column("code", description="Stable within the contract: the same line keeps its code.", required=True),
            Column("system", description="The system's slug.", source="system__slug", required=True),
            Column("title", required=True),
            Column("status", description="included, reduced, removed, not_renewed or added.", required=True),
            Column("quantity", "integer"),
            Column("quantity_qualifier", description=QUALIFIER),
            Column("unit"),
            Column("delivered_quantity", "integer"),
            Column("delivered_qualifier", description=QUALIFIER),
            Column("end_on", "date"),
            Column("end_precision", description=PRECISION),
            Column("terms"),
            Column("notes"),
        ],
        primary_key=["contract", "revision", "code"],
        foreign_keys=[
            ForeignKey(["contract", "revision"], "revisions", ["contract", "code"]), _key("system", TO_SYSTEM),
        ],
        queryset=records.deliverables,
    )  # fmt: skip


def _deployments(records: DatasetRecords) -> Table:
    return Table(
        "deployments", "Deployments", "What actually happened at an organisation: a system live, or a slot taken away.",
        [
            Column("organisation", description=ORGANISATION, source=identifier_of("organisation__"), required=True),
            Column("system", description="The system's slug.", source="system__slug", required=True),
            Column("contract", description="Blank when outside any recorded contract.", source="contract__slug"),
            Column("site", description="Blank when it covers the whole organisation."),
            Column("phase"),
            Column("status", description="nominal_slot, scheduled, live, withdrawn or cancelled.", required=True),
            Column("slot_start", "date"),
            Column("slot_end", "date"),
            Column("go_live_on", "date"),
            Column("go_live_precision", description=PRECISION),
            Column("delivered_by", description="The supplier's slug; blank where no source says.",
                   source="delivered_by__slug"),
            Column("delivery_model"),
            Column("notes"),
        ],
        foreign_keys=[
            _key("organisation", TO_ORGANISATION), _key("system", TO_SYSTEM), _key("contract", TO_CONTRACT),
            _key("delivered_by", TO_SUPPLIER),
        ],
        queryset=records.deployments,
    )  # fmt: skip


def _sources(records: DatasetRecords) -> Table:
    return Table(
        "sources", "Sources", "The letters, articles, contracts and reports the records cite.",
        [
            Column("key", required=True),
            Column("title", required=True),
            Column("kind"),
            Column("publisher"),
            Column("author"),
            Column("published_on", "date"),
            Column("published_precision", description=PRECISION),
            Column("url"),
            Column("notes"),
        ],
        primary_key=["key"], queryset=records.sources,
    )  # fmt: skip


def record_key(record: Model) -> str:
    """A cited record as the site names it, its identifiers joined by "/": london-lsp/ccn3/RAN/cerner."""
    parts: list[Any]
    match record:
        case Contract() | System():
            parts = [record.slug]
        case Revision():
            parts = [record.contract.slug, record.code]
        case Entitlement():
            parts = [record.revision.contract.slug, record.revision.code, record.organisation.identifier,
                     record.system.slug]  # fmt: skip
        case Deliverable():
            parts = [record.revision.contract.slug, record.revision.code, record.code]
        case Deployment():
            parts = [record.organisation.identifier, record.system.slug, record.site, record.phase]
        case ReportedFigure():
            parts = [record.contract.slug, record.key]
        case Organisation():
            parts = [record.identifier]
        case Succession():
            parts = [record.predecessor.identifier, record.successor.identifier, record.part]
        case LocalSystem():
            parts = [record.organisation.identifier, record.product]
        case _:
            parts = [record.pk]
    return "/".join(str(part) for part in parts if part not in ("", None))


def _citation_lines(records: DatasetRecords) -> Iterator[Sequence[Any]]:
    # Each citation is read with every record it can support (sixteen joins): a few hundred at a time keeps memory low.
    for citation in records.citations.iterator(chunk_size=500):
        target: Any = citation.target
        yield (
            target._meta.model_name, record_key(target), target.get_absolute_url(),
            citation.source.key if citation.source else None, citation.grade, citation.current, citation.quote,
            citation.note, citation.reasoning,
        )  # fmt: skip


def _citations(records: DatasetRecords) -> Table:
    return Table(
        "citations", "Citations", "A source behind one record, with its words and how it supports the record.",
        [
            Column("supports_kind", description="The kind of record it supports, e.g. entitlement.", required=True),
            Column("supports", description="That record's identifiers joined by /, e.g. london-lsp/ccn3/RAN/cerner.",
                   required=True),
            Column("address", description="Where the site shows that record.", required=True),
            Column("source", description="The source's key; blank for a fact saved as unsourced."),
            Column("grade", description="stated, inferred, derived or unsourced.", required=True),
            Column("current", "boolean", "Whether the record still has the values it was cited for (no: it supports "
                   "an earlier value)."),
            Column("quote", description="The source's exact words."),
            Column("note"),
            Column("reasoning", description="For an inferred or derived fact, how; for an unsourced one, why."),
        ],
        foreign_keys=[_key("source", ("sources", ["key"]))],
        lines=lambda: _citation_lines(records),
    )  # fmt: skip


def _figure_lines(records: DatasetRecords) -> Iterator[Sequence[Any]]:
    for check in reported_figure_reconcile(figures=records.figures):
        figure = check.figure
        most = None if check.recorded is None else check.recorded + check.unknown
        yield (
            figure.contract.slug, figure.key, figure.statement, figure.value, figure.qualifier, figure.unit,
            figure.as_of, figure.measure, figure.system.slug if figure.system else None,
            figure.base_revision.code if figure.base_revision else None,
            figure.revision.code if figure.revision else None, "; ".join(figure.organisation_kinds), check.recorded,
            most, check.verdict,
        )  # fmt: skip


def _figures(records: DatasetRecords) -> Table:
    return Table(
        "reported_figures", "Reported figures",
        "Numbers the sources state, each beside the range the records give and whether they agree.",
        [
            Column("contract", required=True),
            Column("key", required=True),
            Column("statement", required=True),
            Column("value", "number", "The number the source states.", required=True, signed=True),
            Column("qualifier", description=QUALIFIER),
            Column("unit"),
            Column("as_of", "date", "The day the figure describes, where it matters."),
            Column("measure", description="What the records count to set beside it; blank where nothing compares."),
            Column("system", description="The system's slug."),
            Column("base_revision", description="The code of the figure's contract's earlier revision, for a measure "
                   "between two."),
            Column("revision", description="The code of the figure's contract's (target) revision."),
            Column("organisation_kinds", description="The kinds of organisation counted, joined by \"; \"; "
                   "blank for all."),
            Column("recorded_least", "number", "What the records give for certain.", signed=True),
            Column("recorded_most", "number", "That plus the records whose status is unknown.", signed=True),
            Column("verdict", description="agrees, disagrees, open (the records cannot tell) or not_compared.",
                   required=True),
        ],
        primary_key=["contract", "key"],
        # Not keys to revisions: a key of two fields, one of them blank, is refused (the revision's code is blank
        # for most figures).
        foreign_keys=[_key("contract", TO_CONTRACT), _key("system", TO_SYSTEM)],
        lines=lambda: _figure_lines(records),
    )  # fmt: skip


def dataset_tables(records: DatasetRecords) -> list[Table]:
    """The package's tables, referenced ones before those that refer to them."""
    return [
        _organisations(records), _successions(records), _local_systems(records), _suppliers(records),
        _contracts(records), _revisions(records), _systems(records), _entitlements(records),
        _deliverables(records), _deployments(records), _sources(records), _citations(records), _figures(records),
    ]  # fmt: skip


def dataset_descriptor(
    records: DatasetRecords, tables: Sequence[Table], *, last_changed: datetime.datetime | None
) -> dict[str, Any]:
    """datapackage.json: what the package holds, its sources, and when its records last changed."""
    contract = records.contract
    name = contract.slug if contract else "contract-change-tracker"
    title = f"{contract.title}: its published records" if contract else "Every contract's published records"
    sources = [
        {"title": source.title, **({"path": source.url} if source.url else {})}
        for source in records.sources.only("title", "url")
    ]
    properties: dict[str, Any] = {
        "description": (
            "Published revisions only: no draft revision, nor its entitlements, deliverables or figures, is here. "
            "Records are named as on the site: organisations by identifier, systems and contracts by slug, "
            "revisions by their contract's slug and their code. The records are published under CC BY 4.0; the "
            "quotations in the citations remain their publishers'. " + GUARD_NOTE
        ),
        "licenses": [DATA_LICENCE],
        "sources": sources,
    }
    if last_changed is not None:
        properties["created"] = last_changed.isoformat(timespec="seconds")
    return package_descriptor(name=name, title=title, tables=tables, **properties)
