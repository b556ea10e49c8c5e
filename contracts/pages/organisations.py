"""An organisation's page, and the status grid of the organisation list: what each was promised under every
revision, the outcome between two revisions, what was delivered, and every citation behind them, numbered in page
order. A successor's page shows its predecessors' records too, each row saying which body it was."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import cast

from contracts.models import (
    Contract,
    Deployment,
    DeploymentStatus,
    Entitlement,
    EntitlementStatus,
    Revision,
    System,
)
from contracts.pages.evidence import PageEvidence, page_evidence
from contracts.selectors.organisations import organisation_citations, predecessors_of
from contracts.selectors.revisions import (
    RevisionChoice,
    RevisionInForce,
    RevisionPair,
    UnknownRevision,
    revision_choice,
    revision_in_force,
    revisions_by_contract,
)
from contracts.selectors.tally import status_pair_outcome
from organisations.models import LocalSystem, Organisation, Succession


@dataclass(frozen=True)
class StatusCell:
    """One organisation's entitlement to one system: in the later revision, and the outcome since the earlier."""

    status: str
    outcome: str | None
    live: bool


def organisation_statuses(
    *, pairs: Iterable[RevisionPair], organisations: Iterable[Organisation]
) -> dict[int, dict[tuple[int, str], StatusCell]]:
    """{organisation id: {(contract id, system slug): StatusCell}} for the given organisations under each pair of
    revisions (one pair per contract): their rows of both revisions of every pair in one query, read through the
    index of each revision's rows by organisation, and their live systems in another, whatever the number of
    contracts. A (contract, system) has a cell where either revision has a row; one missing reads as unknown, as
    in a comparison.

    The outcome is from the pair's earlier revision; a pair without one (a contract of one revision) has none.
    """
    ids = [organisation.pk for organisation in organisations]
    pairs = [pair for pair in pairs if pair.latest is not None]
    if not ids or not pairs:
        return {}
    # revision id -> (contract id, which side): a contract of one revision is both sides of its pair.
    sides: dict[int, tuple[int, list[str]]] = {}
    for pair in pairs:
        latest = cast(Revision, pair.latest)
        sides[latest.pk] = (latest.contract_id, ["target"] if pair.previous else ["base", "target"])
        if pair.previous is not None:
            sides[pair.previous.pk] = (latest.contract_id, ["base"])
    compared = {cast(Revision, pair.latest).contract_id: pair.previous is not None for pair in pairs}
    rows = Entitlement.objects.filter(organisation_id__in=ids, revision_id__in=list(sides)).values_list(
        "organisation_id", "revision_id", "system__slug", "status"
    )
    found: dict[tuple[int, int, str], dict[str, str]] = {}
    for organisation_id, revision_id, system_slug, status in rows.order_by():
        contract_id, named = sides[revision_id]
        statuses = found.setdefault((organisation_id, contract_id, system_slug), {})
        for side in named:
            statuses[side] = status
    live = set(
        Deployment.objects.filter(organisation_id__in=ids, status=DeploymentStatus.LIVE)
        .values_list("organisation_id", "system__slug")
        .order_by()
    )
    cells: dict[int, dict[tuple[int, str], StatusCell]] = {}
    for (organisation_id, contract_id, system_slug), statuses in found.items():
        base, target = statuses.get("base", ""), statuses.get("target", "")
        cells.setdefault(organisation_id, {})[(contract_id, system_slug)] = StatusCell(
            status=target or EntitlementStatus.UNKNOWN,
            outcome=status_pair_outcome(base, target) if compared[contract_id] else None,
            live=(organisation_id, system_slug) in live,
        )
    return cells


@dataclass
class SystemEntitlements:
    """One system's entitlement of one organisation (the page's own, or a predecessor's: `via`) in each revision
    of a contract, and the outcome between the chosen two."""

    system: System
    organisation: Organisation
    via: Succession | None
    by_revision: list[Entitlement | None]
    cell: StatusCell | None = None


@dataclass
class ContractEntitlements:
    contract: Contract
    choice: RevisionChoice
    systems: list[SystemEntitlements] = field(default_factory=list)
    # The revision in force on the day the page was asked about, when it was.
    in_force: RevisionInForce | None = None

    @property
    def revisions(self) -> list[Revision]:
        return self.choice.revisions


@dataclass(frozen=True)
class DeploymentRow:
    deployment: Deployment
    # The merger that brought a predecessor's deployment to this page; None for the organisation's own.
    via: Succession | None


@dataclass
class TrustProfile:
    organisation: Organisation
    contracts: list[ContractEntitlements]
    deployments: list[DeploymentRow]
    local_systems: list[LocalSystem]
    predecessors: list[Succession]
    successors: list[Succession]
    # Every body that passed into this one, directly or through another, with the merger that brought it.
    merged_in: list[Succession]
    evidence: PageEvidence


