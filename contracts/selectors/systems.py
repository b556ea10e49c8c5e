"""Systems: which a contract deals with, the systems list, and a system's programme lines."""

from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from contracts.models import Contract, Deliverable, Deployment, Entitlement, Revision, StatusPairCount, System
from contracts.selectors.citations import citation_count
from contracts.selectors.revisions import in_visible_revisions


def contract_systems(
    *, contract: Contract | None, per_organisation: bool = False, drafts: bool = False
) -> QuerySet[System]:
    """Systems a contract deals with: those with entitlements (per organisation) or also programme lines."""
    if contract is None:
        return System.objects.none()
    visible = in_visible_revisions("revision", drafts=drafts)
    entitlements = Entitlement.objects.filter(visible, system=OuterRef("pk"), revision__contract=contract)
    in_contract = Q(Exists(entitlements))
    if not per_organisation:
        lines = Deliverable.objects.filter(visible, system=OuterRef("pk"), revision__contract=contract)
        in_contract |= Q(Exists(lines))
    return System.objects.filter(in_contract).order_by("name")


def contracts_of_system(*, system: System, drafts: bool = False) -> QuerySet[Contract]:
    """The contracts with an entitlement to, or a programme line of, the system."""
    visible = in_visible_revisions("revision", drafts=drafts)
    return Contract.objects.filter(
        Exists(Entitlement.objects.filter(visible, revision__contract=OuterRef("pk"), system=system))
        | Exists(Deliverable.objects.filter(visible, revision__contract=OuterRef("pk"), system=system))
    )


def system_deliverables(*, system: System, drafts: bool = False) -> QuerySet[Deliverable]:
    """A system's programme lines in every revision, line by line and in revision order."""
    return (
        Deliverable.objects.filter(in_visible_revisions("revision", drafts=drafts), system=system)
        .select_related("revision__contract")
        .annotate(source_count=citation_count("deliverable"))
        .order_by("revision__contract__slug", "code", "revision__sequence")
    )


def system_rows(*, drafts: bool = False) -> QuerySet[System]:
    """Systems with their vendor, how many organisations the latest revision of each contract names for each, and
    how many programme lines each has."""
    # Organisations: read from the tally's cells for each contract's latest revision (its own statuses), not
    # counted over the entitlements, so the list costs the same however many rows there are.
    later = Revision.objects.visible(drafts=drafts).filter(
        contract=OuterRef("contract"), sequence__gt=OuterRef("sequence")
    )
    latest = Revision.objects.visible(drafts=drafts).filter(~Exists(later)).values("pk")
    organisations = (
        StatusPairCount.objects.filter(
            system_id=OuterRef("pk"), first_revision_id__in=latest, second_revision_id=F("first_revision_id")
        )
        .order_by()
        .values("system_id")
        .annotate(n=Sum("count"))
        .values("n")
    )
    # Counted in a subquery: joining would multiply each system's lines by its cells.
    lines = (
        Deliverable.objects.filter(in_visible_revisions("revision", drafts=drafts), system=OuterRef("pk"))
        .order_by()
        .values("system")
    )
    distinct_count = "COUNT(DISTINCT %(expressions)s)"
    return (
        System.objects.select_related("vendor")
        .annotate(
            organisation_count=Coalesce(Subquery(organisations), 0),
            deliverable_count=Coalesce(
                Subquery(
                    lines.annotate(n=Func(F("code"), template=distinct_count, output_field=IntegerField())).values("n")
                ),
                0,
            ),
        )
        .order_by("name")
    )


def system_deployments(*, system: System) -> QuerySet[Deployment]:
    """Where the system was deployed, organisation by organisation, with who delivered it."""
    return (
        Deployment.objects.filter(system=system)
        .select_related("organisation", "delivered_by", "system")
        .order_by("organisation__name", "go_live_on", "site", "phase")
    )


def contract_system_columns(
    *, contracts: list[Contract], drafts: bool = False, with_lines: bool = False
) -> list[tuple[Contract, System]]:
    """(contract, system) for each system each contract has entitlements to (or, `with_lines`, programme lines
    of), contract by contract: one query."""
    if not contracts:
        return []
    visible = in_visible_revisions("revision", drafts=drafts)
    named: dict[str, Any] = {}
    for contract in contracts:
        named[f"in_{contract.pk}"] = Exists(
            Entitlement.objects.filter(visible, system=OuterRef("pk"), revision__contract=contract)
        )
        if with_lines:
            lines = Deliverable.objects.filter(visible, system=OuterRef("pk"), revision__contract=contract)
            named[f"in_{contract.pk}"] = named[f"in_{contract.pk}"] | Exists(lines)
    systems = list(
        System.objects.annotate(**named).filter(reduce(or_, (Q(**{name: True}) for name in named))).order_by("name")
    )
    return [(contract, system) for contract in contracts for system in systems if getattr(system, f"in_{contract.pk}")]
