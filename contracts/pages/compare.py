"""The compare page's outcome matrix, a page of organisations at a time (its filters choose the comparison:
contracts.filters.CompareFilter.comparison), and the whole picture for the systems in view, which filters that
narrow the rows never hide: what they leave out is said, counted and linked."""

from collections import Counter
from dataclasses import dataclass

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
from nhsit.lib.keyset import Cursor, KeysetPage, seek
from organisations.models import Organisation, Succession

MATRIX_ORGANISATIONS_PER_PAGE = 100
# The matrix's order, which the index organisation_list_order (name, code) serves; the id breaks a tie.
MATRIX_ORDER = ("name", "code", "pk")
MATRIX_CURSOR_TYPES = (str, str, int)


@dataclass(frozen=True)
class MatrixRow:
    organisation: Organisation
    cells: list[dict | None]  # one per system column: the comparison row, or None


@dataclass(frozen=True)
class OutcomeMatrix:
    systems: list[System]
    bars: list[OutcomeBar]
    page: KeysetPage
    rows: list[MatrixRow]
    # How many organisations the matrix holds, where the counts say (one system); None where only counting them would.
    count: int | None
    # How many rows of the comparison its page read (each a cell, if its system is among `systems`).
    rows_read: int = 0

    @property
    def first(self) -> Organisation | None:
        return self.rows[0].organisation if self.rows else None

    @property
    def last(self) -> Organisation | None:
        return self.rows[-1].organisation if self.rows else None

    def first_rows(self, wanted: int) -> list[dict] | None:
        """The first `wanted` rows of the whole comparison in its table's first order (organisation, then system),
        read from the matrix's first page, where it holds them: each organisation has a row, so the rows of the
        organisations it lists come before those of any it leaves for later pages. None where it does not hold
        them: the matrix not at its start, or too few rows on its page while more organisations follow."""
        if self.page.has_previous():
            return None
        found = [cell for row in self.rows for cell in row.cells if cell is not None]
        if len(found) != self.rows_read or (len(found) < wanted and self.page.has_next()):
            return None
        return found[:wanted]


def outcome_matrix(
    *,
    comparison: RevisionComparison,
    counts: dict[str, Counter],
    cursor: Cursor | None,
    per_page: int | None = None,
) -> OutcomeMatrix:
    """Organisations as rows and systems as columns, a page of organisations at a time, the one beyond `cursor`.

    `counts` are the comparison's outcome_counts(). Three queries however deep the page: the systems, the page of
    organisations (read from where it starts, in the order of an index), and its cells. The systems are in the
    order of the comparison's rows (name, then id), and so are each organisation's cells.
    """
    systems = list(System.objects.filter(slug__in=counts).order_by("name", "pk"))
    on_page, next_cursor, previous_cursor = seek(
        comparison.organisations,
        fields=MATRIX_ORDER,
        cursor=cursor,
        per_page=per_page or MATRIX_ORGANISATIONS_PER_PAGE,
    )
    cells: dict[tuple[str, str], dict] = {}
    if on_page:
        on_page_ids = [organisation.pk for organisation in on_page]
        for row in comparison.rows.filter(organisation_id__in=on_page_ids).order_by():
            cells[(row["organisation_id"], row["system_slug"])] = row
    rows = [
        MatrixRow(organisation, [cells.get((organisation.pk, system.slug)) for system in systems])
        for organisation in on_page
    ]
    # One system: an organisation has one row at most, so the rows counted are the organisations.
    count = sum(sum(by_outcome.values()) for by_outcome in counts.values()) if len(counts) <= 1 else None
    return OutcomeMatrix(
        systems=systems,
        bars=outcome_bars(systems=systems, counts=counts),
        page=KeysetPage(on_page, next_cursor, previous_cursor),
        rows=rows,
        count=count,
        rows_read=len(cells),
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
    shown_systems: list[System] | None = None,
) -> ComparePicture:
    """The whole answer for the systems in view, beside what the filters show.

    `counts` are the filtered comparison's outcome_counts(); `systems` the systems chosen (None for all);
    `narrowed` whether filters other than the systems (outcome, kind, sector, live) narrow the rows, else the whole
    picture is `counts`, and its systems `shown_systems` where the page has read them already (by name).
    """
    base, target = comparison.base, comparison.target
    whole = revision_compare(base=base, target=target, systems=systems).outcome_counts() if narrowed else counts
    if narrowed or shown_systems is None:
        in_view = list(System.objects.filter(slug__in=whole).order_by("name"))
    else:
        in_view = shown_systems
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


