"""The compare page's outcome matrix, a page of organisations at a time (its filters choose the comparison:
contracts.filters.CompareFilter.comparison)."""

from collections import Counter
from dataclasses import dataclass

from django.core.paginator import Page, Paginator

from contracts.models import System
from contracts.pages.charts import OutcomeBar, outcome_bars
from contracts.services.compare import RevisionComparison
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
