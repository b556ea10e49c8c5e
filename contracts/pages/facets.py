"""The counts beside each filter value on the tables' pages: how many rows choosing only that value gives, the
other filters as they are. Each page's counts take one grouped query over the rows no facet filter narrows (the
organisations list, whose statuses and outcomes count organisations, not rows, takes three more)."""

import functools
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import OperationalError, connections, transaction
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django_filters import FilterSet

from contracts.evidence import UNCITED
from contracts.models import Entitlement
from contracts.selectors.citations import cited
from contracts.selectors.entitlements import entitlement_tally_counts, rows_as_tally_cells
from contracts.selectors.sorted_entitlements import (
    COMMON_VALUE_SORTS,
    TALLIED_SORTS,
    SortedGroup,
    counted_groups,
    evidence_narrowed_groups,
    rows_by_revision,
    sorted_groups,
)
from contracts.selectors.tally import comparison_tally_counts, status_pair_cells, tally_sums, with_outcome
from contracts.services.compare import revision_compare
from nhsit.lib.facets import FacetCounts, counts_in_labels, tuple_counts, tuple_total
from nhsit.lib.filtering import rows_without, strict_rows
from organisations.models import Organisation

ENTITLEMENT_FACETS = {
    "contract": "revision__contract__slug",
    "revision": "revision__code",
    "system": "system__slug",
    "status": "status",
    "kind": "organisation__kind",
    "sector": "organisation__sector",
}
COMPARE_FACETS = {"system": "system_slug", "kind": "kind", "sector": "sector", "outcome": "outcome", "live": "live"}
SOURCE_FACETS = {"kind": "kind", "supports": "supports"}
ORGANISATION_FACETS = {"kind": "kind", "sector": "sector"}


class CountsSkipped(dict):
    """No counts: they would have taken longer than the time limit. The filters still work."""

    skipped = True


def _within_time_limit(count: Callable[..., FacetCounts | None]) -> Callable[..., FacetCounts | None]:
    @functools.wraps(count)
    def counted(filterset: Any) -> FacetCounts | None:
        try:
            return count(filterset)
        except CountsTookTooLong:
            return CountsSkipped()

    return counted


def _chosen(filterset: FilterSet, names: Iterable[str]) -> dict[str, list[str]]:
    cleaned = filterset.form.cleaned_data
    chosen: dict[str, list[str]] = {}
    for name in names:
        value = cleaned.get(name)
        chosen[name] = [str(item) for item in value] if isinstance(value, list) else ([str(value)] if value else [])
    return chosen


class CountsTookTooLong(Exception):
    """The counts would take longer than FACET_TIME_LIMIT_MS: the page is shown without them."""


def _grouped(rows: QuerySet, paths: dict[str, str]) -> list[tuple]:
    """(each path's value..., how many rows) for the rows, grouped: one query, whatever the rows are built of. On
    PostgreSQL it is given FACET_TIME_LIMIT_MS, as Datasette gives its facets a time limit: past that the page
    shows its rows without counts rather than keep the reader waiting."""
    aliases = {f"facet_{index}": F(path) for index, path in enumerate(paths.values())}
    sql, params = rows.annotate(**aliases).values(*aliases).order_by().query.sql_with_params()
    connection = connections[rows.db]
    columns = ", ".join(connection.ops.quote_name(alias) for alias in aliases)
    grouped = f"SELECT {columns}, COUNT(*) FROM ({sql}) facet_rows GROUP BY {columns}"
    return _fetched_within_the_limit(rows.db, grouped, params)


