"""The data-quality page: how well the records are supported, for the whole site or one contract, overall, by
system and by organisation. Every count links to exactly the rows it counts (tested)."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Model, Q, QuerySet, Window
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from contracts.evidence import EVIDENCE_CHOICES, FACTS, UNCITED
from contracts.models import Citation, Contract, Entitlement, EntitlementStatus, EvidenceGrade, Revision, System
from contracts.selectors.facts import (
    FactCounts,
    Scope,
    citations_within,
    entitlement_tally,
    evidence_totals,
    fact_base,
    fact_counts,
    fact_counts_by,
    narrowed,
)
from contracts.selectors.sources import source_rows
from contracts.services.reconcile import Verdict, contract_figures, reported_figure_reconcile
from nhsit.lib.pagination import CountedPaginator, page_of
from organisations.models import Organisation, Succession

EVIDENCE_WORDS = {
    EvidenceGrade.STATED: "stated by a source",
    EvidenceGrade.INFERRED: "inferred from what sources say",
    EvidenceGrade.DERIVED: "derived from other recorded facts",
    EvidenceGrade.UNSOURCED: "saved without a source, for a reason given",
    UNCITED: "with no citation for their values as they now are",
}


@dataclass(frozen=True)
class LinkedCount:
    label: str
    count: int
    url: str


@dataclass(frozen=True)
class EvidenceShare:
    evidence: str
    words: str
    count: int
    percent: float
    url: str


@dataclass(frozen=True)
class QualityRow:
    """One system's or organisation's counts, in the order of the table's columns."""

    name: str
    url: str
    counts: list[LinkedCount]


@dataclass(frozen=True)
class QualityReport:
    contract: Contract | None
    facts: int
    shares: list[EvidenceShare]
    checks: list[LinkedCount]
    columns: list[str]
    systems: list[QualityRow]
    organisations: list[QualityRow]  # one page of them
    organisation_page: Page


def _link(name: str, query: list[tuple[str, str]]) -> str:
    return f"{reverse(name)}?{urlencode(query)}" if query else reverse(name)


def evidence_shares(counts: FactCounts, *, within: list[tuple[str, str]]) -> list[EvidenceShare]:
    """Each evidence's share of the facts, linking to those facts."""
    total = counts.total
    return [
        EvidenceShare(
            evidence=evidence,
            words=EVIDENCE_WORDS[evidence],
            count=counts.evidence.get(evidence, 0),
            percent=100 * counts.evidence.get(evidence, 0) / total if total else 0.0,
            url=_link("fact_list", [*within, ("evidence", evidence)]),
        )
        for evidence, _label in EVIDENCE_CHOICES
    ]


COLUMNS = ["Unknown entitlements", "Uncited facts", "Unsourced facts", "Inferred or derived facts",
           "Facts with an earlier value’s citation"]  # fmt: skip


def _row_counts(
    counts: FactCounts, unknown: int, *, entitlements: list[tuple[str, str]], facts: list[tuple[str, str]]
) -> list[LinkedCount]:
    evidence = counts.evidence
    return [
        LinkedCount(COLUMNS[0], unknown, _link("entitlement_list", [*entitlements, ("status", "unknown")])),
        LinkedCount(COLUMNS[1], evidence.get(UNCITED, 0), _link("fact_list", [*facts, ("evidence", UNCITED)])),
        LinkedCount(
            COLUMNS[2],
            evidence.get(EvidenceGrade.UNSOURCED, 0),
            _link("fact_list", [*facts, ("evidence", "unsourced")]),
        ),
        LinkedCount(
            COLUMNS[3],
            evidence.get(EvidenceGrade.INFERRED, 0) + evidence.get(EvidenceGrade.DERIVED, 0),
            _link("fact_list", [*facts, ("evidence", "inferred"), ("evidence", "derived")]),
        ),
        LinkedCount(COLUMNS[4], counts.earlier, _link("fact_list", [*facts, ("earlier", "yes")])),
    ]


