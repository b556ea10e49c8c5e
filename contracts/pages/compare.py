"""The compare page's outcome matrix, a page of organisations at a time (its filters choose the comparison:
contracts.filters.CompareFilter.comparison), and the whole picture for the systems in view, which filters that
narrow the rows never hide: what they leave out is said, counted and linked."""

from collections import Counter
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode

from contracts.models import ReportedFigureMeasure, System
from contracts.outcomes import Outcome
from contracts.pages.charts import OutcomeBar, outcome_bars
from contracts.pages.evidence import PageEvidence, page_evidence
from contracts.pages.figures import ENTITLEMENT_MEASURES, FigureCheck, figure_checks
from contracts.selectors.revisions import revisions_in_order
from contracts.services.compare import RevisionComparison, revision_compare
from contracts.services.reconcile import contract_figures, reported_figure_reconcile
from nhsit.lib.pagination import CountedPaginator, page_of
from organisations.models import Organisation

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
    systems = list(System.objects.filter(slug__in=counts).order_by("name"))
    organisations = comparison.organisations.order_by("name", "ods_code")
    paginator: Paginator
    if len(counts) <= 1:
        # One system: an organisation has one row at most, so the rows counted are the organisations.
        total = sum(sum(by_outcome.values()) for by_outcome in counts.values())
        paginator = CountedPaginator(organisations, MATRIX_ORGANISATIONS_PER_PAGE, count=total)
    else:
        paginator = Paginator(organisations, MATRIX_ORGANISATIONS_PER_PAGE)
    matrix_page = page_of(paginator, page, of="the matrix's organisations")
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
class HiddenCount:
    outcome: str
    label: str
    count: int  # how many of the outcome's rows the filters leave out
    total: int  # how many rows have the outcome in all
    url: str  # the compare page showing all `total` of them: this system and outcome, no other narrowing


@dataclass(frozen=True)
class SystemPicture:
    """One system in view: the whole picture between the two revisions, what the filters show of it and what
    they hide, and what the sources say of it."""

    system: System
    whole: OutcomeBar
    shown: list[tuple[str, int]]  # (outcome label, count) shown, in outcome order
    hidden: list[HiddenCount]
    figures: list[FigureCheck]


@dataclass(frozen=True)
class ComparePicture:
    narrowed: bool
    systems: list[SystemPicture]
    evidence: PageEvidence


def compare_picture(
    *,
    comparison: RevisionComparison,
    counts: dict[str, Counter],
    systems: list[System] | None,
    narrowed: bool,
    drafts: bool = False,
) -> ComparePicture:
    """The whole answer for the systems in view, beside what the filters show.

    `counts` are the filtered comparison's outcome_counts(); `systems` the systems chosen (None for all);
    `narrowed` whether filters other than the systems (outcome, kind, sector, live) narrow the rows.
    """
    base, target = comparison.base, comparison.target
    whole = revision_compare(base=base, target=target, systems=systems).outcome_counts() if narrowed else counts
    in_view = list(System.objects.filter(slug__in=whole).order_by("name"))
    contract = target.contract
    revisions = list(revisions_in_order(contract=contract, drafts=drafts))
    about = contract_figures(contract=contract, drafts=drafts).filter(system__in=in_view).filter(
        Q(measure=ReportedFigureMeasure.OUTCOME_COUNT, base_revision=base, revision=target)
        | Q(measure__in=list(ENTITLEMENT_MEASURES), revision=target)
    )  # fmt: skip
    checks = figure_checks(reported_figure_reconcile(figures=about), revisions=revisions)
    compare_url = reverse("contract_compare", args=[contract.slug])
    pictures = []
    for bar in outcome_bars(systems=in_view, counts=whole):
        shown = counts.get(bar.system.slug, Counter())
        hidden = []
        for outcome in Outcome:
            missing = bar.count(outcome.value) - shown.get(outcome.value, 0)
            if missing:
                query = urlencode(
                    {"base": base.code, "target": target.code, "system": bar.system.slug, "outcome": outcome.value}
                )
                total = bar.count(outcome.value)
                hidden.append(HiddenCount(outcome.value, outcome.label, missing, total, f"{compare_url}?{query}"))
        pictures.append(
            SystemPicture(
                system=bar.system,
                whole=bar,
                shown=[(outcome.label, shown[outcome.value]) for outcome in Outcome if shown.get(outcome.value)],
                hidden=hidden,
                figures=[check for check in checks if check.figure.system_id == bar.system.pk],
            )
        )
    return ComparePicture(
        narrowed=narrowed,
        systems=pictures,
        evidence=page_evidence([check.figure for picture in pictures for check in picture.figures], drafts=drafts),
    )
