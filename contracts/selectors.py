"""Reads for the analysts' pages: plain functions returning querysets or small lists."""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber
from django.http import Http404

from contracts.charts import OutcomeBar, outcome_bars
from contracts.models import (
    Citation,
    Contract,
    Deliverable,
    DeliverableStatus,
    Entitlement,
    Revision,
    Source,
    System,
)
from contracts.outcomes import Outcome
from contracts.services.compare import RevisionComparison, deliverable_compare, revision_compare
from contracts.services.reconcile import Reconciliation, contract_figures, reported_figure_reconcile
from nhsit.lib.tables import CountedPaginator
from trusts.models import Organisation


def default_contract() -> Contract | None:
    """The contract the home page and the trust list describe: DEFAULT_CONTRACT, else the first signed."""
    contracts = Contract.objects.select_related("supplier")
    return contracts.filter(slug=settings.DEFAULT_CONTRACT).first() or contracts.order_by("signed_on", "pk").first()


@dataclass(frozen=True)
class RevisionPair:
    """The latest revision of a contract and the one before it (None when there is only one)."""

    previous: Revision | None
    latest: Revision | None


def latest_pair(contract: Contract) -> RevisionPair:
    latest, previous = (list(contract.revisions.order_by("-sequence")[:2]) + [None, None])[:2]
    return RevisionPair(previous=previous, latest=latest)


def revision_timeline(*, contract: Contract) -> list[Revision]:
    """Revisions in order, each with its value change and the programme lines it removed or reduced."""
    revisions = list(contract.revisions.with_value_change().order_by("sequence"))
    changes: dict[int, list[Deliverable]] = {}
    for line in (
        Deliverable.objects.filter(revision__contract=contract)
        .exclude(status=DeliverableStatus.INCLUDED)
        .select_related("system")
        .order_by("system__name", "code")
    ):
        changes.setdefault(line.revision_id, []).append(line)
    for index, revision in enumerate(revisions):
        revision.previous_code = revisions[index - 1].code if index else None
        revision.line_changes = changes.get(revision.pk, [])
        previous = revision.previous_value
        revision.value_change_percent = (
            revision.value_change * 100 / previous if previous and revision.value_change is not None else None
        )
    return revisions


def contract_systems(*, contract: Contract | None, per_organisation: bool = False) -> QuerySet[System]:
    """Systems a contract deals with: those with entitlements (per organisation) or also programme lines."""
    if contract is None:
        return System.objects.none()
    in_contract = Q(Exists(Entitlement.objects.filter(system=OuterRef("pk"), revision__contract=contract)))
    if not per_organisation:
        in_contract |= Q(Exists(Deliverable.objects.filter(system=OuterRef("pk"), revision__contract=contract)))
    return System.objects.filter(in_contract).order_by("name")


def citation_count(field: str) -> Coalesce:
    """How many citations support the outer record, where `field` is the citation's link to it."""
    citations = Citation.objects.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(citations.annotate(count=Func(F("pk"), function="COUNT")).values("count")), 0)


def entitlement_rows() -> QuerySet[Entitlement]:
    """Every entitlement with what its table row shows; filtered by EntitlementFilter."""
    return (
        Entitlement.objects.select_related("revision__contract", "organisation", "system")
        # The sources column: counted in the same query, not one query per row, and as a subquery rather
        # than a join, so that counting the matches and sorting a page need not group the whole table.
        .annotate(source_count=citation_count("entitlement"))
        .order_by("revision__contract__slug", "revision__sequence", "organisation__name", "system__name")
    )


def source_rows() -> QuerySet[Source]:
    return Source.objects.annotate(citation_count=Count("citations")).order_by("published_on", "title")


# What a citation's target reads for its label, whatever kind of record it is: one query for them all.
CITATION_TARGETS_RELATED = [
    "source",
    "contract",
    "revision__contract",
    "system",
    "entitlement__organisation",
    "entitlement__system",
    "entitlement__revision__contract",
    "deliverable__revision",
    "deliverable__system",
    "deployment__organisation",
    "deployment__system",
    "reported_figure__contract",
    "organisation",
    "succession__predecessor",
    "succession__successor",
    "local_system__organisation",
]


