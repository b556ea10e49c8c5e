"""The first organisations, by name, with each outcome of one system between two revisions: what a system's page
lists under each outcome before linking to the whole comparison.

Each list walks organisations in name order (their index, `organisation_list_order`) and asks each its status in
either revision (an index lookup apiece), stopping at the list's length. So a list costs what finding its rows
does, the same at a thousand organisations as at a hundred thousand, rather than sorting every organisation with
the system to number them. An outcome few organisations have is the dear case: its walk reads until it has found
them all, as far as every organisation at worst.

Written as SQL: the walk's statuses are asked once per organisation in a subquery the planner keeps whole (OFFSET
0), where the ORM would repeat the lookup in every condition that reads it, and build each list's query anew.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection

from contracts.models import Deployment, DeploymentStatus, Entitlement, EntitlementStatus, Revision, System
from contracts.outcomes import Outcome
from organisations.models import ODS, Organisation

ENTITLED, UNKNOWN = EntitlementStatus.ENTITLED.value, EntitlementStatus.UNKNOWN.value

# Each outcome as a condition on the walked organisation's two statuses, `base` and `target` (NULL: no row), as
# services.compare.entitlement_outcome() derives it, a revision with no row being unknown.
NOT_GETTING = "{side} NOT IN (%s, %s)"  # known, and not entitled (NULL is neither)
CONDITIONS: dict[str, tuple[str, list[str]]] = {
    Outcome.UNKNOWN: (
        "(base IS NULL OR base = %s OR target IS NULL OR target = %s) AND (base IS NOT NULL OR target IS NOT NULL)",
        [UNKNOWN, UNKNOWN],
    ),
    Outcome.KEPT: ("base = %s AND target = %s", [ENTITLED, ENTITLED]),
    Outcome.LOST: (f"base = %s AND {NOT_GETTING.format(side='target')}", [ENTITLED, ENTITLED, UNKNOWN]),
    Outcome.GAINED: (f"target = %s AND {NOT_GETTING.format(side='base')}", [ENTITLED, ENTITLED, UNKNOWN]),
    Outcome.NEVER: (
        f"{NOT_GETTING.format(side='base')} AND {NOT_GETTING.format(side='target')}",
        [ENTITLED, UNKNOWN, ENTITLED, UNKNOWN],
    ),
}

# What keeps PostgreSQL from merging a subquery into the query around it, where it would repeat the subquery's
# columns' lookups in every condition that reads them. SQLite has no OFFSET without LIMIT, and its data is small.
_KEPT_WHOLE = "OFFSET 0"

COLUMNS = [
    "contract_id",
    "outcome",
    "identifier",
    "organisation_code",
    "organisation_name",
    "base_status",
    "target_status",
    "live",
]


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
    parts = [_first_rows(chosen, length=length) for chosen in lists]
    sql = " UNION ALL ".join(f"SELECT * FROM ({part}) list_{index}" for index, (part, _) in enumerate(parts))
    with connection.cursor() as cursor:
        cursor.execute(sql, [param for _, params in parts for param in params])
        rows = [dict(zip(COLUMNS, values, strict=True)) for values in cursor.fetchall()]
    for row in rows:
        row["live"] = bool(row["live"])  # SQLite gives 0 or 1
    return rows


def _first_rows(chosen: OutcomeList, *, length: int) -> tuple[str, list]:
    organisation = Organisation._meta.db_table
    entitlement = Entitlement._meta.db_table
    deployment = Deployment._meta.db_table
    condition, condition_params = CONDITIONS[chosen.outcome]
    status_of = (
        f"(SELECT status FROM {entitlement} WHERE revision_id = %s AND system_id = %s AND organisation_id = walked.id)"
    )
    sql = f"""
        SELECT %s AS contract_id, %s AS outcome,
            CASE WHEN scheme_id = %s THEN code ELSE scheme_id || '-' || code END AS identifier,
            code AS organisation_code, name AS organisation_name,
            COALESCE(base, %s) AS base_status, COALESCE(target, %s) AS target_status,
            EXISTS (
                SELECT 1 FROM {deployment}
                WHERE organisation_id = statuses.id AND system_id = %s AND status = %s
            ) AS live
        FROM (
            SELECT walked.id, walked.scheme_id, walked.code, walked.name,
                {status_of} AS base, {status_of} AS target
            FROM {organisation} walked
            ORDER BY walked.name, walked.code
            {_KEPT_WHOLE if connection.vendor == "postgresql" else ""}
        ) statuses
        WHERE {condition}
        ORDER BY name, code
        LIMIT %s
    """
    params = [
        chosen.base.contract_id,
        chosen.outcome,
        ODS,
        UNKNOWN,
        UNKNOWN,
        chosen.system.pk,
        DeploymentStatus.LIVE.value,
        chosen.base.pk,
        chosen.system.pk,
        chosen.target.pk,
        chosen.system.pk,
        *condition_params,
        length,
    ]
    return sql, params
