"""A contract at a glance (its page, and the home page for the featured one): value then and now, who kept and lost
what between two of its revisions (the first and the latest unless the reader chooses), lines cut, and the
sources' numbers beside the records'."""

from dataclasses import dataclass, field
from decimal import Decimal

from contracts.models import Contract, Deliverable, Revision
from contracts.outcomes import Outcome
from contracts.pages.charts import OutcomeBar, ValueChart, outcome_bars, value_chart
from contracts.pages.evidence import PageEvidence, page_evidence
from contracts.pages.figures import FigureCheck, figure_checks
from contracts.pages.timeline import TimelineEntry, revision_timeline
from contracts.selectors.revisions import RevisionChoice
from contracts.selectors.systems import contract_systems
from contracts.services.compare import deliverable_compare, revision_compare
from contracts.services.reconcile import contract_figures, reported_figure_reconcile


@dataclass(frozen=True)
class ContractOverview:
    contract: Contract
    choice: RevisionChoice
    value_change: Decimal | None
    value_change_percent: Decimal | None
    bars: list[OutcomeBar]
    # Lines delivering less in the target revision: each a row of deliverable_compare, with the two records as
    # `base_line` and `target_line` (for their evidence).
    line_changes: list[dict]
    figures: list[FigureCheck]
    evidence: PageEvidence
    # The revisions in order with what each changed (on the contract's own page).
    timeline: list[TimelineEntry] = field(default_factory=list)
    value_chart: ValueChart | None = None

    @property
    def base(self) -> Revision | None:
        return self.choice.base

    @property
    def target(self) -> Revision | None:
        return self.choice.target

    @property
    def compares(self) -> bool:
        return self.base is not None and self.target is not None and self.base != self.target


def value_change(base: Revision | None, target: Revision | None) -> tuple[Decimal | None, Decimal | None]:
    """The change in total value from base to target (GBP), and as a percentage of base's."""
    if base is None or target is None or base.total_value is None or target.total_value is None:
        return None, None
    change = target.total_value - base.total_value
    return change, (change * 100 / base.total_value if base.total_value else None)


def contract_overview(*, choice: RevisionChoice, drafts: bool = False, with_timeline: bool = False) -> ContractOverview:
    contract, base, target = choice.contract, choice.base, choice.target
    change, change_percent = value_change(base, target)
    bars: list[OutcomeBar] = []
    line_changes: list[dict] = []
    if base is not None and target is not None and base != target:
        comparison = revision_compare(base=base, target=target)
        systems = list(contract_systems(contract=contract, per_organisation=True, drafts=drafts))
        bars = outcome_bars(systems=systems, counts=comparison.outcome_counts())
        line_changes = [
            line
            for line in deliverable_compare(base=base, target=target)
            if line["outcome"] == Outcome.LOST or line["reduced"]
        ]
        lines = Deliverable.objects.filter(revision__in=[base, target], code__in=[
            line["code"] for line in line_changes
        ]).select_related("system", "revision")  # fmt: skip
        by_side = {(line.revision_id, line.code): line for line in lines}
        for line in line_changes:
            line["base_line"] = by_side.get((base.pk, line["code"]))
            line["target_line"] = by_side.get((target.pk, line["code"]))
    figures = figure_checks(
        reported_figure_reconcile(figures=contract_figures(contract=contract, drafts=drafts)),
        revisions=choice.revisions,
    )
    timeline = revision_timeline(contract=contract, drafts=drafts) if with_timeline else []
    records = [
        contract,
        *[revision for revision in [base, target] if revision is not None],
        *[line[side] for line in line_changes for side in ["base_line", "target_line"] if line.get(side)],
        *(record for entry in timeline for record in [entry.revision, *entry.line_changes]),
        *(check.figure for check in figures),
    ]
    return ContractOverview(
        contract=contract,
        choice=choice,
        value_change=change,
        value_change_percent=change_percent,
        bars=bars,
        line_changes=line_changes,
        figures=figures,
        evidence=page_evidence(list(dict.fromkeys(records)), drafts=drafts),
        timeline=timeline,
        value_chart=value_chart([entry.revision for entry in timeline]) if timeline else None,
    )
