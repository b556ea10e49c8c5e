"""Compare two revisions of a contract: who kept, lost or gained what, computed in the database."""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    F,
    FilteredRelation,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from contracts.models import (
    Deliverable,
    DeliverableStatus,
    Deployment,
    DeploymentStatus,
    Entitlement,
    EntitlementStatus,
    Revision,
    System,
)
from contracts.outcomes import Outcome
from contracts.selectors.tally import outcome_rows, status_pair_cells, status_pair_counts, status_pair_outcome
from organisations.models import Organisation, identifier_of

# Statuses under which an organisation does not get the system.
NOT_GETTING = [EntitlementStatus.NOT_ENTITLED, EntitlementStatus.WITHDRAWN, EntitlementStatus.DECLINED]

# Programme lines still delivered (perhaps with less) under these statuses.
DELIVERED_LINE = [DeliverableStatus.INCLUDED, DeliverableStatus.REDUCED, DeliverableStatus.ADDED]


T = TypeVar("T")


class RevisionMismatch(ValueError):
    pass


def _side(revision: Revision, field: str) -> Max:
    """The value of `field` on one revision's row of a (organisation, system) group."""
    return Max(Case(When(revision=revision, then=F(field)), output_field=CharField()))


def entitlement_outcome() -> Case:
    """Outcome from the annotated `base_status` and `target_status` of one group."""
    return Case(
        When(
            Q(base_status=EntitlementStatus.UNKNOWN) | Q(target_status=EntitlementStatus.UNKNOWN),
            then=Value(Outcome.UNKNOWN),
        ),
        When(
            base_status=EntitlementStatus.ENTITLED, target_status=EntitlementStatus.ENTITLED, then=Value(Outcome.KEPT)
        ),
        When(base_status=EntitlementStatus.ENTITLED, then=Value(Outcome.LOST)),
        When(target_status=EntitlementStatus.ENTITLED, then=Value(Outcome.GAINED)),
        default=Value(Outcome.NEVER),
        output_field=CharField(),
    )


def status_is(side: str, status: str) -> Q:
    """The rows whose `side` (base_status or target_status) is `status`, a revision with no row being unknown: as a
    condition on the side's status column itself (aliased `base_recorded` or `target_recorded`), whose share of the
    rows the planner can estimate, as outcome_is does."""
    recorded = RECORDED[side]
    if status == EntitlementStatus.UNKNOWN:
        return Q(**{f"{recorded}__isnull": True}) | Q(**{recorded: status})
    return Q(**{recorded: status})


def with_statuses_recorded(rows: QuerySet) -> QuerySet:
    """The rows with each side's status column aliased (`base_recorded`, `target_recorded`), NULL where the side
    has no row: what outcome_is and status_is ask of."""
    return rows.alias(base_recorded=F("base_row__status"), target_recorded=F("target_row__status"))


# Each side's status column, as with_statuses_recorded aliases it.
RECORDED = {"base_status": "base_recorded", "target_status": "target_recorded"}


def outcome_is(outcomes: Iterable[str]) -> Q:
    """The rows whose outcome (entitlement_outcome()) is one of `outcomes`, as conditions on each side's status
    itself, a side with no row being unknown: the same rows, in terms whose share of the rows the planner can
    estimate from each column's statistics (of a CASE it cannot), so that it sees how many match and reads a page
    of them in an index's order rather than working out every row."""

    def unknown(side: str) -> Q:
        return Q(**{f"{side}__isnull": True}) | Q(**{side: EntitlementStatus.UNKNOWN})

    def entitled(side: str) -> Q:
        return Q(**{side: EntitlementStatus.ENTITLED})

    def other(side: str) -> Q:
        """Known, and not entitled."""
        return Q(**{f"{side}__isnull": False}) & ~Q(
            **{f"{side}__in": [EntitlementStatus.ENTITLED, EntitlementStatus.UNKNOWN]}
        )

    # Aliases of each side's status column (rows.alias(...)), not the relation's path, which a negated condition
    # would read as a join of its own.
    base, target = "base_recorded", "target_recorded"
    conditions: dict[str, Q] = {
        Outcome.UNKNOWN: unknown(base) | unknown(target),
        Outcome.KEPT: entitled(base) & entitled(target),
        Outcome.LOST: entitled(base) & other(target),
        Outcome.GAINED: other(base) & entitled(target),
        Outcome.NEVER: other(base) & other(target),
    }
    nothing = Q(pk__in=[])
    chosen = nothing
    for outcome in outcomes:
        chosen |= conditions.get(outcome, nothing)
    return chosen