# The table by organisation lists every organisation with a fact (each organisation is one): a page of them at a
# time, each page's counts counted for its organisations only.
ORGANISATIONS_PER_PAGE = 100
MOST_ORGANISATION_PAGES = 10_000_000


def organisations_listed(scope: Scope, *, drafts: bool = False) -> QuerySet[Organisation]:
    """The organisations with a fact within the scope, in the table's order: those the organisation facts'
    narrowing finds (every organisation entitled, deployed or with a local system there), and a merger's other
    party."""
    organisations = Organisation.objects.order_by("name", "code")
    if not scope:
        return organisations
    listed = narrowed(Organisation, scope) or Q(pk__in=[])
    successions = fact_base(Succession, scope=scope, drafts=drafts)
    if successions is not None:
        # The parties as a list, a few at most: as subqueries beside the narrowing's, PostgreSQL's plan for their
        # OR read every entitlement once per organisation.
        parties = {party for pair in successions.values_list("predecessor_id", "successor_id") for party in pair}
        listed |= Q(pk__in=sorted(parties))
    return organisations.filter(listed)


def organisation_page(organisations: QuerySet[Organisation], number: str) -> Page:
    """Page `number` (as typed in the address) of the organisations, read with how many there are in one query."""
    # A page number past any there could be is left to the paginator, which says there is no such page (read as an
    # offset, it would overflow the database's integers).
    plausible = number.isascii() and number.isdigit() and 0 < int(number) <= MOST_ORGANISATION_PAGES
    first = (int(number) - 1) * ORGANISATIONS_PER_PAGE if plausible else None
    if first is not None:
        rows = list(organisations.annotate(listed=Window(Count("pk")))[first : first + ORGANISATIONS_PER_PAGE])
        if rows:
            paginator = CountedPaginator([], ORGANISATIONS_PER_PAGE, count=rows[0].listed)
            return Page(rows, int(number), paginator)
    # No such page, or no organisation at all: the paginator says which.
    return page_of(Paginator(organisations, ORGANISATIONS_PER_PAGE), number, of="the organisations")


