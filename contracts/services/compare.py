"""Compare two revisions of a contract: who kept, lost or gained what, computed in the database."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, CharField, Exists, F, Max, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from contracts.models import (
    Deliverable,
    DeliverableStatus,
    Deployment,
    DeploymentStatus,
    Entitlement,
    EntitlementStatus,
    Revision,
)
from contracts.outcomes import Outcome

# Statuses under which an organisation does not get the system.
NOT_GETTING = [EntitlementStatus.NOT_ENTITLED, EntitlementStatus.WITHDRAWN, EntitlementStatus.DECLINED]

# Programme lines still delivered (perhaps with less) under these statuses.
DELIVERED_LINE = [DeliverableStatus.INCLUDED, DeliverableStatus.REDUCED, DeliverableStatus.ADDED]


class RevisionMismatch(ValueError):
    pass


def _side(revision: Revision, field: str):
    """The value of `field` on one revision's row of a (organisation, system) group."""
    return Max(Case(When(revision=revision, then=F(field)), output_field=CharField()))


def entitlement_outcome() -> Case:
    """Outcome from the annotated `base_status` and `target_status` of one group."""
    return Case(
        When(
            Q(base_status=EntitlementStatus.UNKNOWN) | Q(target_status=EntitlementStatus.UNKNOWN),
            then=Value(Outcome.UNKNOWN),
        ),
        When(
            base_status=EntitlementStatus.ENTITLED, target_status=EntitlementStatus.ENTITLED, then=Value(Outcome.KEPT)
        ),
        When(base_status=EntitlementStatus.ENTITLED, then=Value(Outcome.LOST)),
        When(target_status=EntitlementStatus.ENTITLED, then=Value(Outcome.GAINED)),
        default=Value(Outcome.NEVER),
        output_field=CharField(),
    )


def live_deployment() -> Exists:
    """Whether the group's organisation has the group's system live."""
    return Exists(
        Deployment.objects.filter(
            organisation_id=OuterRef("organisation_id"),
            system_id=OuterRef("system_id"),
            status=DeploymentStatus.LIVE,
        )
    )


@dataclass(frozen=True)
class RevisionComparison:
    base: Revision
    target: Revision
    # One dict per (organisation, system): ods_code, organisation_name, kind, sector, system_slug,
    # system_name, base_status, target_status, outcome, live, delivery_model. Lazy: one query.
    rows: QuerySet

    def outcome_counts(self) -> dict[str, Counter]:
        """Per system slug, how many organisations had each outcome: one query over the matrix."""
        sql, params = self.rows.values("system_slug", "outcome").query.sql_with_params()
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('system_slug')}, {quote('outcome')}, COUNT(*) FROM ({sql}) matrix GROUP BY 1, 2",
                params,
            )
            counts: dict[str, Counter] = {}
            for system_slug, outcome, number in cursor.fetchall():
                counts.setdefault(system_slug, Counter())[outcome] = number
        return counts


def revision_compare(
    *,
    base: Revision,
    target: Revision,
    systems: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
    sectors: Iterable[str] | None = None,
    outcomes: Iterable[str] | None = None,
    live: bool | None = None,
    ods_codes: Iterable[str] | None = None,
) -> RevisionComparison:
    """Every (organisation, system) with an entitlement in either revision, and its outcome.

    A side with no entitlement row counts as unknown: the records do not say.
    Filters take stable codes (system slugs, organisation kinds, ODS codes); None means all.
    """
    if base.contract_id != target.contract_id:
        raise RevisionMismatch("Both revisions must belong to the same contract.")
    entitlements = Entitlement.objects.filter(revision__in=[base, target])
    if systems is not None:
        entitlements = entitlements.filter(system__slug__in=list(systems))
    if kinds is not None:
        entitlements = entitlements.filter(organisation__kind__in=list(kinds))
    if sectors is not None:
        entitlements = entitlements.filter(organisation__sector__in=list(sectors))
    if ods_codes is not None:
        entitlements = entitlements.filter(organisation__ods_code__in=[code.upper() for code in ods_codes])
    rows = (
        entitlements.values(
            "organisation_id",
            "system_id",
            ods_code=F("organisation__ods_code"),
            organisation_name=F("organisation__name"),
            kind=F("organisation__kind"),
            sector=F("organisation__sector"),
            system_slug=F("system__slug"),
            system_name=F("system__name"),
        )
        .annotate(
            base_status=Coalesce(_side(base, "status"), Value(EntitlementStatus.UNKNOWN)),
            target_status=Coalesce(_side(target, "status"), Value(EntitlementStatus.UNKNOWN)),
            delivery_model=Coalesce(_side(target, "delivery_model"), Value("")),
        )
        .annotate(outcome=entitlement_outcome(), live=live_deployment())
        .order_by("organisation_name", "ods_code", "system_name")
    )
    if outcomes is not None:
        rows = rows.filter(outcome__in=list(outcomes))
    if live is not None:
        rows = rows.filter(live=live)
    return RevisionComparison(base=base, target=target, rows=rows)


def deliverable_outcome() -> Case:
    """Outcome of a programme line from its annotated `base_status` and `target_status`.

    A line first recorded as added in the target was gained; otherwise a side with no line is unknown.
    """
    return Case(
        When(base_status__isnull=True, target_status=DeliverableStatus.ADDED, then=Value(Outcome.GAINED)),
        When(Q(base_status__isnull=True) | Q(target_status__isnull=True), then=Value(Outcome.UNKNOWN)),
        When(base_status__in=DELIVERED_LINE, target_status__in=DELIVERED_LINE, then=Value(Outcome.KEPT)),
        When(base_status__in=DELIVERED_LINE, then=Value(Outcome.LOST)),
        When(target_status__in=DELIVERED_LINE, then=Value(Outcome.GAINED)),
        default=Value(Outcome.NEVER),
        output_field=CharField(),
    )


def deliverable_compare(*, base: Revision, target: Revision, systems: Iterable[str] | None = None) -> QuerySet:
    """Programme lines of two revisions side by side, matched on their code, in one query.

    Each dict: code, title, system_slug, system_name, base_status, target_status, base_quantity,
    target_quantity, unit, outcome, and `reduced` (kept, but with less).
    """
    if base.contract_id != target.contract_id:
        raise RevisionMismatch("Both revisions must belong to the same contract.")
    lines = Deliverable.objects.filter(revision__in=[base, target])
    if systems is not None:
        lines = lines.filter(system__slug__in=list(systems))
    return (
        lines.values("code", system_slug=F("system__slug"), system_name=F("system__name"))
        .annotate(
            title=Max("title"),
            unit=Max("unit"),
            base_status=_side(base, "status"),
            target_status=_side(target, "status"),
            base_quantity=Max(Case(When(revision=base, then=F("quantity")))),
            target_quantity=Max(Case(When(revision=target, then=F("quantity")))),
        )
        .annotate(outcome=deliverable_outcome())
        .annotate(
            reduced=Case(
                When(
                    Q(outcome=Outcome.KEPT)
                    & (Q(target_status=DeliverableStatus.REDUCED) | Q(target_quantity__lt=F("base_quantity"))),
                    then=Value(True),
                ),
                default=Value(False),
            )
        )
        .order_by("system_name", "code")
    )