@dataclass(frozen=True)
class RolledUpMember:
    """A body the contract named, now part of today's organisation: its outcome per system, the mergers that
    brought it there, and, where it was split, the other organisations it also counts toward."""

    organisation: Organisation
    via: list[Succession]
    also_counted_under: list[Organisation]
    rows: list[dict]


@dataclass(frozen=True)
class RolledUp:
    today: Organisation
    members: list[RolledUpMember]
    # Per system name, how many of its members had each outcome, in outcome order.
    outcomes: list[tuple[str, list[tuple[str, int]]]]


def rolled_up(comparison: RevisionComparison) -> list[RolledUp]:
    """The comparison's merged bodies grouped under the organisations they are part of today (following every
    merger), each with today's organisation's own rows where the contract names it too. A body split between
    several successors counts toward each, and says so. Two queries."""
    onward: dict[int, list[Succession]] = {}
    bodies: dict[int, Organisation] = {}
    for succession in Succession.objects.select_related("predecessor", "successor"):
        onward.setdefault(succession.predecessor_id, []).append(succession)
        bodies[succession.predecessor_id] = succession.predecessor
    every_chain = {organisation_id: _today(organisation_id, onward) for organisation_id in onward}
    every_today = {today.pk: today for paths in every_chain.values() for today, _via in paths}
    rows_of: dict[int, list[dict]] = {}
    for row in comparison.rows.filter(organisation_id__in=[*every_chain, *every_today]):
        rows_of.setdefault(row["organisation_id"], []).append(row)
    # Only the merged bodies the comparison has rows of, and the organisations they are part of today.
    chains = {organisation_id: paths for organisation_id, paths in every_chain.items() if organisation_id in rows_of}
    todays = {today.pk: today for paths in chains.values() for today, _via in paths}
    groups: dict[int, list[RolledUpMember]] = {today_id: [] for today_id in todays}
    for today_id in todays:
        if rows_of.get(today_id):
            groups[today_id].append(RolledUpMember(todays[today_id], [], [], rows_of[today_id]))
    for organisation_id, paths in chains.items():
        for today, via in paths:
            others = [other for other, _via in paths if other.pk != today.pk]
            groups[today.pk].append(RolledUpMember(bodies[organisation_id], via, others, rows_of[organisation_id]))
    result = []
    for today_id, members in groups.items():
        outcomes: dict[str, Counter] = {}
        for member in members:
            for row in member.rows:
                outcomes.setdefault(row["system_name"], Counter())[row["outcome"]] += 1
        in_order = [
            (system, [(outcome.value, counts[outcome.value]) for outcome in Outcome if counts[outcome.value]])
            for system, counts in sorted(outcomes.items())
        ]
        result.append(RolledUp(today=todays[today_id], members=members, outcomes=in_order))
    return sorted(result, key=lambda group: (group.today.name, group.today.code))


def _today(organisation_id: int, onward: dict[int, list[Succession]]) -> list[tuple[Organisation, list[Succession]]]:
    """The organisations a body passed into that passed into none, each with the mergers on the way."""
    found: list[tuple[Organisation, list[Succession]]] = []
    stack: list[tuple[int, list[Succession]]] = [(organisation_id, [])]
    while stack:
        current, via = stack.pop()
        nexts = [succession for succession in onward.get(current, []) if succession not in via]
        if not nexts and via:
            found.append((via[-1].successor, via))
        for succession in nexts:
            if len(via) < 6:
                stack.append((succession.successor_id, [*via, succession]))
    unique = {today.pk: (today, via) for today, via in reversed(found)}
    return sorted(unique.values(), key=lambda pair: pair[0].name)
