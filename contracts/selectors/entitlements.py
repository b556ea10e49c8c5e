"""The entitlements table."""

from django.db.models import QuerySet

from contracts.models import Entitlement
from contracts.selectors.citations import citation_count, strongest_grade
from contracts.selectors.revisions import in_visible_revisions


def entitlement_rows(*, drafts: bool = False) -> QuerySet[Entitlement]:
    """Every entitlement (of a published revision) with what its table row shows; filtered by EntitlementFilter."""
    return (
        Entitlement.objects.filter(in_visible_revisions("revision", drafts=drafts))
        .select_related("revision__contract", "organisation__kind", "system")
        # The sources column: counted in the same query, not one query per row, and as a subquery rather
        # than a join, so that counting the matches and sorting a page need not group the whole table.
        .annotate(source_count=citation_count("entitlement"), evidence=strongest_grade("entitlement"))
        .order_by("revision__contract__slug", "revision__sequence", "organisation__name", "system__name")
    )
