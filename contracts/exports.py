"""The CSV downloads of every table: their columns, and their lines read straight from the database.

The same rows as the HTML tables, in the same order. On PostgreSQL the rows leave through COPY
(nhsit.lib.copy_export); elsewhere through a chunked cursor and Python's csv writer. Both write the same bytes.
"""

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import Case, Exists, F, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from contracts.models import Citation, Contract, Entitlement, EntitlementStatus, System
from contracts.selectors.revisions import RevisionPair, in_visible_revisions
from contracts.services.compare import RevisionComparison
from contracts.templatetags.tracker import record_label
from nhsit.lib.aggregates import JoinedText
from nhsit.lib.copy_export import (
    Cell,
    constrained_cell,
    copy_available,
    copy_sql,
    copy_stream,
    text_cell,
    yes_no_cell,
)
from nhsit.lib.csv_export import CHUNK_ROWS, csv_body
from nhsit.lib.dates import partial_date_display
from organisations.models import Organisation, identifier_of

ENTITLEMENT_COLUMNS = [
    "contract", "revision", "identifier", "organisation", "kind", "sector", "system",
    "status", "delivery_model", "slot", "reason", "sources", "evidence",
]  # fmt: skip

COMPARE_COLUMNS = [
    "identifier", "organisation", "kind", "sector", "system", "base_revision", "base_status",
    "target_revision", "target_status", "outcome", "live", "delivery_model",
]  # fmt: skip

SOURCE_COLUMNS = ["key", "title", "kind", "publisher", "author", "published", "url", "records_supported"]


def organisation_columns(columns: Sequence[tuple[Contract, System]], *, label_contracts: bool) -> list[str]:
    """The organisation list's columns: then one per system of each contract (its slug, after the contract's
    where there are several), its status in that contract's latest revision."""
    return [
        "identifier", "name", "kind", "sector", "successors", "contracts",
        *[f"{contract.slug}:{system.slug}" if label_contracts else system.slug for contract, system in columns],
    ]  # fmt: skip


def source_keys() -> Subquery:
    """The keys of the sources cited for the outer entitlement's status as it now is, joined by "; " (one index
    probe per row)."""
    citations = (
        Citation.objects.filter(entitlement=OuterRef("pk"), current=True, source__isnull=False)
        .order_by()
        .values("entitlement")
    )
    return Subquery(citations.annotate(keys=JoinedText("source__key", distinct=True)).values("keys"))


ENTITLEMENT_FIELDS: list[Any] = [
    F("revision__contract__slug"),
    F("revision__code"),
    identifier_of("organisation__"),
    F("organisation__name"),
    F("organisation__kind"),
    F("organisation__sector"),
    F("system__slug"),
    F("status"),
    F("delivery_model"),
    F("deployment_slot"),
    F("withdrawal_reason"),
    F("source_keys"),
    F("evidence"),
]


# The entitlement columns the database keeps from starting with an escaped prefix: slugs and codes (starts_safely),
# organisations' identifiers (their codes and their schemes' prefixes), the status and the evidence grade (check
# constraints on their choices; "uncited" where there is none), the sources' keys. The rest may hold anything, and
# each of their cells is tested.
CONSTRAINED_ENTITLEMENT_COLUMNS = {
    "contract", "revision", "identifier", "kind", "system", "status", "sources", "evidence",
}  # fmt: skip


def entitlement_cells() -> list[Cell]:
    return [
        (constrained_cell if column in CONSTRAINED_ENTITLEMENT_COLUMNS else text_cell)(field)
        for column, field in zip(ENTITLEMENT_COLUMNS, ENTITLEMENT_FIELDS, strict=True)
    ]


def entitlement_csv_body(entitlements: QuerySet[Entitlement]) -> Iterator[bytes]:
    """One line per entitlement, in the queryset's order; the sources of its status as their keys joined by "; ",
    and how they support it (its evidence: entitlement_rows)."""
    entitlements = entitlements.annotate(source_keys=source_keys())
    if copy_available():
        return copy_stream(copy_sql(entitlements, entitlement_cells()))
    rows = entitlements.values_list(*ENTITLEMENT_FIELDS).iterator(chunk_size=CHUNK_ROWS)
    return csv_body(rows)


def compare_csv_body(comparison: RevisionComparison, rows: QuerySet) -> Iterator[bytes]:
    """The comparison's rows (in the table's order) with the revisions' codes beside their statuses."""
    base, target = comparison.base.code, comparison.target.code
    if copy_available():
        cells = [
            constrained_cell("identifier"), text_cell("organisation_name"), constrained_cell("kind"),
            text_cell("sector"), constrained_cell("system_slug"), constrained_cell(Value(base)),
            constrained_cell("base_status"),
            constrained_cell(Value(target)), constrained_cell("target_status"), constrained_cell("outcome"),
            yes_no_cell("live"), text_cell("delivery_model"),
        ]  # fmt: skip
        return copy_stream(copy_sql(rows, cells))
    return csv_body(
        (
            row["identifier"], row["organisation_name"], row["kind"], row["sector"], row["system_slug"], base,
            row["base_status"], target, row["target_status"], row["outcome"], row["live"], row["delivery_model"],
        )
        for row in rows.iterator(chunk_size=CHUNK_ROWS)
    )  # fmt: skip


