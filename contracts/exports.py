"""CSV rows for the contract tables: the same rows as the HTML tables, read straight from the database."""

from collections.abc import Iterator

from django.db.models import F, QuerySet

from contracts.services.compare import RevisionComparison
from nhsit.lib.aggregates import JoinedText

# Rows fetched from the database per round trip while an export streams.
CHUNK_SIZE = 2000

ENTITLEMENT_COLUMNS = [
    "contract", "revision", "ods_code", "organisation", "kind", "sector", "system",
    "status", "delivery_model", "slot", "reason", "sources",
]  # fmt: skip

COMPARE_COLUMNS = [
    "ods_code", "organisation", "kind", "sector", "system", "base_revision", "base_status",
    "target_revision", "target_status", "outcome", "live", "delivery_model",
]  # fmt: skip


def entitlement_csv_rows(entitlements: QuerySet) -> Iterator[tuple]:
    """One row per entitlement, its sources as their keys joined by "; "."""
    rows = entitlements.annotate(source_keys=JoinedText("citations__source__key", distinct=True)).values_list(
        F("revision__contract__slug"),
        F("revision__code"),
        F("organisation__ods_code"),
        F("organisation__name"),
        F("organisation__kind"),
        F("organisation__sector"),
        F("system__slug"),
        "status",
        "delivery_model",
        "deployment_slot",
        "withdrawal_reason",
        "source_keys",
    )
    return rows.iterator(chunk_size=CHUNK_SIZE)


def compare_csv_rows(comparison: RevisionComparison, rows: QuerySet) -> Iterator[tuple]:
    """The comparison's rows (in the table's order) with the revisions' codes beside their statuses."""
    base, target = comparison.base.code, comparison.target.code
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        yield (
            row["ods_code"],
            row["organisation_name"],
            row["kind"],
            row["sector"],
            row["system_slug"],
            base,
            row["base_status"],
            target,
            row["target_status"],
            row["outcome"],
            row["live"],
            row["delivery_model"],
        )
