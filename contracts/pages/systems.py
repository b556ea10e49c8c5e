"""One system across its contract: who keeps, loses and gains it, what the sources say of it, its programme lines
and where it was deployed, with the evidence for each."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from contracts.models import Contract, Deliverable, Deployment, System
from contracts.outcomes import Outcome
from contracts.pages.charts import OutcomeBar, outcome_bars
from contracts.pages.evidence import PageEvidence, page_evidence
from contracts.pages.figures import FigureCheck, figure_checks
from contracts.selectors.revisions import RevisionPair, latest_pair, revisions_in_order
from contracts.selectors.systems import contracts_of_system, system_deliverables, system_deployments
from contracts.services.compare import revision_compare
from contracts.services.reconcile import contract_figures, reported_figure_reconcile

SYSTEM_PAGE_LIST = 100


@dataclass(frozen=True)
class SystemOverview:
    system: System
    contract: Contract | None
    pair: RevisionPair
    bar: OutcomeBar | None
    # (outcome, how many, the first SYSTEM_PAGE_LIST of their rows) for each outcome that has any.
    by_outcome: list[tuple[str, int, list[dict]]]
    deliverables: list[Deliverable]
    deployments: list[Deployment]
    # The sources' numbers about this system, beside the records'.
    figures: list[FigureCheck]
    evidence: PageEvidence


def system_overview(*, system: System, drafts: bool = False) -> SystemOverview:
    """Who keeps, loses and gains a system between the latest two revisions of its contract, and its lines."""
    contracts = contracts_of_system(system=system, drafts=drafts)
    contract = contracts.filter(slug=settings.DEFAULT_CONTRACT).first() or contracts.order_by("slug").first()
    pair = latest_pair(contract, drafts=drafts) if contract else RevisionPair(previous=None, latest=None)
    bar, by_outcome = None, []
    if pair.previous and pair.latest:
        comparison = revision_compare(base=pair.previous, target=pair.latest, systems=[system])
        bar = outcome_bars(systems=[system], counts=comparison.outcome_counts())[0]
        # Each outcome's organisations, up to a list's length, in one query; the compare page lists them all.
        place = Window(RowNumber(), partition_by=F("outcome"), order_by=["organisation_name", "ods_code"])
        listed: dict[str, list[dict]] = {}
        for row in comparison.rows.annotate(place=place).filter(place__lte=SYSTEM_PAGE_LIST):
            listed.setdefault(row["outcome"], []).append(row)
        by_outcome = [
            (outcome.value, bar.count(outcome.value), listed[outcome.value]) for outcome in Outcome if outcome in listed
        ]
    figures: list[FigureCheck] = []
    if contract is not None:
        revisions = list(revisions_in_order(contract=contract, drafts=drafts))
        about = contract_figures(contract=contract, drafts=drafts).filter(system=system)
        figures = figure_checks(reported_figure_reconcile(figures=about), revisions=revisions)
    deliverables = list(system_deliverables(system=system, drafts=drafts))
    deployments = list(system_deployments(system=system))
    records = [system, *(check.figure for check in figures), *deliverables, *deployments]
    return SystemOverview(
        system=system,
        contract=contract,
        pair=pair,
        bar=bar,
        by_outcome=by_outcome,
        deliverables=deliverables,
        deployments=deployments,
        figures=figures,
        evidence=page_evidence(records, drafts=drafts),
    )