def live_deployment() -> Exists:
    """Whether the group's organisation has the group's system live."""
    return Exists(
        Deployment.objects.filter(
            organisation_id=OuterRef("organisation_id"),
            system_id=OuterRef("system_id"),
            status=DeploymentStatus.LIVE,
        )
    )


# The rows' two statuses, each of its own revision.
SIDES = ("base_status", "target_status")


@dataclass(frozen=True)
class RevisionComparison:
    base: Revision
    target: Revision
    # One dict per (organisation, system): identifier, organisation_code, organisation_name, kind, sector, system_slug,
    # system_name, base_status, target_status, outcome, live, delivery_model. Lazy: one query.
    rows: QuerySet
    # The organisations with at least one of those rows.
    organisations: QuerySet
    # The same rows as entitlements giving their `organisation_id`, without the names, kinds and systems the rows
    # join for their columns: what asks of one organisation whether it has any, cheaply.
    having: QuerySet
    # The filters the rows were chosen by (None: not filtered by it).
    systems: tuple[System, ...] | None = None
    kinds: tuple[str, ...] | None = None
    sectors: tuple[str, ...] | None = None
    outcomes: tuple[str, ...] | None = None
    live: bool | None = None
    organisation_ids: tuple[int, ...] | None = None

    def outcome_counts(self) -> dict[str, Counter]:
        """Per system slug, how many organisations had each outcome: one query, over the status-pair tally unless
        the rows are of chosen organisations (which the tally does not tell apart), then over the rows."""
        if self.organisation_ids is None:
            counts: dict[str, Counter] = {}
            for system_slug, outcome, number in outcome_rows(
                status_pair_counts(self.tally_cells(), "system__slug"), self.outcomes
            ):
                counts.setdefault(system_slug, Counter())[outcome] += number
            return counts
        sql, params = self.rows.values("system_slug", "outcome").order_by().query.sql_with_params()
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('system_slug')}, {quote('outcome')}, COUNT(*) FROM ({sql}) matrix GROUP BY 1, 2",
                params,
            )
            counts = {}
            for system_slug, outcome, number in cursor.fetchall():
                counts.setdefault(system_slug, Counter())[outcome] = number
        return counts

    def row_counts(self, column: str) -> Counter:
        """How many rows the comparison holds for each value of `column` (kind, sector or live, a column of the
        tally's and of the rows'; or base_status or target_status, as the rows give them, unknown where a revision
        has no row): one query, over the tally unless the rows are of chosen organisations, then over the rows."""
        if self.organisation_ids is None:
            counts: Counter = Counter()
            if column in SIDES:
                for base, target, number in status_pair_counts(self.tally_cells()):
                    if self.outcomes is None or status_pair_outcome(base, target) in self.outcomes:
                        counts[(base if column == "base_status" else target) or EntitlementStatus.UNKNOWN] += number
                return counts
            for value, _outcome, number in outcome_rows(status_pair_counts(self.tally_cells(), column), self.outcomes):
                counts[value] += number
            return counts
        sql, params = self.rows.values(column).order_by().query.sql_with_params()
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {quote(column)}, COUNT(*) FROM ({sql}) matrix GROUP BY 1", params)
            return Counter(dict(cursor.fetchall()))

    def delivery_model_counts(self, rows: int) -> Counter:
        """How many of the comparison's `rows` rows have each delivery model (their target entitlement's; '' for
        none). Those with one are counted from themselves, found by the target revision's rows that have one (few,
        often none); the rest by difference."""
        with_one = self.rows.filter(target_row__delivery_model__gt="")
        sql, params = with_one.values("delivery_model").order_by().query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT delivery_model, COUNT(*) FROM ({sql}) matrix GROUP BY 1", params)
            counts = Counter(dict(cursor.fetchall()))
        counts[""] = rows - sum(counts.values())
        return counts

    def as_tally_cells(self) -> QuerySet:
        """The rows, each shaped as a cell of the status-pair tally counting one: system_id, kind, sector, live,
        base_status and target_status ('' for a revision with no row) and count. What the tally's sums read, for
        organisations the tally does not tell apart (of rows chosen by organisation)."""
        return self.having.annotate(
            kind=F("organisation__kind"),
            sector=F("organisation__sector"),
            live=live_deployment(),
            base_status=Coalesce(F("base_row__status"), Value("")),
            target_status=Coalesce(F("target_row__status"), Value("")),
            count=Value(1),
        ).order_by()

    def tally_cells(self) -> QuerySet:
        """The tally's cells for the two revisions and the filters it holds (all but outcomes and organisations)."""
        return status_pair_cells(
            base=self.base,
            target=self.target,
            systems=self.systems,
            kinds=self.kinds,
            sectors=self.sectors,
            live=self.live,
        )


