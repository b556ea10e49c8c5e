"""The first organisations, by name, with each outcome of one system between two revisions: what a system's page
lists under each outcome before linking to the whole comparison.

Each list walks organisations in name order (their index, `organisation_list_order`) and asks each its status in
either revision (an index lookup apiece), stopping at the list's length. So a list costs what finding its rows
does, the same at a thousand organisations as at a hundred thousand, rather than sorting every organisation with
the system to number them. An outcome few organisations have is the dear case: its walk reads until it has found
them all, as far as every organisation at worst.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from contracts.models import Deployment, DeploymentStatus, Entitlement, EntitlementStatus, Revision, System
from contracts.outcomes import Outcome
from contracts.services.compare import outcome_is
from organisations.models import Organisation, identifier_of


@dataclass(frozen=True)
class OutcomeList:
    """Which list: the organisations with `outcome` for `system` from `base` to `target` (of one contract)."""

    base: Revision
    target: Revision
    system: System
    outcome: str


def first_by_outcome(lists: Sequence[OutcomeList], *, length: int) -> list[dict]:
    """Up to `length` rows of each list, in one query: dicts of contract_id, outcome, identifier, organisation_code,
    organisation_name, base_status, target_status ('unknown' for a revision with no row) and live, each list's rows
    in organisation name (then code) order."""
    if not lists:
        return []
    parts = [_first_rows(chosen, length=length).query.sql_with_params() for chosen in lists]
    sql = " UNION ALL ".join(f"SELECT * FROM ({part}) list_{index}" for index, (part, _) in enumerate(parts))
    params = [param for _, part_params in parts for param in part_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        rows = [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]
    for row in rows:
        row["live"] = bool(row["live"])  # SQLite gives 0 or 1
    return rows


def _first_rows(chosen: OutcomeList, *, length: int) -> QuerySet:
    # Values, not joins: the planner would hash every organisation's rows to join them; a value is asked of each
    # organisation as the walk reaches it.
    recorded = {
        "base_recorded": _status(chosen.base, chosen.system),
        "target_recorded": _status(chosen.target, chosen.system),
    }
    walk = Organisation.objects.alias(**recorded).filter(outcome_is([chosen.outcome]))
    if chosen.outcome == Outcome.UNKNOWN:
        # Unknown also holds for an organisation with no row in either revision, which is not in the comparison.
        walk = walk.filter(Q(base_recorded__isnull=False) | Q(target_recorded__isnull=False))
    live = Deployment.objects.filter(
        organisation=OuterRef("pk"), system=chosen.system, status=DeploymentStatus.LIVE
    ).order_by()
    return (
        walk.annotate(
            contract_id=Value(chosen.base.contract_id),
            outcome=Value(chosen.outcome),
            identifier=identifier_of(),
            organisation_code=F("code"),
            organisation_name=F("name"),
            base_status=Coalesce("base_recorded", Value(EntitlementStatus.UNKNOWN)),
            target_status=Coalesce("target_recorded", Value(EntitlementStatus.UNKNOWN)),
            live=Coalesce(Subquery(live.values(flag=Value(1))[:1]), Value(0)),
        )
        .values(
            "contract_id",
            "outcome",
            "identifier",
            "organisation_code",
            "organisation_name",
            "base_status",
            "target_status",
            "live",
        )
        .order_by("name", "code")[:length]
    )


def _status(revision: Revision, system: System) -> Subquery:
    """The status of the walked organisation's entitlement to `system` in `revision` (NULL where it has none)."""
    return Subquery(
        Entitlement.objects.filter(revision=revision, system=system, organisation=OuterRef("pk"))
        .order_by()
        .values("status")
    )
