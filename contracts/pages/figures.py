"""The sources' numbers beside the records': each reported figure's check, with a link to the records it counts."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import urlencode

from contracts.models import Contract, EntitlementStatus, ReportedFigure, ReportedFigureMeasure, Revision
from contracts.outcomes import Outcome
from contracts.selectors.facts import Scope
from contracts.selectors.revisions import revisions_in_order
from contracts.services.reconcile import Reconciliation, contract_figures, reported_figure_reconcile

ENTITLEMENT_MEASURES = {
    ReportedFigureMeasure.STATUS_COUNT,
    ReportedFigureMeasure.ORGANISATIONS_IN_SCOPE,
    ReportedFigureMeasure.ENTITLED_NOT_LIVE,
}


@dataclass(frozen=True)
class FigureCheck:
    reconciliation: Reconciliation
    # Where the records the figure is set beside are listed, and what that link shows, in words.
    records_url: str
    records_label: str

    @property
    def figure(self) -> ReportedFigure:
        return self.reconciliation.figure


def figure_checks(reconciliations: list[Reconciliation], *, revisions: list[Revision]) -> list[FigureCheck]:
    """Each reconciliation with the link to its records; `revisions` are the contract's, in order (to compare the
    figure's revision with the one before it where a measure needs two)."""
    checks = []
    for reconciliation in reconciliations:
        url, label = compared_records(reconciliation.figure, revisions=revisions)
        checks.append(FigureCheck(reconciliation=reconciliation, records_url=url, records_label=label))
    return checks


def figure_list_checks(
    *, scope: Scope | None, wanted: Callable[[str], bool], drafts: bool = False
) -> list[FigureCheck]:
    """The reported figures list: each contract's figures within the scope (its contract and system; none for an
    organisation, of which no figure speaks), reconciled, keeping the verdicts `wanted`. The page and the API."""
    checks: list[FigureCheck] = []
    contracts = Contract.objects.order_by("slug")
    if scope and scope.contract:
        contracts = contracts.filter(slug=scope.contract)
    for contract in contracts:
        figures = contract_figures(contract=contract, drafts=drafts)
        if scope and scope.system:
            figures = figures.filter(system__slug=scope.system)
        if scope and scope.organisation:
            figures = figures.none()
        revisions = list(revisions_in_order(contract=contract, drafts=drafts))
        checks += [
            check
            for check in figure_checks(reported_figure_reconcile(figures=figures), revisions=revisions)
            if wanted(check.reconciliation.verdict)
        ]
    return checks


def compared_records(figure: ReportedFigure, *, revisions: list[Revision]) -> tuple[str, str]:
    """The page that lists the records a figure's measure counts, and what it lists."""
    contract = figure.contract
    measure = figure.measure
    kinds = [("kind", kind) for kind in figure.organisation_kinds]
    system = [("system", figure.system.slug)] if figure.system else []
    if measure == ReportedFigureMeasure.OUTCOME_COUNT and figure.base_revision and figure.revision:
        query = [("base", figure.base_revision.code), ("target", figure.revision.code), *system, *kinds]
        # Those with the outcome, and the unknowns that could be among them.
        query += [("outcome", figure.outcome), ("outcome", Outcome.UNKNOWN)]
        return _compare(contract.slug, query), "the organisations counted"
    if measure == ReportedFigureMeasure.ENTITLED_NOT_LIVE and figure.revision:
        before = _revision_before(figure.revision, revisions)
        if before is not None:
            query = [("base", before.code), ("target", figure.revision.code), *system, *kinds, ("live", "no")]
            return _compare(contract.slug, query), "the organisations not live"
    if measure in ENTITLEMENT_MEASURES and figure.revision:
        query = [("contract", contract.slug), ("revision", figure.revision.code), *system, *kinds]
        if measure == ReportedFigureMeasure.STATUS_COUNT:
            # Those the status names, and the unknowns that could be among them.
            query += [("status", figure.status), ("status", EntitlementStatus.UNKNOWN)]
        return f"{reverse('entitlement_list')}?{urlencode(query)}", "the entitlements counted"
    if measure == ReportedFigureMeasure.LIVE_DEPLOYMENTS and figure.system:
        return f"{figure.system.get_absolute_url()}#deployments", "the deployments counted"
    if measure in {ReportedFigureMeasure.DELIVERABLE_QUANTITY, ReportedFigureMeasure.DELIVERABLE_DELIVERED}:
        line = figure.deliverable
        if line is not None:
            return f"{line.system.get_absolute_url()}#deliverable-{line.code}", "the programme line"
    if figure.revision:
        return f"{contract.get_absolute_url()}#revision-{figure.revision.code}", "the revision's value"
    return "", ""


def _compare(slug: str, query: list[tuple[str, str]]) -> str:
    return f"{reverse('contract_compare', args=[slug])}?{urlencode(query)}"


def _revision_before(revision: Revision, revisions: list[Revision]) -> Revision | None:
    earlier = [other for other in revisions if other.sequence < revision.sequence]
    return earlier[-1] if earlier else None