def revision_compare(
    *,
    base: Revision,
    target: Revision,
    systems: Iterable[System] | None = None,
    kinds: Iterable[str] | None = None,
    sectors: Iterable[str] | None = None,
    outcomes: Iterable[str] | None = None,
    live: bool | None = None,
    organisations: Iterable[int] | None = None,
) -> RevisionComparison:
    """Every (organisation, system) with an entitlement in either revision, and its outcome.

    A side with no entitlement row counts as unknown: the records do not say.
    Filters take systems, and stable codes (organisation kinds), organisations' ids; None means all.

    Each (organisation, system) is one row, not a group: its target entitlement, or its base entitlement where
    the target has none, joined to both sides' rows. So counting, filtering and taking a sorted page need no
    GROUP BY over the revisions' rows, and a page of organisations can be read without the rest.
    """
    if base.contract_id != target.contract_id:
        raise RevisionMismatch("Both revisions must belong to the same contract.")
    systems = _kept(systems)
    kinds = _kept(kinds)
    sectors = _kept(sectors)
    outcomes = _kept(outcomes)
    organisations = _kept(organisations)
    entitlements = Entitlement.objects.filter(revision__in=[base, target])
    if systems is not None:
        # By id, not slug: the planner then knows which part of each side's index to read.
        entitlements = entitlements.filter(system_id__in=[system.pk for system in systems])
    if kinds is not None:
        entitlements = entitlements.filter(organisation__kind__in=list(kinds))
    if sectors is not None:
        entitlements = entitlements.filter(organisation__sector__in=list(sectors))
    if organisations is not None:
        entitlements = entitlements.filter(organisation_id__in=list(organisations))
    pairs = entitlements.annotate(base_row=_same_pair_in(base), target_row=_same_pair_in(target)).filter(
        Q(revision=target) | Q(revision=base, target_row__status__isnull=True)
    )
    rows: QuerySet = (
        pairs.values(
            "organisation_id",
            "system_id",
            identifier=identifier_of("organisation__"),
            organisation_code=F("organisation__code"),
            organisation_name=F("organisation__name"),
            kind=F("organisation__kind"),
            kind_name=F("organisation__kind__name"),
            sector=F("organisation__sector"),
            system_slug=F("system__slug"),
            system_name=F("system__name"),
        )
        .annotate(
            base_status=Coalesce(F("base_row__status"), Value(EntitlementStatus.UNKNOWN)),
            target_status=Coalesce(F("target_row__status"), Value(EntitlementStatus.UNKNOWN)),
            delivery_model=Coalesce(_in_target(target, "delivery_model"), Value("")),
        )
        .annotate(outcome=entitlement_outcome(), live=live_deployment())
        .order_by("organisation_name", "organisation_code", "system_name")
    )
    having = pairs
    if outcomes is not None:
        rows = with_statuses_recorded(rows).filter(outcome_is(outcomes))
        having = with_statuses_recorded(having).filter(outcome_is(outcomes))
    if live is not None:
        # Asked of each row, as a value rather than a condition the database may turn into a join: misjudging how
        # many rows the live deployments keep, it would start from every one of them (22,000 at a million rows)
        # to find a page's few. The counts come from the tally.
        asked = Case(When(live_deployment(), then=Value(True)), default=Value(False), output_field=BooleanField())
        rows = rows.alias(live_asked=asked).filter(live_asked=live)
        having = having.alias(live=live_deployment()).filter(live=live)
    if outcomes is None and live is None:
        # Which organisations have a row: any entitlement on either side says so, which an index answers without
        # joining the two sides.
        named = Organisation.objects.filter(pk__in=entitlements.order_by().values("organisation_id"))
    else:
        # Only the rows tell whether an organisation has any, so each is asked of its own rows, as the list is
        # read in its order: a page of them costs what finding a page's worth does, not working out every row to
        # sort them. Asked as a value, not EXISTS, which the planner would turn into a join over every row.
        named = Organisation.objects.all()
        if kinds is not None:
            named = named.filter(Q(kind__in=kinds))  # a slug: the stubs take every key for an int
        if sectors is not None:
            named = named.filter(sector__in=sectors)
        if organisations is not None:
            named = named.filter(pk__in=organisations)
        named = organisations_having(named, having)
    return RevisionComparison(
        base=base,
        target=target,
        rows=rows,
        organisations=named,
        having=having,
        systems=_kept(systems),
        kinds=_kept(kinds),
        sectors=_kept(sectors),
        outcomes=_kept(outcomes),
        live=live,
        organisation_ids=_kept(organisations),
    )