def quality_report(*, contract: Contract | None = None, drafts: bool = False, page: str = "1") -> QualityReport:
    """The counts of the page; `page` is which page of the table by organisation (as typed in the address)."""
    scope = Scope(contract=contract.slug if contract else "")
    within = [("contract", contract.slug)] if contract else []
    tally = entitlement_tally(scope=scope, drafts=drafts)
    counts = fact_counts(scope=scope, drafts=drafts, tally=tally)

    unknown_by_system = {
        slug: number for (slug, status), number in tally.items() if status == EntitlementStatus.UNKNOWN
    }
    citations = Citation.objects.filter(citations_within(scope, drafts=drafts))
    figures = contract_figures(contract=[contract] if contract else list(Contract.objects.all()), drafts=drafts)
    verdicts = Counter(reconciliation.verdict for reconciliation in reported_figure_reconcile(figures=figures))
    checks = [
        LinkedCount("Entitlements whose status no source gives (unknown)", sum(unknown_by_system.values()),
                    _link("entitlement_list", [*within, ("status", "unknown")])),
        LinkedCount("Facts with no citation for their values as they now are", counts.evidence.get(UNCITED, 0),
                    _link("fact_list", [*within, ("evidence", UNCITED)])),
        LinkedCount("Facts saved without a source, each with its reason", counts.evidence.get("unsourced", 0),
                    _link("fact_list", [*within, ("evidence", "unsourced")])),
        LinkedCount("Facts inferred from what sources say", counts.evidence.get("inferred", 0),
                    _link("fact_list", [*within, ("evidence", "inferred")])),
        LinkedCount("Facts derived from other recorded facts", counts.evidence.get("derived", 0),
                    _link("fact_list", [*within, ("evidence", "derived")])),
        LinkedCount("Facts with a citation that supports an earlier value", counts.earlier,
                    _link("fact_list", [*within, ("earlier", "yes")])),
        LinkedCount("Citations of a source without its words (a note instead of a quote)",
                    citations.filter(source__isnull=False, quote="").count(),
                    _link("citation_list", [*within, ("quote", "none")])),
        LinkedCount("Reported figures the records disagree with", verdicts[Verdict.DISAGREES],
                    _link("figure_list", [*within, ("verdict", Verdict.DISAGREES)])),
        LinkedCount("Reported figures the records cannot tell (unknowns either way)", verdicts[Verdict.OPEN],
                    _link("figure_list", [*within, ("verdict", Verdict.OPEN)])),
        LinkedCount("Reported figures with nothing in the records to compare", verdicts[Verdict.NOT_COMPARED],
                    _link("figure_list", [*within, ("verdict", Verdict.NOT_COMPARED)])),
    ]  # fmt: skip
    if contract is None:
        idle = source_rows(drafts=drafts).filter(citation_count=0).count()  # type: ignore[misc]  # an annotation
        checks.append(
            LinkedCount("Sources that support nothing shown", idle, _link("source_list", [("supports", "nothing")]))
        )

    by_system = fact_counts_by("system", scope=scope, drafts=drafts, tally=tally)
    systems = [
        QualityRow(
            name=system.name,
            url=system.get_absolute_url(),
            counts=_row_counts(
                by_system.get(system.slug, FactCounts(evidence={})),
                unknown_by_system.get(system.slug, 0),
                entitlements=[*within, ("system", system.slug)],
                facts=[*within, ("system", system.slug)],
            ),
        )
        for system in System.objects.filter(slug__in=by_system.keys() | unknown_by_system.keys()).order_by("name")
    ]

    shown = organisation_page(organisations_listed(scope, drafts=drafts), page)
    ids = [organisation.pk for organisation in shown]
    by_organisation = fact_counts_by("organisation", scope=scope, drafts=drafts, among=ids)
    entitlements = fact_base(Entitlement, scope=scope, drafts=drafts)
    assert entitlements is not None  # every narrowing applies to entitlements
    unknown = entitlements.filter(organisation_id__in=ids, status=EntitlementStatus.UNKNOWN).order_by()
    unknown_by_organisation = dict(unknown.values_list("organisation_id").annotate(count=Count("pk")))
    organisations = [
        QualityRow(
            name=f"{organisation.name} ({organisation.identifier})",
            url=organisation.get_absolute_url(),
            counts=_row_counts(
                by_organisation.get(organisation.pk, FactCounts(evidence={})),
                unknown_by_organisation.get(organisation.pk, 0),
                entitlements=[*within, ("ods_code", organisation.identifier)],
                facts=[*within, ("organisation", organisation.identifier)],
            ),
        )
        for organisation in shown
    ]
    return QualityReport(
        contract=contract,
        facts=counts.total,
        shares=evidence_shares(counts, within=within),
        checks=checks,
        columns=COLUMNS,
        systems=systems,
        organisations=organisations,
        organisation_page=shown,
    )


@dataclass(frozen=True)
class EvidenceSummary:
    facts: int
    shares: list[EvidenceShare]
    # When the shares were counted: the footer says so, since another process may have saved a change since.
    counted_at: datetime


SUMMARY_CACHE_KEY = "contracts:evidence-summary"
# A summary is kept this long at most: each process forgets it at once when it saves a fact or a citation, and
# other processes within this time.
SUMMARY_SECONDS = 300


def evidence_summary() -> EvidenceSummary:
    """What share of the public's facts each evidence has (the footer of every page), kept for a while."""
    summary = cache.get(SUMMARY_CACHE_KEY)
    if summary is None:
        counts = FactCounts(evidence=evidence_totals())
        summary = EvidenceSummary(
            facts=counts.total, shares=evidence_shares(counts, within=[]), counted_at=timezone.now()
        )
        cache.set(SUMMARY_CACHE_KEY, summary, SUMMARY_SECONDS)
    return summary


def forget_evidence_summary(**kwargs: object) -> None:
    cache.delete(SUMMARY_CACHE_KEY)


def connect_summary_receivers() -> None:
    models: list[type[Model]] = [Citation, Revision, *FACTS]
    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(forget_evidence_summary, sender=model, dispatch_uid=f"summary:{model._meta.label}")