def source_csv_body(sources: QuerySet) -> Iterator[bytes]:
    """One line per source (its published date no more precise than known), with how many records it supports."""
    rows = sources.values_list(
        "key", "title", "kind", "publisher", "author", "published_on", "published_precision", "url", "citation_count"
    )
    return csv_body(
        (key, title, kind, publisher, author, partial_date_display(published, precision), url, supported)
        for key, title, kind, publisher, author, published, precision, url, supported in rows.iterator(CHUNK_ROWS)
    )


def latest_status(pair: RevisionPair, system: System) -> Coalesce:
    """What the organisation list shows for one system: its status in the latest revision; "unknown" where only the
    previous revision has a row (as the comparison has it); nothing where neither has."""
    # No ordering: the model's default would join and sort inside every lookup.
    latest = Entitlement.objects.filter(revision=pair.latest, organisation=OuterRef("pk"), system=system).order_by()
    fallbacks = []
    if pair.previous:
        previous = Entitlement.objects.filter(revision=pair.previous, organisation=OuterRef("pk"), system=system)
        previous = previous.order_by()
        fallbacks.append(Case(When(Exists(previous), then=Value(EntitlementStatus.UNKNOWN))))
    return Coalesce(Subquery(latest.values("status")), *fallbacks, Value(""))


def contract_slugs(*, drafts: bool) -> Subquery:
    """The slugs of the contracts naming the outer organisation, joined by "; "."""
    named = (
        Entitlement.objects.filter(in_visible_revisions("revision", drafts=drafts), organisation=OuterRef("pk"))
        .order_by()
        .values("organisation")
        .annotate(slugs=JoinedText("revision__contract__slug", distinct=True))
        .values("slugs")
    )
    return Subquery(named)


def organisation_csv_body(
    *,
    organisations: QuerySet[Organisation],
    pairs: dict[int, RevisionPair],
    columns: Sequence[tuple[Contract, System]],
    drafts: bool = False,
) -> Iterator[bytes]:
    """The organisation list's lines (without the header) in the queryset's order, in one query for the whole
    file: each system's status is a lookup on the covering index of (revision, organisation, system), which
    includes the status."""
    statuses = {
        f"status_{index}": latest_status(pairs[contract.pk], system) if pairs[contract.pk].latest else Value("")
        for index, (contract, system) in enumerate(columns)
    }
    rows = organisations.annotate(contract_slugs=Coalesce(contract_slugs(drafts=drafts), Value("")), **statuses)
    fields = ["identifier_text", "name", "kind", "sector", "successors", "contract_slugs", *statuses]
    if copy_available():
        # Identifiers, slugs, and statuses or "unknown" or nothing.
        constrained = {"identifier_text", "kind", "contract_slugs", *statuses}
        cells = [(constrained_cell if name in constrained else text_cell)(F(name)) for name in fields]
        return copy_stream(copy_sql(rows, cells))
    return csv_body(rows.values_list(*fields).iterator(chunk_size=CHUNK_ROWS))


FACT_COLUMNS = ["kind", "fact", "address", "evidence", "earlier_value_cited"]
CITATION_COLUMNS = [
    "supports_kind",
    "supports",
    "address",
    "grade",
    "of_the_value",
    "source",
    "quote",
    "note",
    "reasoning",
]
FIGURE_COLUMNS = [
    "contract", "key", "statement", "value", "qualifier", "unit", "recorded", "unknown", "verdict", "records_address",
]  # fmt: skip


def fact_csv_body(facts: Iterable) -> Iterator[bytes]:
    """One line per fact, kind after kind: what it is, where it is shown, and its evidence."""
    return csv_body(
        (fact._meta.verbose_name, record_label(fact), fact.get_absolute_url(), fact.evidence, fact.has_earlier)
        for fact in facts
    )


def citation_csv_body(citations: QuerySet[Citation]) -> Iterator[bytes]:
    """One line per citation: the record it supports (kind, words, address), how, and the source's words."""
    for citation in citations.iterator(chunk_size=CHUNK_ROWS):
        target: Any = citation.target
        yield from csv_body([(
            target._meta.verbose_name, record_label(target), target.get_absolute_url(), citation.grade,
            "now" if citation.current else "earlier", citation.source.key if citation.source else "", citation.quote,
            citation.note, citation.reasoning,
        )])  # fmt: skip


def figure_csv_body(checks: Iterable) -> Iterator[bytes]:
    return csv_body(
        (
            check.figure.contract.slug, check.figure.key, check.figure.statement, check.figure.value,
            check.figure.qualifier, check.figure.unit, check.reconciliation.recorded, check.reconciliation.unknown,
            check.reconciliation.verdict, check.records_url,
        )
        for check in checks
    )  # fmt: skip