def citation_rows() -> QuerySet[Citation]:
    """Citations with every record they can support, and what those records' labels read, in one query."""
    return Citation.objects.select_related(*CITATION_TARGETS_RELATED)


def source_citations(*, source: Source) -> QuerySet[Citation]:
    return citation_rows().filter(source=source).order_by("id")


def system_deliverables(*, system: System) -> QuerySet[Deliverable]:
    """A system's programme lines in every revision, line by line and in revision order."""
    return (
        Deliverable.objects.filter(system=system)
        .select_related("revision__contract")
        .annotate(source_count=citation_count("deliverable"))
        .order_by("revision__contract__slug", "code", "revision__sequence")
    )


def filtered_comparison(*, filterset) -> RevisionComparison | None:
    """The comparison a valid CompareFilter asks for, its rows filtered; None when a filter is invalid."""
    if not filterset.is_valid():
        return None
    base, target = filterset.chosen_revisions()
    return revision_compare(base=base, target=target, **filterset.comparison_filters())


MATRIX_ORGANISATIONS_PER_PAGE = 100


@dataclass(frozen=True)
class MatrixRow:
    organisation: Organisation
    cells: list[dict | None]  # one per system column: the comparison row, or None


@dataclass(frozen=True)
class OutcomeMatrix:
    systems: list[System]
    bars: list[OutcomeBar]
    page: Page
    rows: list[MatrixRow]


def outcome_matrix(*, comparison: RevisionComparison, counts: dict[str, Counter], page: str) -> OutcomeMatrix:
    """Organisations as rows and systems as columns, a page of organisations at a time.

    `counts` are the comparison's outcome_counts(). Queries: the systems, the page of organisations, its cells,
    and how many organisations there are (unless the counts show only one system).
    """
    systems = [system for system in System.objects.filter(slug__in=counts).order_by("name")]
    organisations = comparison.organisations.order_by("name", "ods_code")
    if len(counts) <= 1:
        # One system: an organisation has one row at most, so the rows counted are the organisations.
        total = sum(sum(by_outcome.values()) for by_outcome in counts.values())
        paginator = CountedPaginator(organisations, MATRIX_ORGANISATIONS_PER_PAGE, count=total)
    else:
        paginator = Paginator(organisations, MATRIX_ORGANISATIONS_PER_PAGE)
    try:
        matrix_page = paginator.page(page)
    except PageNotAnInteger:
        raise Http404(f"“{page[:40]}” is not a page number.") from None
    except EmptyPage:
        raise Http404(f"There is no page {page[:40]} of the matrix: it fills {paginator.num_pages}.") from None
    on_page = list(matrix_page.object_list)
    cells: dict[tuple[str, str], dict] = {}
    for row in comparison.rows.filter(ods_code__in=[organisation.ods_code for organisation in on_page]).order_by():
        cells[(row["ods_code"], row["system_slug"])] = row
    rows = [
        MatrixRow(organisation, [cells.get((organisation.ods_code, system.slug)) for system in systems])
        for organisation in on_page
    ]
    return OutcomeMatrix(
        systems=systems, bars=outcome_bars(systems=systems, counts=counts), page=matrix_page, rows=rows
    )


@dataclass(frozen=True)
class ContractOverview:
    contract: Contract
    pair: RevisionPair
    first: Revision | None
    value_change: Decimal | None
    value_change_percent: Decimal | None
    bars: list[OutcomeBar]
    line_changes: list[dict]
    reconciliations: list[Reconciliation]


