"""A contract's page: its revisions in order with what each changed, the sources' numbers beside the records',
and the evidence for every date, value and quantity shown."""

from dataclasses import dataclass

from contracts.models import Contract
from contracts.pages.evidence import PageEvidence, page_evidence
from contracts.pages.figures import FigureCheck, figure_checks
from contracts.pages.timeline import TimelineEntry, revision_timeline
from contracts.services.reconcile import contract_figures, reported_figure_reconcile


@dataclass(frozen=True)
class ContractPage:
    contract: Contract
    timeline: list[TimelineEntry]
    figures: list[FigureCheck]
    evidence: PageEvidence


def contract_page(*, contract: Contract, drafts: bool = False) -> ContractPage:
    timeline = revision_timeline(contract=contract, drafts=drafts)
    revisions = [entry.revision for entry in timeline]
    reconciliations = reported_figure_reconcile(figures=contract_figures(contract=contract, drafts=drafts))
    figures = figure_checks(reconciliations, revisions=revisions)
    records = [
        contract,
        *(record for entry in timeline for record in [entry.revision, *entry.line_changes]),
        *(check.figure for check in figures),
    ]
    return ContractPage(
        contract=contract, timeline=timeline, figures=figures, evidence=page_evidence(records, drafts=drafts)
    )