def _grid_named(grids: list[ContractEntitlements], slug: str) -> ContractEntitlements:
    """The contract `slug` names among the page's ("" when the page has only one)."""
    named = [grid for grid in grids if grid.contract.slug == slug] if slug else grids
    if len(named) == 1:
        return named[0]
    slugs = ", ".join(grid.contract.slug for grid in grids) or "none"
    if slug:
        raise UnknownRevision(
            f"contract: “{slug[:60]}” is not a contract that names this organisation; these do: {slugs}."
        )
    raise UnknownRevision(
        "contract: say which contract the revisions are of (a revision code means nothing without its contract): "
        f"{slugs}."
    )


def trust_profile(
    *,
    organisation: Organisation,
    drafts: bool = False,
    chosen: dict[str, tuple[str, str]] | None = None,
    as_of: datetime.date | None = None,
) -> TrustProfile:
    """Everything the organisation's page shows, its predecessors' records with it, and the evidence for each
    record numbered in page order. `chosen` gives, by contract slug, the codes of the two revisions to compare
    (else the first and the latest); a code that is not a revision of that contract raises UnknownRevision. `as_of`
    compares each contract's first revision with the one in force that day instead."""
    chosen = chosen or {}
    merged_in = predecessors_of(organisation)
    via = {succession.predecessor_id: succession for succession in merged_in}
    bodies = [organisation, *(succession.predecessor for succession in merged_in)]
    entitlements = list(
        Entitlement.objects.filter(organisation__in=bodies)
        .filter(**({} if drafts else {"revision__is_published": True}))
        .select_related("revision__contract", "system", "organisation")
        .order_by("revision__contract__slug", "system__name", "organisation__name", "revision__sequence")
    )
    revisions = revisions_by_contract({entitlement.revision.contract_id for entitlement in entitlements}, drafts=drafts)

    contracts: dict[int, ContractEntitlements] = {}
    for entitlement in entitlements:
        contract = entitlement.revision.contract
        if contract.pk not in contracts:
            choice = revision_choice(contract=contract, revisions=revisions[contract.pk])
            contracts[contract.pk] = ContractEntitlements(contract=contract, choice=choice)
        grid = contracts[contract.pk]
        last = grid.systems[-1] if grid.systems else None
        if last is None or last.system != entitlement.system or last.organisation != entitlement.organisation:
            grid.systems.append(
                SystemEntitlements(
                    system=entitlement.system,
                    organisation=entitlement.organisation,
                    via=via.get(entitlement.organisation_id),
                    by_revision=[None] * len(grid.revisions),
                )
            )
        grid.systems[-1].by_revision[grid.revisions.index(entitlement.revision)] = entitlement
    for slug, (base, target) in chosen.items():
        grid = _grid_named(list(contracts.values()), slug)
        grid.choice = revision_choice(contract=grid.contract, base=base, target=target, revisions=grid.revisions)
    if as_of is not None:
        for grid in contracts.values():
            grid.in_force = revision_in_force(contract=grid.contract, day=as_of, revisions=grid.revisions)
            first = grid.revisions[0]
            grid.choice = replace(grid.choice, base=first, target=grid.in_force.revision or first)
    cells = organisation_statuses(pairs=[grid.choice.pair for grid in contracts.values()], organisations=bodies)
    for grid in contracts.values():
        for row in grid.systems:
            row.cell = cells.get(row.organisation.pk, {}).get((grid.contract.pk, row.system.slug))
        # The page's own rows first, then each predecessor's.
        grid.systems.sort(key=lambda row: (row.system.name, row.via is not None, row.organisation.name))

    deployments = list(
        Deployment.objects.filter(organisation__in=bodies)
        .select_related("system", "delivered_by", "contract", "organisation")
        .order_by("system__name", "go_live_on", "site", "phase")
    )
    local_systems = list(organisation.local_systems.select_related("vendor").order_by("product"))
    predecessors = [succession for succession in merged_in if succession.successor_id == organisation.pk]
    successors = list(organisation.successions.select_related("successor").order_by("effective_on"))
    records = [
        organisation, *predecessors, *successors, *merged_in, *entitlements, *deployments, *local_systems
    ]  # fmt: skip
    citations = organisation_citations(organisation=organisation, drafts=drafts, also=bodies[1:])
    return TrustProfile(
        organisation=organisation,
        contracts=list(contracts.values()),
        deployments=[DeploymentRow(deployment, via.get(deployment.organisation_id)) for deployment in deployments],
        local_systems=local_systems,
        predecessors=predecessors,
        successors=successors,
        merged_in=merged_in,
        evidence=page_evidence(list(dict.fromkeys(records)), citations=citations),
    )
