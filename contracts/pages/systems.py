"""One system across its contracts: for each, who keeps, loses and gains it between two revisions (the first and
the latest unless the reader chooses), and what the sources say of it; then its programme lines and where it was
deployed, with the evidence for each."""

from collections import Counter
from dataclasses import dataclass

from contracts.models import Contract, Deliverable, Deployment, System
from contracts.outcomes import Outcome
from contracts.pages.charts import OutcomeBar, PromiseBar, outcome_bars, promise_bars
from contracts.pages.evidence import PageEvidence, page_evidence
from contracts.pages.figures import FigureCheck, figure_checks
from contracts.selectors.revisions import RevisionChoice, UnknownRevision, revision_choice, revisions_by_contract
from contracts.selectors.systems import contracts_of_system, system_deliverables, system_deployments
from contracts.services.compare import revision_compare, union_outcome_counts
from contracts.services.first_by_outcome import OutcomeList, first_by_outcome
from contracts.services.reconcile import contract_figures, reported_figure_reconcile

SYSTEM_PAGE_LIST = 100


@dataclass(frozen=True)
class SystemInContract:
    choice: RevisionChoice
    bar: OutcomeBar | None
    # (outcome, how many, the first SYSTEM_PAGE_LIST of their rows) for each outcome that has any.
    by_outcome: list[tuple[str, int, list[dict]]]
    # The sources' numbers about this system in this contract, beside the records'.
    figures: list[FigureCheck]

    @property
    def contract(self) -> Contract:
        return self.choice.contract


@dataclass(frozen=True)
class SystemOverview:
    system: System
    contracts: list[SystemInContract]
    deliverables: list[Deliverable]
    # The first SYSTEM_PAGE_LIST deployments by organisation name, and how many there are in all.
    deployments: list[Deployment]
    deployment_count: int
    evidence: PageEvidence

    @property
    def promises(self) -> list[PromiseBar]:
        return promise_bars(self.deliverables)


def system_overview(
    *, system: System, drafts: bool = False, contract: str = "", base: str = "", target: str = ""
) -> SystemOverview:
    """Who keeps, loses and gains a system in each contract dealing with it (or in the one `contract` names),
    between the revisions `base` and `target` name (of that contract, or of the only one), and its lines.
    Raises UnknownRevision for a contract or a revision code the system's contracts do not have."""
    contracts = list(contracts_of_system(system=system, drafts=drafts).order_by("-is_featured", "signed_on", "pk"))
    if contract:
        named = [own for own in contracts if own.slug == contract]
        if not named:
            slugs = ", ".join(own.slug for own in contracts) or "none"
            raise UnknownRevision(f"contract: “{contract[:60]}” does not deal with {system.name}; these do: {slugs}.")
        contracts = named
    elif (base or target) and len(contracts) > 1:
        raise UnknownRevision(
            "contract: say which contract the revisions are of (a revision code means nothing without its "
            f"contract): {', '.join(own.slug for own in contracts)}."
        )
    revisions = revisions_by_contract(contracts, drafts=drafts)
    choices = [
        revision_choice(contract=own, base=base, target=target, revisions=revisions[own.pk]) for own in contracts
    ]
    compared = [choice for choice in choices if choice.pair.previous is not None]
    comparisons = {
        choice.contract.pk: revision_compare(base=choice.base, target=choice.target, systems=[system])  # type: ignore[arg-type]
        for choice in compared
    }
    counts = union_outcome_counts(list(comparisons.values()))
    # Each outcome's first organisations, for every contract in one query; the compare page lists them all.
    lists = [
        OutcomeList(base=choice.base, target=choice.target, system=system, outcome=outcome.value)  # type: ignore[arg-type]
        for choice in compared
        for outcome in Outcome
        if counts.get(choice.contract.pk, {}).get(system.slug, Counter())[outcome.value]
    ]
    listed: dict[tuple[int, str], list[dict]] = {}
    for row in first_by_outcome(lists, length=SYSTEM_PAGE_LIST):
        listed.setdefault((row["contract_id"], row["outcome"]), []).append(row)
    figures_by_contract: dict[int, list] = {}
    about = contract_figures(contract=contracts, drafts=drafts).filter(system=system)
    for reconciliation in reported_figure_reconcile(figures=about):
        figures_by_contract.setdefault(reconciliation.figure.contract_id, []).append(reconciliation)
    sections = []
    for choice in choices:
        own = choice.contract.pk
        bar, by_outcome = None, []
        if own in comparisons:
            bar = outcome_bars(systems=[system], counts=counts.get(own, {}))[0]
            by_outcome = [
                (outcome.value, bar.count(outcome.value), listed[(own, outcome.value)])
                for outcome in Outcome
                if (own, outcome.value) in listed
            ]
        figures = figure_checks(figures_by_contract.get(own, []), revisions=choice.revisions)
        sections.append(SystemInContract(choice=choice, bar=bar, by_outcome=by_outcome, figures=figures))
    deliverables = list(system_deliverables(system=system, drafts=drafts).filter(revision__contract__in=contracts))
    recorded = system_deployments(system=system)
    if contract:
        # A deployment under no recorded contract is shown only on the system's page for every contract.
        recorded = recorded.filter(contract__in=contracts)
    deployments = list(recorded[:SYSTEM_PAGE_LIST])
    deployment_count = recorded.count()
    records = [
        system,
        *(check.figure for section in sections for check in section.figures),
        *deliverables,
        *deployments,
    ]
    return SystemOverview(
        system=system,
        contracts=sections,
        deliverables=deliverables,
        deployments=deployments,
        deployment_count=deployment_count,
        evidence=page_evidence(records, drafts=drafts),
    )
