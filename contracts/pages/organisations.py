"""An organisation's page, and the status grid of the organisation list: what each was promised under every
revision, the outcome, what was delivered, and every citation behind them, numbered in page order."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from contracts.models import Contract, Deployment, Entitlement, Revision, System
from contracts.pages.evidence import PageEvidence, page_evidence
from contracts.selectors.organisations import organisation_citations, organisation_entitlements
from contracts.selectors.revisions import RevisionPair
from contracts.services.compare import revision_compare
from organisations.models import LocalSystem, Organisation, Succession


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
    evidence: PageEvidence


def trust_profile(*, organisation: Organisation, drafts: bool = False) -> TrustProfile:
    """Everything the organisation's page shows, with the evidence for each record numbered in page order."""
    entitlements = list(organisation_entitlements(organisation=organisation, drafts=drafts))
    contract_ids = {entitlement.revision.contract_id for entitlement in entitlements}
    revisions: dict[int, list[Revision]] = {}
    visible = Revision.objects.visible(drafts=drafts).filter(contract_id__in=contract_ids)
    for revision in visible.select_related("contract").order_by("contract", "sequence"):
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
    records = [organisation, *predecessors, *successors, *entitlements, *deployments, *local_systems]
    citations = organisation_citations(organisation=organisation, drafts=drafts)
    return TrustProfile(
        organisation=organisation,
        contracts=list(contracts.values()),
        deployments=deployments,
        local_systems=local_systems,
        predecessors=predecessors,
        successors=successors,
        evidence=page_evidence(records, citations=citations),
    )
