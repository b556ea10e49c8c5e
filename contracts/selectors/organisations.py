"""Organisations as the contract pages read them: the organisation list, and an organisation's own records."""

from collections.abc import Sequence

from django.db.models import OuterRef, Q, QuerySet, Subquery

from contracts.models import Citation, Entitlement, Revision, System
from contracts.selectors.citations import citation_rows
from contracts.selectors.revisions import in_visible_revisions
from organisations.models import Organisation, Succession


def organisation_rows() -> QuerySet[Organisation]:
    """Every organisation with its successor's ODS code (the first, where it was split)."""
    successor = Succession.objects.filter(predecessor=OuterRef("pk")).order_by("effective_on", "successor__ods_code")
    return Organisation.objects.annotate(
        successor_ods_code=Subquery(successor.values("successor__ods_code")[:1])
    ).order_by("name", "ods_code")


def organisation_ids_with_status(
    *, revision: Revision, statuses: Sequence[str], systems: Sequence[System] | None
) -> QuerySet:
    """The ids (as `organisation_id`) of organisations with one of the statuses in the revision, for the systems."""
    entitlements = Entitlement.objects.filter(revision=revision, status__in=statuses)
    if systems:
        entitlements = entitlements.filter(system__in=systems)
    return entitlements.values("organisation_id")


def organisation_entitlements(*, organisation: Organisation, drafts: bool = False) -> QuerySet[Entitlement]:
    """An organisation's entitlements, contract by contract, system by system, in revision order."""
    return (
        organisation.entitlements.filter(in_visible_revisions("revision", drafts=drafts))
        .select_related("revision__contract", "system")
        .order_by("revision__contract__slug", "system__name", "revision__sequence")
    )


def organisation_citations(*, organisation: Organisation, drafts: bool = False) -> QuerySet[Citation]:
    """Every citation of the organisation or of a record about it."""
    return (
        citation_rows(drafts=drafts)
        .filter(
            Q(organisation=organisation)
            | Q(entitlement__organisation=organisation)
            | Q(deployment__organisation=organisation)
            | Q(local_system__organisation=organisation)
            | Q(succession__predecessor=organisation)
            | Q(succession__successor=organisation)
        )
        .order_by("id")
    )
