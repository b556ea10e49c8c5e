"""Reads for the organisation pages: the trust list, its status grid and one trust's profile."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, QuerySet, Subquery

from contracts.models import Citation, Contract, Deployment, Entitlement, Revision, System
from contracts.selectors import RevisionPair, citation_rows
from contracts.services.compare import revision_compare
from trusts.models import LocalSystem, Organisation, Succession


def organisation_rows() -> QuerySet[Organisation]:
    """Every organisation with its successor's ODS code (the first, where it was split)."""
    successor = Succession.objects.filter(predecessor=OuterRef("pk")).order_by("effective_on", "successor__ods_code")
    return Organisation.objects.annotate(
        successor_ods_code=Subquery(successor.values("successor__ods_code")[:1])
    ).order_by("name", "ods_code")


def organisation_search(queryset: QuerySet[Organisation], text: str) -> QuerySet[Organisation]:
    """Organisations whose ODS code, name or short name contains the text (any case)."""
    text = text.strip()
    if not text:
        return queryset
    return queryset.filter(Q(ods_code__iexact=text) | Q(name__icontains=text) | Q(short_name__icontains=text))


@dataclass(frozen=True)
class StatusCell:
    """One organisation's entitlement to one system: in the latest revision, and the outcome since the previous."""

    status: str
    outcome: str | None
    live: bool


def organisation_statuses(
    *, pair: RevisionPair, organisations: Iterable[Organisation]
) -> dict[str, dict[str, StatusCell]]:
    """{ODS code: {system slug: StatusCell}} for the given organisations, in one query.

    The outcome is against the previous revision; a contract with one revision has none.
    """
    codes = [organisation.ods_code for organisation in organisations]
    if not codes or pair.latest is None:
        return {}
    comparison = revision_compare(base=pair.previous or pair.latest, target=pair.latest, ods_codes=codes)
    cells: dict[str, dict[str, StatusCell]] = {}
    for row in comparison.rows.order_by():
        cells.setdefault(row["ods_code"], {})[row["system_slug"]] = StatusCell(
            status=row["target_status"],
            outcome=row["outcome"] if pair.previous else None,
            live=row["live"],
        )
    return cells


def organisation_ids_with_status(*, revision: Revision, statuses: Sequence[str], systems: Sequence[System] | None):
    entitlements = Entitlement.objects.filter(revision=revision, status__in=statuses)
    if systems:
        entitlements = entitlements.filter(system__in=systems)
    return entitlements.values("organisation_id")


def organisation_ids_with_outcome(
    *, pair: RevisionPair, outcomes: Sequence[str] | None, systems: Sequence[System] | None
):
    """Organisations with one of the outcomes (or any row at all) for one of the systems (or any)."""
    comparison = revision_compare(base=pair.previous or pair.latest, target=pair.latest, systems=systems or None)
    rows = comparison.rows.order_by()
    if outcomes:
        rows = rows.filter(outcome__in=outcomes)
    return rows.values("organisation_id")


@dataclass
class SystemEntitlements:
    """One system's entitlement of an organisation in each revision of a contract, and the latest outcome."""

    system: System
    by_revision: list[Entitlement | None]
    cell: StatusCell | None = None


@dataclass
class ContractEntitlements:
    contract: Contract
    revisions: list[Revision]
    pair: RevisionPair
    systems: list[SystemEntitlements] = field(default_factory=list)


@dataclass
class TrustProfile:
    organisation: Organisation
    contracts: list[ContractEntitlements]
    deployments: list[Deployment]
    local_systems: list[LocalSystem]
    predecessors: list[Succession]
    successors: list[Succession]
    citations: list[Citation]


def trust_profile(*, organisation: Organisation) -> TrustProfile:
    """Everything the trust page shows, with each record's citations numbered in page order."""
    entitlements = list(
        organisation.entitlements.select_related("revision__contract", "system").order_by(
            "revision__contract__slug", "system__name", "revision__sequence"
        )
    )
    contract_ids = {entitlement.revision.contract_id for entitlement in entitlements}
    revisions: dict[int, list[Revision]] = {}
    for revision in Revision.objects.filter(contract_id__in=contract_ids).select_related("contract"):
        revisions.setdefault(revision.contract_id, []).append(revision)

    contracts: dict[int, ContractEntitlements] = {}
    for entitlement in entitlements:
        contract = entitlement.revision.contract
        if contract.pk not in contracts:
            in_order = revisions[contract.pk]
            pair = RevisionPair(previous=in_order[-2] if len(in_order) > 1 else None, latest=in_order[-1])
            contracts[contract.pk] = ContractEntitlements(contract=contract, revisions=in_order, pair=pair)
        grid = contracts[contract.pk]
        if not grid.systems or grid.systems[-1].system != entitlement.system:
            grid.systems.append(SystemEntitlements(system=entitlement.system, by_revision=[None] * len(grid.revisions)))
        grid.systems[-1].by_revision[grid.revisions.index(entitlement.revision)] = entitlement
    for grid in contracts.values():
        cells = organisation_statuses(pair=grid.pair, organisations=[organisation]).get(organisation.ods_code, {})
        for row in grid.systems:
            row.cell = cells.get(row.system.slug)

    deployments = list(
        organisation.deployments.select_related("system", "delivered_by", "contract").order_by(
            "system__name", "go_live_on", "site", "phase"
        )
    )
    local_systems = list(organisation.local_systems.select_related("vendor").order_by("product"))
    predecessors = list(organisation.predecessions.select_related("predecessor").order_by("effective_on"))
    successors = list(organisation.successions.select_related("successor").order_by("effective_on"))
    citations = list(
        citation_rows()
        .filter(
            Q(organisation=organisation)
            | Q(entitlement__organisation=organisation)
            | Q(deployment__organisation=organisation)
            | Q(local_system__organisation=organisation)
            | Q(succession__predecessor=organisation)
            | Q(succession__successor=organisation)
        )
        .order_by("id")
    )
    _number_citations(
        citations, [organisation, *entitlements, *deployments, *local_systems, *predecessors, *successors]
    )
    return TrustProfile(
        organisation=organisation,
        contracts=list(contracts.values()),
        deployments=deployments,
        local_systems=local_systems,
        predecessors=predecessors,
        successors=successors,
        citations=sorted(citations, key=lambda citation: citation.number),
    )


def _number_citations(citations: list[Citation], records: list) -> None:
    """Number citations in the order their records appear, and give each record its `page_citations`."""
    by_target: dict[tuple[type, int], list[Citation]] = {}
    for citation in citations:
        target = citation.target
        by_target.setdefault((type(target), target.pk), []).append(citation)
    number = 0
    for record in records:
        record.page_citations = by_target.pop((type(record), record.pk), [])
        for citation in record.page_citations:
            number += 1
            citation.number = number
    for leftover in by_target.values():
        for citation in leftover:
            number += 1
            citation.number = number