def _fetched_within_the_limit(using: str, sql: str, params: Any) -> list[tuple]:
    """The rows of one statement; on PostgreSQL given FACET_TIME_LIMIT_MS, past which CountsTookTooLong."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    try:
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {int(settings.FACET_TIME_LIMIT_MS)}")
            cursor.execute(sql, params)
            found = cursor.fetchall()
            cursor.execute("SET LOCAL statement_timeout = DEFAULT")
            return found
    except OperationalError as error:
        raise CountsTookTooLong from error


@_within_time_limit
def entitlement_facets(filterset: FilterSet) -> FacetCounts | None:
    if not filterset.is_bound:
        rows = filterset.queryset
    elif not filterset.is_valid():
        return None
    else:
        rows = rows_without(filterset, *ENTITLEMENT_FACETS)
    chosen = _chosen(filterset, ENTITLEMENT_FACETS) if filterset.is_bound else {}
    return tuple_counts(_grouped(rows, ENTITLEMENT_FACETS), list(ENTITLEMENT_FACETS), chosen)


class EntitlementListCounts:
    """The entitlement list's row count and filter counts. Where every filter chosen is one the tally keeps
    (contract, revision, system, status, kind, sector), both come from it in one query, summed in the database
    over a few thousand cells at most, the same at a hundred rows and at ten million. Narrowed by the evidence
    too, the cited rows are counted from themselves (as many as the current citations), and the uncited are the
    tally's rows less the cited. Narrowed by a name that leaves out at most MOST_UNMATCHED organisations (a word
    most names hold), the counts are the tally's less those of the rows of the organisations it leaves out. Where
    a name that matches more, or a code, narrows the rows, all come from the rows."""

    def __init__(self, filterset: FilterSet, *, drafts: bool = False):
        self.filterset = filterset
        self.drafts = drafts

    @functools.cached_property
    def _tallied(self) -> tuple[int, FacetCounts] | None:
        """The count and the filter counts from the tally, or None where the tally cannot count these filters."""
        filterset = self.filterset
        if not filterset.is_bound:
            return entitlement_tally_counts(chosen={}, drafts=self.drafts)
        if not filterset.is_valid():
            return None
        narrowing = self._narrowing()
        chosen = _chosen(filterset, ENTITLEMENT_FACETS)
        if not narrowing:
            return entitlement_tally_counts(chosen=chosen, drafts=self.drafts)
        try:
            if narrowing == ["evidence"]:
                return self._with_evidence(chosen, grades=filterset.form.cleaned_data["evidence"])
            if narrowing == ["organisation"] and self._unmatched is not None:
                return self._less_the_unmatched(chosen)
        except CountsTookTooLong:
            return None
        return None

    @functools.cached_property
    def _unmatched(self) -> list[int] | None:
        """The ids of the organisations the name searched for does not match, where there are at most
        MOST_UNMATCHED (found by one pass over the register that stops once there are too many); else None."""
        text = self.filterset.form.cleaned_data.get("organisation")
        return _left_out(self.filterset.organisations_matching(text)) if text else None

    def _unmatched_rows(self) -> QuerySet[Entitlement]:
        """The rows of the organisations the name searched for leaves out (_unmatched), of the revisions shown."""
        return self.filterset.queryset.filter(organisation_id__in=self._unmatched or [])

    def _less_the_unmatched(self, chosen: dict[str, list[str]]) -> tuple[int, FacetCounts]:
        """The count and filter counts of the rows of the organisations searched for: the tally's less those of the
        rows of the organisations the search leaves out."""
        total, counts = entitlement_tally_counts(chosen=chosen, drafts=self.drafts)
        if not self._unmatched:
            return total, counts
        cells = rows_as_tally_cells(self._unmatched_rows())
        less_total, less = entitlement_tally_counts(chosen=chosen, drafts=self.drafts, cells=cells)
        return total - less_total, {name: counts[name] - less[name] for name in counts}

    def _narrowing(self) -> list[str]:
        """The filters chosen that the tally does not keep (the filter set is valid)."""
        if not self.filterset.is_bound:
            return []
        cleaned = self.filterset.form.cleaned_data
        return [name for name in self.filterset.filters if name not in ENTITLEMENT_FACETS and cleaned.get(name)]

    def _with_evidence(self, chosen: dict[str, list[str]], *, grades: list[str]) -> tuple[int, FacetCounts]:
        """The count and filter counts of the rows whose evidence is one of `grades`."""
        fields = list(ENTITLEMENT_FACETS)
        cited_rows = self.filterset.queryset.filter(cited())
        by_grade = _grouped(cited_rows, {**ENTITLEMENT_FACETS, "evidence": "evidence"})

        def counted(rows: list[tuple]) -> tuple[int, FacetCounts]:
            return tuple_total(rows, fields, chosen), tuple_counts(rows, fields, chosen)

        total, counts = counted([(*values, n) for *values, grade, n in by_grade if grade in grades])
        if UNCITED in grades:
            every_total, every_count = entitlement_tally_counts(chosen=chosen, drafts=self.drafts)
            cited_total, cited_count = counted([(*values, n) for *values, _grade, n in by_grade])
            total += every_total - cited_total
            for name in fields:
                counts[name] = counts[name] + every_count[name] - cited_count[name]
        return total, counts

    def total(self) -> int:
        if self._tallied is None:
            return strict_rows(self.filterset).count()
        return self._tallied[0]

    def facets(self) -> FacetCounts | None:
        if self._tallied is None:
            return entitlement_facets(self.filterset)
        return self._tallied[1]

    def sorted_groups(self, rows: QuerySet[Entitlement], field: str, descending: bool) -> list[SortedGroup] | None:
        """The groups of `rows`, the list's rows as filtered, sorted by `field` (one of COUNTED_SORTS): from the
        tally where it counts the field and the filters, with the cited rows counted from themselves where the
        evidence narrows the rows (evidence_narrowed_groups()) or most rows hold one value of the sort's column
        (the rest counted from themselves); from the rows otherwise (counted_groups()). None where they cannot be
        counted."""
        if self._tallied is None:
            return counted_groups(rows, field, descending=descending, drafts=self.drafts)
        chosen = _chosen(self.filterset, ENTITLEMENT_FACETS) if self.filterset.is_bound else {}
        if self._narrowing() == ["organisation"]:  # a name that leaves out few organisations
            less = rows_without(self.filterset, "organisation").filter(organisation_id__in=self._unmatched or [])
            if field in TALLIED_SORTS:
                return sorted_groups(field, descending=descending, chosen=chosen, drafts=self.drafts, less=less)
            by_revision = rows_by_revision(chosen=chosen, drafts=self.drafts, less=less)
            return counted_groups(rows, field, descending=descending, drafts=self.drafts, revision_rows=by_revision)
        if self._narrowing():  # by the evidence alone, or the tally would not have counted
            if field not in TALLIED_SORTS:
                return counted_groups(rows, field, descending=descending, drafts=self.drafts)
            by_facets, grades = rows_without(self.filterset, "evidence"), self.filterset.form.cleaned_data["evidence"]
            return evidence_narrowed_groups(
                by_facets, field, descending=descending, chosen=chosen, grades=grades, drafts=self.drafts
            )
        if field in TALLIED_SORTS:
            return sorted_groups(field, descending=descending, chosen=chosen, drafts=self.drafts)
        tallied = rows_by_revision(chosen=chosen, drafts=self.drafts) if field in COMMON_VALUE_SORTS else None
        return counted_groups(rows, field, descending=descending, drafts=self.drafts, revision_rows=tallied)


@_within_time_limit
def source_facets(filterset: FilterSet) -> FacetCounts | None:
    if filterset.is_bound and not filterset.is_valid():
        return None
    rows = rows_without(filterset, *SOURCE_FACETS) if filterset.is_bound else filterset.queryset
    supports = Case(When(citation_count=0, then=Value("nothing")), default=Value("something"))
    rows = rows.annotate(supports=supports)
    chosen = _chosen(filterset, SOURCE_FACETS) if filterset.is_bound else {}
    return tuple_counts(_grouped(rows, SOURCE_FACETS), list(SOURCE_FACETS), chosen)


@_within_time_limit
def compare_facets(filterset: FilterSet) -> FacetCounts | None:
    """Over the comparison the two revisions (and the organisations chosen by code) give, before any facet filter:
    from the status-pair tally unless organisations are chosen (the tally does not tell them apart)."""
    if not filterset.is_valid():
        return None
    base, target = filterset.chosen_revisions()
    assert base is not None and target is not None
    chosen = _chosen(filterset, COMPARE_FACETS)
    if not filterset.form.cleaned_data.get("ods"):
        cells = status_pair_cells(base=base, target=target)
        return comparison_tally_counts(cells, systems=filterset.systems, chosen=chosen)
    systems = set(filterset.systems)
    comparison = revision_compare(base=base, target=target, organisations=filterset.organisation_ids())
    found: Counter = Counter()
    for system, kind, sector, outcome, live, number in _grouped(comparison.rows, COMPARE_FACETS):
        if system in systems:
            found[(system, kind, sector, outcome, "yes" if live else "no")] += number
    rows = [(*cell, number) for cell, number in found.items()]
    return tuple_counts(rows, list(COMPARE_FACETS), chosen)


class OrganisationListCounts:
    """The organisations list's filter counts and, where the tally gives it, its row count. With one system in view
    (the one chosen, or the contract's only one) an organisation has one cell per pair of revisions for it, so the
    status-pair tally counts organisations by status, outcome, kind and sector exactly, in one small query; the
    system counts come from it too, each being of one system. With several systems in view an organisation counts
    once however many of them give it a status, which the tally cannot tell: those counts are left out
    (`needs_one_system`). A name or code searched for narrows what the tally does not know: then everything is
    counted from the rows, within FACET_TIME_LIMIT_MS; unless it leaves out at most MOST_UNMATCHED organisations (a
    word most names hold, "Trust", or any search of a small register), when the counts are the tally's less those
    of the organisations it leaves out, read from their rows."""

    def __init__(self, filterset: FilterSet):
        self.filterset = filterset
        self.needs_one_system = False

    @functools.cached_property
    def _chosen(self) -> dict[str, list[str]]:
        return _chosen(self.filterset, ORGANISATION_PER_CONTRACT) if self.filterset.is_bound else {}

    @functools.cached_property
    def _tally(self) -> QuerySet | None:
        """The cells of the chosen contract's latest pair of revisions for the systems in view, with their outcomes,
        or None where the tally cannot count these filters."""
        filterset = self.filterset
        pair = filterset.pair
        if pair.latest is None or (self._searched is not None and self._unmatched is None):
            return None
        cells = status_pair_cells(
            base=pair.previous or pair.latest, target=pair.latest, systems=list(filterset.systems.values())
        )
        return with_outcome(cells)

    @property
    def _searched(self) -> Q | None:
        """The condition of the name or code searched for, if one is."""
        filterset = self.filterset
        text = filterset.form.cleaned_data.get("q") if filterset.is_bound else None
        return filterset.organisations_matching(text) if text else None

    @functools.cached_property
    def _unmatched(self) -> list[int] | None:
        """The ids of the organisations the name or code searched for does not match, where there are at most
        MOST_UNMATCHED: those it matches are then counted as every organisation less these. Found by one pass over
        the register that stops once there are too many."""
        searched = self._searched
        return None if searched is None else _left_out(searched)

    def _unmatched_sums(self, parts: dict[str, tuple[Any, Q]]) -> dict[str, Counter]:
        """What the unmatched organisations' rows add to each of the tally's sums, each row a cell counting one."""
        pair = self.filterset.pair
        assert pair.latest is not None and self._unmatched is not None
        if not self._unmatched:
            return {}
        comparison = revision_compare(
            base=pair.previous or pair.latest,
            target=pair.latest,
            systems=list(self.filterset.systems.values()),
            organisations=self._unmatched,
        )
        return tally_sums(with_outcome(comparison.as_tally_cells()), parts)

    @property
    def _system_in_view(self) -> str | None:
        """The one system the status and outcome filters read, if there is one."""
        chosen = self._chosen.get("system") or list(self.filterset.systems)
        return chosen[0] if len(chosen) == 1 else None

    def _narrowed(self) -> bool:
        """Whether a system, status or outcome is chosen: the list is then of organisations in the comparison."""
        return any(self._chosen.get(name) for name in ORGANISATION_PER_CONTRACT)

    def _kept(self, system: str | None, *, leaving_out: str = "") -> Q:
        """The cells (of `system`; of every system in view where None) that the chosen status, outcome, kind and
        sector (but `leaving_out`) keep. The status is the one in the latest revision."""
        conditions = [Q(system_id=self.filterset.systems[system].pk)] if system is not None else []
        statuses = self._chosen.get("status") if leaving_out != "status" else None
        outcomes = self._chosen.get("outcome") if leaving_out != "outcome" else None
        if statuses:
            conditions.append(Q(target_status__in=statuses))
        if outcomes:
            if self.filterset.pair.previous is None:
                return Q(pk__in=[])  # one revision: nothing has an outcome yet
            conditions.append(Q(outcome__in=outcomes))
        for name, values in _places(self.filterset).items():
            if values and name != leaving_out:
                conditions.append(Q(**{f"{name}__in": values}))
        return Q(*conditions)

    @functools.cached_property
    def _sums(self) -> dict[str, Counter] | None:
        """Every count the tally gives these filters, in one query: the organisations with each system, and for the
        system in view the total and each kind, sector, status and outcome."""
        if self._tally is None:
            return None
        system = self._system_in_view
        parts: dict[str, tuple[Any, Q]] = {"system": (F("system_id"), self._kept(None))}
        if system is not None:
            parts["total"] = (None, self._kept(system))
            if self._narrowed():
                parts["kind"] = (F("kind"), self._kept(system, leaving_out="kind"))
                parts["sector"] = (F("sector"), self._kept(system, leaving_out="sector"))
            parts["status"] = (F("target_status"), self._kept(system, leaving_out="status"))
            if self.filterset.pair.previous is not None:
                parts["outcome"] = (F("outcome"), self._kept(system, leaving_out="outcome"))
        sums = tally_sums(self._tally, parts)
        if self._unmatched is not None:
            for name, unmatched in self._unmatched_sums(parts).items():
                sums[name].subtract(unmatched)
                sums[name] = +sums[name]  # those left with none are gone, as the tally leaves them out
        slug_of = {str(system.pk): slug for slug, system in self.filterset.systems.items()}
        sums["system"] = Counter({slug_of[pk]: number for pk, number in sums["system"].items() if pk in slug_of})
        return sums

    def total(self) -> int | None:
        """The organisations the filters leave, from the tally; None where it cannot say (count the rows)."""
        if self.filterset.is_bound and not self.filterset.is_valid():
            return None
        if self._sums is None or not self._narrowed() or self._system_in_view is None:
            return None
        return self._sums["total"][""]

    @_within_time_limit
    def facets(self) -> FacetCounts | None:
        filterset = self.filterset
        if filterset.is_bound and not filterset.is_valid():
            return None
        if self._sums is None:
            return organisation_facets_from_rows(filterset)
        sums = self._sums
        system = self._system_in_view
        if self._narrowed() and system is not None:
            counts: FacetCounts = {"kind": sums["kind"], "sector": sums["sector"]}
        else:
            counts = _kinds_and_sectors(filterset)
        counts["system"] = sums["system"]
        if system is None:
            self.needs_one_system = True
            return counts
        counts["status"] = sums["status"]
        if filterset.pair.previous is not None:
            counts["outcome"] = sums["outcome"]
        return counts


# The most organisations a search may leave out for its counts to be the tally's less theirs: more, and counting
# those it matches from their rows is about as cheap.
MOST_UNMATCHED = 1000


def _left_out(matching: Q) -> list[int] | None:
    """The ids of the organisations the condition does not match, where there are at most MOST_UNMATCHED; else
    None. Found by one pass over the register that stops once there are too many."""
    unmatched = Organisation.objects.exclude(matching).order_by().values_list("pk", flat=True)
    found = list(unmatched[: MOST_UNMATCHED + 1])
    return found if len(found) <= MOST_UNMATCHED else None


# The organisations list's filters read within one contract, which the status-pair tally can count.
ORGANISATION_PER_CONTRACT = ["system", "status", "outcome"]


def _places(filterset: FilterSet) -> dict[str, list[str]]:
    return _chosen(filterset, ORGANISATION_FACETS) if filterset.is_bound else {}


def _kinds_and_sectors(filterset: FilterSet) -> FacetCounts:
    """Organisations by kind and by sector, the other filters as they are: one grouped query over organisations."""
    rows = rows_without(filterset, *ORGANISATION_FACETS) if filterset.is_bound else filterset.queryset
    return tuple_counts(_grouped(rows, ORGANISATION_FACETS), list(ORGANISATION_FACETS), _places(filterset))


def organisation_facets_from_rows(filterset: FilterSet) -> FacetCounts | None:
    """Organisations, not rows: kinds and sectors from the organisations the other filters leave; statuses,
    outcomes and systems counted as distinct organisations in the chosen contract's latest two revisions. Each
    query within FACET_TIME_LIMIT_MS (CountsTookTooLong past it)."""
    counts = _kinds_and_sectors(filterset)
    pair = filterset.pair
    if pair.latest is None:
        return counts
    cleaned = filterset.form.cleaned_data if filterset.is_bound else {}
    systems = [filterset.systems[slug] for slug in cleaned.get("system") or []] or list(filterset.systems.values())
    without_status = _leaving_out(filterset, "status")
    statuses = (
        Entitlement.objects.filter(revision=pair.latest, system__in=systems, organisation__in=without_status)
        .order_by()
        .values_list("status")
        .annotate(n=Count("organisation", distinct=True))
    )
    counts["status"] = Counter(dict(_within_the_limit(statuses)))
    if pair.previous is not None:
        comparison = revision_compare(base=pair.previous, target=pair.latest, systems=systems)
        counts["outcome"] = _organisations_by(comparison.rows, "outcome", _leaving_out(filterset, "outcome"))
    base = pair.previous or pair.latest
    every_system = revision_compare(base=base, target=pair.latest, systems=list(filterset.systems.values()))
    counts["system"] = _organisations_by(every_system.rows, "system_slug", _leaving_out(filterset, "system"))
    return counts


def _within_the_limit(rows: QuerySet) -> list[tuple]:
    """The rows of a values_list query, given FACET_TIME_LIMIT_MS on PostgreSQL as `_grouped` is."""
    if connections[rows.db].vendor != "postgresql":
        return list(rows)
    sql, params = rows.query.sql_with_params()
    return _fetched_within_the_limit(rows.db, sql, params)


def _leaving_out(filterset: FilterSet, name: str) -> QuerySet:
    """The organisations every filter but `name` leaves (all of them when nothing is filtered)."""
    return rows_without(filterset, name) if filterset.is_bound else filterset.queryset


def _organisations_by(rows: QuerySet, field: str, organisations: QuerySet) -> Counter:
    """How many distinct organisations of `organisations` the comparison rows give each value of `field`."""
    counted = (
        rows.filter(organisation_id__in=organisations.values("pk"))
        .order_by()
        .values_list(field)
        .annotate(n=Count("organisation_id", distinct=True))
    )
    return Counter(dict(_within_the_limit(counted)))


def labelled(filterset: FilterSet, counts: FacetCounts | None) -> FacetCounts | None:
    """The counts, written into the labels of the filter set's drop-down options too."""
    if counts is not None:
        counts_in_labels(filterset.form, counts)
    return counts