def contract_overview(*, contract: Contract) -> ContractOverview:
    """The home page: value then and now, who kept and lost what, lines cut, and the sources' numbers."""
    pair = latest_pair(contract)
    first = contract.revisions.order_by("sequence").first()
    value_change = value_change_percent = None
    if first and pair.latest and first.total_value is not None and pair.latest.total_value is not None:
        value_change = pair.latest.total_value - first.total_value
        value_change_percent = value_change * 100 / first.total_value if first.total_value else None
    bars: list[OutcomeBar] = []
    line_changes: list[dict] = []
    if pair.previous:
        comparison = revision_compare(base=pair.previous, target=pair.latest)
        systems = list(contract_systems(contract=contract, per_organisation=True))
        bars = outcome_bars(systems=systems, counts=comparison.outcome_counts())
        line_changes = [
            line
            for line in deliverable_compare(base=pair.previous, target=pair.latest)
            if line["outcome"] == Outcome.LOST or line["reduced"]
        ]
    return ContractOverview(
        contract=contract,
        pair=pair,
        first=first,
        value_change=value_change,
        value_change_percent=value_change_percent,
        bars=bars,
        line_changes=line_changes,
        reconciliations=reported_figure_reconcile(figures=contract_figures(contract=contract)),
    )


def system_rows() -> QuerySet[System]:
    """Systems with their vendor and how many organisations and programme lines each has."""
    # Counted in subqueries: joining both would multiply each system's entitlements by its lines.
    organisations = Entitlement.objects.filter(system=OuterRef("pk")).order_by().values("system")
    lines = Deliverable.objects.filter(system=OuterRef("pk")).order_by().values("system")
    distinct_count = "COUNT(DISTINCT %(expressions)s)"
    return (
        System.objects.select_related("vendor")
        .annotate(
            organisation_count=Coalesce(
                Subquery(
                    organisations.annotate(
                        n=Func(F("organisation"), template=distinct_count, output_field=IntegerField())
                    ).values("n")
                ),
                0,
            ),
            deliverable_count=Coalesce(
                Subquery(
                    lines.annotate(n=Func(F("code"), template=distinct_count, output_field=IntegerField())).values("n")
                ),
                0,
            ),
        )
        .order_by("name")
    )


SYSTEM_PAGE_LIST = 100


@dataclass(frozen=True)
class SystemOverview:
    system: System
    contract: Contract | None
    pair: RevisionPair
    bar: OutcomeBar | None
    # (outcome, how many, the first SYSTEM_PAGE_LIST of their rows) for each outcome that has any.
    by_outcome: list[tuple[str, int, list[dict]]]
    deliverables: list[Deliverable]


def system_overview(*, system: System) -> SystemOverview:
    """Who keeps, loses and gains a system between the latest two revisions of its contract, and its lines."""
    contracts = Contract.objects.filter(
        Exists(Entitlement.objects.filter(revision__contract=OuterRef("pk"), system=system))
        | Exists(Deliverable.objects.filter(revision__contract=OuterRef("pk"), system=system))
    )
    contract = contracts.filter(slug=settings.DEFAULT_CONTRACT).first() or contracts.order_by("slug").first()
    pair = latest_pair(contract) if contract else RevisionPair(previous=None, latest=None)
    bar, by_outcome = None, []
    if pair.previous:
        comparison = revision_compare(base=pair.previous, target=pair.latest, systems=[system])
        bar = outcome_bars(systems=[system], counts=comparison.outcome_counts())[0]
        # Each outcome's organisations, up to a list's length, in one query; the compare page lists them all.
        place = Window(RowNumber(), partition_by=F("outcome"), order_by=["organisation_name", "ods_code"])
        listed: dict[str, list[dict]] = {}
        for row in comparison.rows.annotate(place=place).filter(place__lte=SYSTEM_PAGE_LIST):
            listed.setdefault(row["outcome"], []).append(row)
        by_outcome = [
            (outcome.value, bar.count(outcome.value), listed[outcome.value]) for outcome in Outcome if outcome in listed
        ]
    return SystemOverview(
        system=system,
        contract=contract,
        pair=pair,
        bar=bar,
        by_outcome=by_outcome,
        deliverables=list(system_deliverables(system=system)),
    )
