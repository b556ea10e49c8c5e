"""CSV bodies for the contract tables: the same rows as the HTML tables, read straight from the database.

On PostgreSQL the rows leave through COPY (nhsit.lib.copy_export); elsewhere through a chunked cursor and
Python's csv writer. Both write the same bytes.
"""

from collections.abc import Iterator

from django.db.models import F, OuterRef, QuerySet, Subquery, Value

from contracts.models import Citation
from contracts.services.compare import RevisionComparison
from nhsit.lib.aggregates import JoinedText
from nhsit.lib.copy_export import copy_available, copy_sql, copy_stream, text_cell, yes_no_cell
from nhsit.lib.csv_export import csv_body

# Rows fetched per round trip when not using COPY.
CHUNK_SIZE = 2000

ENTITLEMENT_COLUMNS = [
    "contract", "revision", "ods_code", "organisation", "kind", "sector", "system",
    "status", "delivery_model", "slot", "reason", "sources",
]  # fmt: skip

COMPARE_COLUMNS = [
    "ods_code", "organisation", "kind", "sector", "system", "base_revision", "base_status",
    "target_revision", "target_status", "outcome", "live", "delivery_model",
]  # fmt: skip


def source_keys() -> Subquery:
    """The keys of the sources cited for the outer entitlement, joined by "; " (one index probe per row)."""
    citations = Citation.objects.filter(entitlement=OuterRef("pk")).order_by().values("entitlement")
    return Subquery(citations.annotate(keys=JoinedText("source__key", distinct=True)).values("keys"))


ENTITLEMENT_FIELDS = [
    F("revision__contract__slug"),
    F("revision__code"),
    F("organisation__ods_code"),
    F("organisation__name"),
    F("organisation__kind"),
    F("organisation__sector"),
    F("system__slug"),
    F("status"),
    F("delivery_model"),
    F("deployment_slot"),
    F("withdrawal_reason"),
    F("source_keys"),
]


def entitlement_csv_body(entitlements: QuerySet) -> Iterator[bytes]:
    """One line per entitlement, in the queryset's order; its sources as their keys joined by "; "."""
    entitlements = entitlements.annotate(source_keys=source_keys())
    if copy_available():
        return copy_stream(copy_sql(entitlements, [text_cell(field) for field in ENTITLEMENT_FIELDS]))
    rows = entitlements.values_list(*ENTITLEMENT_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    return csv_body(rows)


def compare_csv_body(comparison: RevisionComparison, rows: QuerySet) -> Iterator[bytes]:
    """The comparison's rows (in the table's order) with the revisions' codes beside their statuses."""
    base, target = comparison.base.code, comparison.target.code
    if copy_available():
        cells = [
            text_cell("ods_code"), text_cell("organisation_name"), text_cell("kind"), text_cell("sector"),
            text_cell("system_slug"), text_cell(Value(base)), text_cell("base_status"), text_cell(Value(target)),
            text_cell("target_status"), text_cell("outcome"), yes_no_cell("live"), text_cell("delivery_model"),
        ]  # fmt: skip
        return copy_stream(copy_sql(rows, cells))
    return csv_body(
        (
            row["ods_code"], row["organisation_name"], row["kind"], row["sector"], row["system_slug"], base,
            row["base_status"], target, row["target_status"], row["outcome"], row["live"], row["delivery_model"],
        )
        for row in rows.iterator(chunk_size=CHUNK_SIZE)
    )  # fmt: skip
