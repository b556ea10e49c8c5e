"""Set each number a source states beside the number the records give, and say if they agree.

The records give a range: what they hold for certain, up to that plus the records whose status is
unknown. A figure agrees when that whole range lies within what the source states (widened by its
qualifier), disagrees when the two do not overlap, and is open when the unknowns could go either way.
Disagreements are information for analysts, not errors: the records stay true to their sources.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q

from contracts.models import (
    Contract,
    Deployment,
    DeploymentStatus,
    Entitlement,
    EntitlementStatus,
    ReportedFigure,
    ReportedFigureMeasure,
)
from contracts.outcomes import Outcome
from contracts.services.compare import revision_compare
from nhsit.lib.qualifiers import Qualifier

T = TypeVar("T")

# "About" a number means within a tenth of it, and never narrower than one either way.
ABOUT_TOLERANCE = Decimal("0.1")


class Verdict(models.TextChoices):
    AGREES = "agrees", "agrees"
    DISAGREES = "disagrees", "disagrees"
    OPEN = "open", "records cannot tell"
    NOT_COMPARED = "not_compared", "nothing to compare"


@dataclass(frozen=True)
class Recorded:
    """What the records give: `known` for certain, up to `known + unknown`."""

    known: Decimal | None
    unknown: int = 0


@dataclass(frozen=True)
class Reconciliation:
    figure: ReportedFigure
    recorded: Decimal | None
    unknown: int
    verdict: str

    @property
    def verdict_label(self) -> str:
        return Verdict(self.verdict).label


def stated_range(value: Decimal, qualifier: str) -> tuple[Decimal | None, Decimal | None]:
    """The range a stated number allows; None is unbounded."""
    if qualifier == Qualifier.AT_MOST:
        return None, value
    if qualifier == Qualifier.AT_LEAST:
        return value, None
    if qualifier == Qualifier.ABOUT:
        margin = max(abs(value) * ABOUT_TOLERANCE, Decimal(1))
        return value - margin, value + margin
    return value, value


def verdict_for(value: Decimal, qualifier: str, recorded: Recorded) -> str:
    if recorded.known is None:
        return Verdict.NOT_COMPARED
    low, high = stated_range(Decimal(value), qualifier)
    least, most = recorded.known, recorded.known + recorded.unknown

    def allowed(number: Decimal) -> bool:
        return (low is None or number >= low) and (high is None or number <= high)

    if allowed(least) and allowed(most):
        return Verdict.AGREES
    if (high is not None and least > high) or (low is not None and most < low):
        return Verdict.DISAGREES
    return Verdict.OPEN


class NotComparable(Exception):
    """The figure lacks what its measure needs to count (MEASURE_NEEDS): nothing to compare."""


def _needed(value: T | None) -> T:
    if value is None:
        raise NotComparable
    return value


def _kinds(figure: ReportedFigure) -> Q:
    return Q(organisation__kind__in=figure.organisation_kinds) if figure.organisation_kinds else Q()


def live_deployments(figure: ReportedFigure) -> Recorded:
    deployments = Deployment.objects.filter(_kinds(figure), system=figure.system, status=DeploymentStatus.LIVE)
    if figure.contract.region:
        deployments = deployments.filter(organisation__region=figure.contract.region)
    certain, possible = Q(), Q()
    if figure.as_of:
        certain &= Q(go_live_on__lte=figure.as_of)
        possible &= Q(go_live_on__lte=figure.as_of) | Q(go_live_on__isnull=True)
    if figure.delivered_by_id:
        certain &= Q(delivered_by=figure.delivered_by_id)
        possible &= Q(delivered_by=figure.delivered_by_id) | Q(delivered_by__isnull=True)
    counts = deployments.aggregate(
        known=Count("organisation", distinct=True, filter=certain),
        possible=Count("organisation", distinct=True, filter=possible),
    )
    return Recorded(Decimal(counts["known"]), counts["possible"] - counts["known"])


def organisations_in_scope(figure: ReportedFigure) -> Recorded:
    count = (
        Entitlement.objects.filter(_kinds(figure), revision=figure.revision, system=figure.system)
        .values("organisation")
        .distinct()
        .count()
    )
    return Recorded(Decimal(count))


def outcome_count(figure: ReportedFigure) -> Recorded:
    system = _needed(figure.system)
    comparison = revision_compare(
        base=_needed(figure.base_revision),
        target=_needed(figure.revision),
        systems=[system],
        kinds=figure.organisation_kinds or None,
    )
    counts = comparison.outcome_counts().get(system.slug, Counter())
    return Recorded(Decimal(counts.get(figure.outcome, 0)), counts.get(Outcome.UNKNOWN, 0))


def status_count(figure: ReportedFigure) -> Recorded:
    counts = Entitlement.objects.filter(_kinds(figure), revision=figure.revision, system=figure.system).aggregate(
        known=Count("id", filter=Q(status=figure.status)),
        unknown=Count("id", filter=Q(status=EntitlementStatus.UNKNOWN)),
    )
    return Recorded(Decimal(counts["known"]), counts["unknown"])


def entitled_not_live(figure: ReportedFigure) -> Recorded:
    live = Deployment.objects.filter(
        organisation_id=OuterRef("organisation_id"), system_id=OuterRef("system_id"), status=DeploymentStatus.LIVE
    )
    if figure.as_of:
        live = live.filter(Q(go_live_on__lte=figure.as_of) | Q(go_live_on__isnull=True))
    counts = (
        Entitlement.objects.filter(_kinds(figure), revision=figure.revision, system=figure.system)
        .exclude(Exists(live))
        .aggregate(
            known=Count("id", filter=Q(status=EntitlementStatus.ENTITLED)),
            unknown=Count("id", filter=Q(status=EntitlementStatus.UNKNOWN)),
        )
    )
    return Recorded(Decimal(counts["known"]), counts["unknown"])


def deliverable_quantity(figure: ReportedFigure) -> Recorded:
    return Recorded(_decimal(_needed(figure.deliverable).quantity))


def deliverable_delivered(figure: ReportedFigure) -> Recorded:
    return Recorded(_decimal(_needed(figure.deliverable).delivered_quantity))


def revision_value(figure: ReportedFigure) -> Recorded:
    return Recorded(_needed(figure.revision).total_value)


def value_reduction(figure: ReportedFigure) -> Recorded:
    base, target = _needed(figure.base_revision).total_value, _needed(figure.revision).total_value
    return Recorded(None if base is None or target is None else base - target)


def value_reduction_percent(figure: ReportedFigure) -> Recorded:
    base, target = _needed(figure.base_revision).total_value, _needed(figure.revision).total_value
    if base is None or target is None or base == 0:
        return Recorded(None)
    return Recorded(((base - target) * 100 / base).quantize(Decimal("0.01")))


def _decimal(number: int | None) -> Decimal | None:
    return None if number is None else Decimal(number)


MEASURES: dict[str, Callable[[ReportedFigure], Recorded]] = {
    ReportedFigureMeasure.LIVE_DEPLOYMENTS: live_deployments,
    ReportedFigureMeasure.ORGANISATIONS_IN_SCOPE: organisations_in_scope,
    ReportedFigureMeasure.OUTCOME_COUNT: outcome_count,
    ReportedFigureMeasure.STATUS_COUNT: status_count,
    ReportedFigureMeasure.ENTITLED_NOT_LIVE: entitled_not_live,
    ReportedFigureMeasure.DELIVERABLE_QUANTITY: deliverable_quantity,
    ReportedFigureMeasure.DELIVERABLE_DELIVERED: deliverable_delivered,
    ReportedFigureMeasure.REVISION_VALUE: revision_value,
    ReportedFigureMeasure.VALUE_REDUCTION: value_reduction,
    ReportedFigureMeasure.VALUE_REDUCTION_PERCENT: value_reduction_percent,
}


def reported_figure_reconcile(*, figures: Iterable[ReportedFigure]) -> list[Reconciliation]:
    """Each figure beside the records' count. Costs a query or two per figure with a measure."""
    results = []
    for figure in figures:
        measure = MEASURES.get(figure.measure)
        try:
            recorded = measure(figure) if measure else Recorded(None)
        except NotComparable:
            recorded = Recorded(None)
        results.append(
            Reconciliation(
                figure=figure,
                recorded=recorded.known,
                unknown=recorded.unknown,
                verdict=verdict_for(figure.value, figure.qualifier, recorded),
            )
        )
    return results


def contract_figures(
    *, contract: Contract | Sequence[Contract], drafts: bool = False
) -> models.QuerySet[ReportedFigure]:
    """A contract's (or several contracts') reported figures with what reconciling them reads (none about a draft
    revision)."""
    contracts = [contract] if isinstance(contract, Contract) else list(contract)
    figures = ReportedFigure.objects.filter(contract__in=contracts)
    if not drafts:
        figures = figures.exclude(revision__is_published=False).exclude(base_revision__is_published=False)
    return figures.select_related(
        "contract", "system", "base_revision", "revision", "deliverable__system", "delivered_by"
    ).order_by("key")