def _kept(chosen: Iterable[T] | None) -> tuple[T, ...] | None:
    """A filter's values, read once (a generator would be spent by its first use)."""
    return None if chosen is None else tuple(chosen)


def _in_target(target: Revision, field: str) -> Subquery:
    """A field of the row's target entitlement, as a subquery: read only for the rows a page shows."""
    return Subquery(
        Entitlement.objects.filter(
            revision=target, organisation=OuterRef("organisation_id"), system=OuterRef("system_id")
        )
        .order_by()
        .values(field)
    )


def _same_pair_in(revision: Revision) -> FilteredRelation:
    """The entitlement of the row's organisation to the row's system in `revision` (a LEFT JOIN)."""
    return FilteredRelation(
        "organisation__entitlements",
        condition=Q(organisation__entitlements__revision=revision, organisation__entitlements__system=F("system")),
    )


def deliverable_outcome() -> Case:
    """Outcome of a programme line from its annotated `base_status` and `target_status`.

    A line first recorded as added in the target was gained; otherwise a side with no line is unknown.
    """
    return Case(
        When(base_status__isnull=True, target_status=DeliverableStatus.ADDED, then=Value(Outcome.GAINED)),
        When(Q(base_status__isnull=True) | Q(target_status__isnull=True), then=Value(Outcome.UNKNOWN)),
        When(base_status__in=DELIVERED_LINE, target_status__in=DELIVERED_LINE, then=Value(Outcome.KEPT)),
        When(base_status__in=DELIVERED_LINE, then=Value(Outcome.LOST)),
        When(target_status__in=DELIVERED_LINE, then=Value(Outcome.GAINED)),
        default=Value(Outcome.NEVER),
        output_field=CharField(),
    )


def deliverable_compare(*, base: Revision, target: Revision, systems: Iterable[str] | None = None) -> QuerySet:
    """Programme lines of two revisions side by side, matched on their code, in one query.

    Each dict: code, title, system_slug, system_name, base_status, target_status, base_quantity,
    target_quantity, unit, outcome, and `reduced` (kept, but with less).
    """
    if base.contract_id != target.contract_id:
        raise RevisionMismatch("Both revisions must belong to the same contract.")
    lines = Deliverable.objects.filter(revision__in=[base, target])
    if systems is not None:
        lines = lines.filter(system__slug__in=list(systems))
    return (
        lines.values("code", system_slug=F("system__slug"), system_name=F("system__name"))
        .annotate(
            title=Max("title"),
            unit=Max("unit"),
            base_status=_side(base, "status"),
            target_status=_side(target, "status"),
            base_quantity=Max(Case(When(revision=base, then=F("quantity")))),
            target_quantity=Max(Case(When(revision=target, then=F("quantity")))),
        )
        .annotate(outcome=deliverable_outcome())
        .annotate(
            reduced=Case(
                When(
                    Q(outcome=Outcome.KEPT)
                    & (Q(target_status=DeliverableStatus.REDUCED) | Q(target_quantity__lt=F("base_quantity"))),
                    then=Value(True),
                ),
                default=Value(False),
            )
        )
        .order_by("system_name", "code")
    )


