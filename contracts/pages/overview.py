"""A contract at a glance (the home page): value then and now, who kept and lost what, lines cut, and the
sources' numbers beside the records'."""

from dataclasses import dataclass
from decimal import Decimal

from contracts.models import Contract, Deliverable, Revision
from contracts.outcomes import Outcome
from contracts.pages.charts import OutcomeBar, outcome_bars
from contracts.pages.evidence import PageEvidence, page_evidence
from contracts.pages.figures import FigureCheck, figure_checks
from contracts.selectors.revisions import RevisionPair, latest_pair, revisions_in_order
from contracts.selectors.systems import contract_systems
from contracts.services.compare import deliverable_compare, revision_compare
from contracts.services.reconcile import contract_figures, reported_figure_reconcile


@dataclass(frozen=True)
class ContractOverview:
    contract: Contract
    pair: RevisionPair
    first: Revision | None
    value_change: Decimal | None
    value_change_percent: Decimal | None
    bars: list[OutcomeBar]
    # Lines delivering less in the latest revision: each a row of deliverable_compare, with the two records as
    # `base_line` and `target_line` (for their evidence).
    line_changes: list[dict]
    figures: list[FigureCheck]
    evidence: PageEvidence


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
        lines = Deliverable.objects.filter(revision__in=[pair.previous, pair.latest], code__in=[
            line["code"] for line in line_changes
        ]).select_related("system", "revision")  # fmt: skip
        by_side = {(line.revision_id, line.code): line for line in lines}
        for line in line_changes:
            line["base_line"] = by_side.get((pair.previous.pk, line["code"]))
            line["target_line"] = by_side.get((pair.latest.pk, line["code"]))
    revisions = list(revisions_in_order(contract=contract, drafts=drafts))
    figures = figure_checks(
        reported_figure_reconcile(figures=contract_figures(contract=contract, drafts=drafts)), revisions=revisions
    )
    records = [
        contract,
        *[revision for revision in [first, pair.latest] if revision is not None],
        *[line[side] for line in line_changes for side in ["base_line", "target_line"] if line.get(side)],
        *(check.figure for check in figures),
    ]
    return ContractOverview(
        contract=contract,
        pair=pair,
        first=first,
        value_change=value_change,
        value_change_percent=value_change_percent,
        bars=bars,
        line_changes=line_changes,
        figures=figures,
        evidence=page_evidence(list(dict.fromkeys(records)), drafts=drafts),
    )
