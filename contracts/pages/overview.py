"""A contract at a glance (the home page): value then and now, who kept and lost what, lines cut, and the
sources' numbers beside the records'."""

from dataclasses import dataclass
from decimal import Decimal

from contracts.models import Contract, Revision
from contracts.outcomes import Outcome
from contracts.pages.charts import OutcomeBar, outcome_bars
from contracts.selectors.revisions import RevisionPair, latest_pair, revisions_in_order
from contracts.selectors.systems import contract_systems
from contracts.services.compare import deliverable_compare, revision_compare
from contracts.services.reconcile import Reconciliation, contract_figures, reported_figure_reconcile


@dataclass(frozen=True)
class ContractOverview:
    contract: Contract
    pair: RevisionPair
    first: Revision | None
    value_change: Decimal | None
    value_change_percent: Decimal | None
    bars: list[OutcomeBar]
    line_changes: list[dict]
    reconciliations: list[Reconciliation]


def contract_overview(*, contract: Contract, drafts: bool = False) -> ContractOverview:
    pair = latest_pair(contract, drafts=drafts)
    first = revisions_in_order(contract=contract, drafts=drafts).first()
    value_change = value_change_percent = None
    if first and pair.latest and first.total_value is not None and pair.latest.total_value is not None:
        value_change = pair.latest.total_value - first.total_value
        value_change_percent = value_change * 100 / first.total_value if first.total_value else None
    bars: list[OutcomeBar] = []
    line_changes: list[dict] = []
    if pair.previous and pair.latest:
        comparison = revision_compare(base=pair.previous, target=pair.latest)
        systems = list(contract_systems(contract=contract, per_organisation=True, drafts=drafts))
        bars = outcome_bars(systems=systems, counts=comparison.outcome_counts())
        line_changes = [
            line
            for line in deliverable_compare(base=pair.previous, target=pair.latest)
            if line["outcome"] == Outcome.LOST or line["reduced"]
        ]
    return ContractOverview(
        contract=contract,
        pair=pair,
        first=first,
        value_change=value_change,
        value_change_percent=value_change_percent,
        bars=bars,
        line_changes=line_changes,
        reconciliations=reported_figure_reconcile(figures=contract_figures(contract=contract, drafts=drafts)),
    )