def organisation_ids_with_outcome(
    *, base: Revision, target: Revision, outcomes: Iterable[str] | None, systems: Iterable[System] | None
) -> QuerySet:
    """The ids (as `organisation_id`) of organisations with one of the outcomes (or any row at all) between the
    revisions, for one of the systems (or any)."""
    chosen = list(outcomes) if outcomes else None
    comparison = revision_compare(base=base, target=target, systems=list(systems) if systems else None, outcomes=chosen)
    return comparison.having.order_by().values("organisation_id")


def organisations_having(organisations: QuerySet[Organisation], rows: QuerySet, *, name: str = "") -> QuerySet:
    """The organisations with one of `rows` (which give theirs as `organisation_id`), each asked of its own rows as
    the list is read in its order: a page costs what finding a page's worth does, not reading every row to join
    them. Asked as a value, not EXISTS or IN, which the planner turns into a join over every row. `name` tells apart
    two such conditions on one list."""
    one_of_its_rows = rows.filter(organisation_id=OuterRef("pk")).order_by().values("organisation_id")[:1]
    alias = f"one_of_its_rows{name}"
    return organisations.alias(**{alias: Subquery(one_of_its_rows)}).filter(**{f"{alias}__isnull": False})


def union_rows(comparisons: Sequence[RevisionComparison]) -> list[dict]:
    """The rows of several comparisons (each of its own contract) in one query, each with its `contract_id`."""
    parts = [
        comparison.rows.order_by().annotate(contract_id=Value(comparison.base.contract_id))
        for comparison in comparisons
    ]
    if not parts:
        return []
    return list(parts[0].union(*parts[1:], all=True)) if len(parts) > 1 else list(parts[0])


def union_outcome_counts(comparisons: Sequence[RevisionComparison]) -> dict[int, dict[str, Counter]]:
    """Per contract id, per system slug, how many organisations had each outcome: one query for them all (the
    tally's cells where no comparison is of chosen organisations, else the rows)."""
    counts: dict[int, dict[str, Counter]] = {comparison.base.contract_id: {} for comparison in comparisons}
    if not comparisons:
        return counts
    if any(comparison.organisation_ids is not None for comparison in comparisons):
        return _union_row_counts(comparisons, counts)
    parts = [
        status_pair_counts(comparison.tally_cells().annotate(index=Value(index)), "index", "system__slug")
        for index, comparison in enumerate(comparisons)
    ]
    cells = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    found: list[list] = [[] for _ in comparisons]
    for index, system_slug, base_status, target_status, number in cells:
        found[index].append((system_slug, base_status, target_status, number))
    for comparison, rows in zip(comparisons, found, strict=True):
        by_system = counts[comparison.base.contract_id]
        for system_slug, outcome, number in outcome_rows(rows, comparison.outcomes):
            by_system.setdefault(system_slug, Counter())[outcome] += number
    return counts


def _union_row_counts(
    comparisons: Sequence[RevisionComparison], counts: dict[int, dict[str, Counter]]
) -> dict[int, dict[str, Counter]]:
    parts = [
        comparison.rows.order_by()
        .values("system_slug", "outcome")
        .annotate(contract_id=Value(comparison.base.contract_id))
        for comparison in comparisons
    ]
    matrix = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    sql, params = matrix.query.sql_with_params()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('contract_id')}, {quote('system_slug')}, {quote('outcome')}, COUNT(*) "
            f"FROM ({sql}) matrix GROUP BY 1, 2, 3",
            params,
        )
        for contract_id, system_slug, outcome, number in cursor.fetchall():
            counts.setdefault(contract_id, {}).setdefault(system_slug, Counter())[outcome] = number
    return counts
