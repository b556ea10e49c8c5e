"""The recorded facts of every kind, each with its evidence, narrowed to a contract, an organisation or a system.

A fact's evidence is the strongest grade of the citations of its values as they now are, or "uncited"; it has an
earlier value's citation when a citation kept from a value since changed is among its citations. The data-quality
page counts these, and the facts list shows the same rows.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import BooleanField, Case, CharField, Count, Exists, F, OuterRef, Q, QuerySet, Sum, Value, When

from contracts.evidence import CITATION_FIELD, FACTS, UNCITED
from contracts.models import (
    CITABLE,
    Citation,
    Contract,
    Deliverable,
    Deployment,
    Entitlement,
    ReportedFigure,
    Revision,
    StatusPairCount,
    System,
)
from contracts.selectors.citations import evidence_among, strongest_grade, visible_citations
from contracts.selectors.revisions import in_visible_revisions
from organisations.models import LocalSystem, Organisation, Succession, identified_by

# The kinds of fact, by the name the facts list's `kind` filter gives them, in the order pages list them.
FACT_KINDS: dict[str, type[models.Model]] = {str(model._meta.model_name): model for model in FACTS}


@dataclass(frozen=True)
class Scope:
    """What a page narrows the facts to; empty values narrow nothing."""

    contract: str = ""  # a contract's slug
    organisation: str = ""  # an ODS code
    system: str = ""  # a system's slug

    def __bool__(self) -> bool:
        return bool(self.contract or self.organisation or self.system)


def _named_in_contract(slug: str) -> Q:
    """Organisations that a contract's revisions give an entitlement."""
    return Q(pk__in=Entitlement.objects.filter(revision__contract__slug=slug).values("organisation_id"))


def _about_organisations(path: str, organisations: Q) -> Q:
    return Q(**{f"{path}__in": Organisation.objects.filter(organisations)})


# For each kind of record and each way of narrowing, the condition on that kind's rows; a kind with no condition
# for a narrowing in use has no facts within it (a supplier's record is in no organisation's scope).
NARROWING: dict[type[models.Model], dict[str, Callable[[str], Q]]] = {
    Contract: {"contract": lambda slug: Q(slug=slug)},
    Revision: {"contract": lambda slug: Q(contract__slug=slug)},
    System: {"system": lambda slug: Q(slug=slug)},
    Entitlement: {
        "contract": lambda slug: Q(revision__contract__slug=slug),
        "organisation": lambda identifier: identified_by(identifier, "organisation__"),
        "system": lambda slug: Q(system__slug=slug),
    },
    Deliverable: {
        "contract": lambda slug: Q(revision__contract__slug=slug),
        "system": lambda slug: Q(system__slug=slug),
    },
    Deployment: {
        "contract": lambda slug: Q(contract__slug=slug),
        "organisation": lambda identifier: identified_by(identifier, "organisation__"),
        "system": lambda slug: Q(system__slug=slug),
    },
    ReportedFigure: {"contract": lambda slug: Q(contract__slug=slug), "system": lambda slug: Q(system__slug=slug)},
    Organisation: {"contract": _named_in_contract, "organisation": identified_by},
    Succession: {
        "contract": lambda slug: _about_organisations("predecessor", _named_in_contract(slug))
        | _about_organisations("successor", _named_in_contract(slug)),
        "organisation": lambda identifier: identified_by(identifier, "predecessor__")
        | identified_by(identifier, "successor__"),
    },
    LocalSystem: {
        "contract": lambda slug: _about_organisations("organisation", _named_in_contract(slug)),
        "organisation": lambda identifier: identified_by(identifier, "organisation__"),
    },
}  # fmt: skip

# What the public may see of each kind: nothing of a draft revision.
VISIBLE: dict[type[models.Model], Callable[[bool], Q]] = {
    Revision: lambda drafts: Q() if drafts else Q(is_published=True),
    Entitlement: lambda drafts: in_visible_revisions("revision", drafts=drafts),
    Deliverable: lambda drafts: in_visible_revisions("revision", drafts=drafts),
    ReportedFigure: lambda drafts: (
        Q() if drafts else ~Q(revision__is_published=False) & ~Q(base_revision__is_published=False)
    ),
}

RELATED: dict[type[models.Model], list[str]] = {
    Revision: ["contract"],
    Entitlement: ["revision__contract", "organisation", "system"],
    Deliverable: ["revision__contract", "system"],
    Deployment: ["organisation", "system"],
    ReportedFigure: ["contract"],
    Succession: ["predecessor", "successor"],
    LocalSystem: ["organisation"],
}


def narrowed(model: type[models.Model], scope: Scope) -> Q | None:
    """The condition for the kind's records within the scope; None when the kind has none there."""
    condition = Q()
    for name in ("contract", "organisation", "system"):
        value = getattr(scope, name)
        if value:
            narrowing = NARROWING.get(model, {}).get(name)
            if narrowing is None:
                return None
            condition &= narrowing(value)
    return condition


def fact_base(model: type[models.Model], *, scope: Scope = Scope(), drafts: bool = False) -> QuerySet | None:
    """The kind's records the public may see within the scope, without their evidence; None when the kind has no
    facts there."""
    condition = narrowed(model, scope)
    if condition is None:
        return None
    visible = VISIBLE.get(model, lambda drafts: Q())(drafts)
    return model._default_manager.filter(visible, condition)


def _with_evidence(model: type[models.Model], rows: QuerySet) -> QuerySet:
    field = CITATION_FIELD[model]
    earlier = Citation.objects.filter(**{field: OuterRef("pk")}, current=False)
    return rows.annotate(evidence=strongest_grade(field), has_earlier=Exists(earlier))


def fact_rows(model: type[models.Model], *, scope: Scope = Scope(), drafts: bool = False) -> QuerySet:
    """The kind's facts the public may see within the scope, each with its `evidence` and `has_earlier`."""
    rows = fact_base(model, scope=scope, drafts=drafts)
    if rows is None:
        return model._default_manager.none()
    return _with_evidence(model, rows).select_related(*RELATED.get(model, [])).order_by("pk")


def citations_within(scope: Scope, *, drafts: bool = False) -> Q:
    """Citations of the public's records within the scope (their records as fact_rows narrows them)."""
    condition = visible_citations(drafts=drafts)
    if not scope:
        return condition
    within = Q(pk__in=[])
    for name, model in CITABLE:
        narrowing = narrowed(model, scope)
        if narrowing is not None:
            within |= Q(**{f"{name}__in": model._default_manager.filter(narrowing).values("pk")})
    return condition & within


# The paths to group each kind's facts by a system's slug or an organisation's id: the same facts NARROWING
# finds for one system or one organisation (a merger is a fact about both organisations).
GROUPING: dict[str, dict[type[models.Model], list[str]]] = {
    "system": {
        Entitlement: ["system__slug"],
        Deliverable: ["system__slug"],
        Deployment: ["system__slug"],
        ReportedFigure: ["system__slug"],
    },
    "organisation": {
        Entitlement: ["organisation_id"],
        Deployment: ["organisation_id"],
        Organisation: ["pk"],
        Succession: ["predecessor_id", "successor_id"],
        LocalSystem: ["organisation_id"],
    },
}


@dataclass
class FactCounts:
    """How many facts have each evidence, and how many have an earlier value's citation."""

    evidence: dict[str, int]
    earlier: int = 0

    @property
    def total(self) -> int:
        return sum(self.evidence.values())

    def add(self, evidence: str, number: int, *, earlier: bool = False) -> None:
        self.evidence[evidence] = self.evidence.get(evidence, 0) + number
        self.earlier += number if earlier else 0


# Counting: a fact no citation names (current or not) is uncited and has no earlier value's citation, so each kind's
# facts are counted as uncited, then only those a citation names are read with their evidence and moved to it. The
# work grows with the citations, not with the facts; the entitlements, by far the most, are counted by the
# status-pair tally.


def _cited(model: type[models.Model]) -> Q:
    """The kind's records some citation names, current or not."""
    field = CITATION_FIELD[model]
    return Q(pk__in=Citation.objects.filter(**{f"{field}__isnull": False}).values(field))


def _graded(model: type[models.Model], rows: QuerySet) -> QuerySet:
    """The rows each with its `evidence` and `has_earlier`, looked up only for those a citation names."""
    field = CITATION_FIELD[model]
    earlier = Citation.objects.filter(**{field: OuterRef("pk")}, current=False)
    cited = _cited(model)
    return rows.annotate(
        evidence=Case(When(cited, then=strongest_grade(field)), default=Value(UNCITED), output_field=CharField()),
        has_earlier=Case(When(cited, then=Exists(earlier)), default=Value(False), output_field=BooleanField()),
    ).order_by()


# {(system slug, status): how many entitlements}
EntitlementTally = dict[tuple[str, str], int]


def _tally_cells(scope: Scope, drafts: bool) -> QuerySet[StatusPairCount]:
    """The status-pair tally's cells of one revision's own statuses (first = second) counting the scope's
    entitlements."""
    if scope.organisation:
        raise ValueError("The status-pair tally does not count one organisation's entitlements.")
    revisions = Revision.objects.visible(drafts=drafts)
    if scope.contract:
        revisions = revisions.filter(contract__slug=scope.contract)
    cells = StatusPairCount.objects.filter(
        first_revision_id__in=revisions.values("pk"), second_revision_id=F("first_revision_id")
    ).exclude(first_status="")
    return cells.filter(system__slug=scope.system) if scope.system else cells


def entitlement_tally(*, scope: Scope = Scope(), drafts: bool = False) -> EntitlementTally:
    """How many of the scope's entitlements each system has in each status, from the status-pair tally. The tally
    has no organisations: not for a scope of one."""
    counted = (
        _tally_cells(scope, drafts).order_by().values_list("system__slug", "first_status").annotate(n=Sum("count"))
    )
    return {(slug, status): number for slug, status, number in counted}


def _counted_by(
    paths_of: dict[type[models.Model], list[str | None]],
    scope: Scope,
    drafts: bool,
    among: list[Any] | None,
    tally: EntitlementTally | None,
) -> dict[Any, FactCounts]:
    """{value of each kind's paths (None for a path of None): its facts' counts}, the rows narrowed to those whose
    path is `among` the values given, when given. One query for each kind and path; the entitlements' totals (all
    or by system) from `tally` (the scope's entitlement_tally, read here if not given), and their evidence read
    for the cited ones only."""
    grouped: dict[Any, FactCounts] = {}

    def counted(key: Any, key_path: str | None) -> FactCounts | None:
        return None if key is None and key_path else grouped.setdefault(key, FactCounts(evidence={}))

    for model, paths in paths_of.items():
        base = fact_base(model, scope=scope, drafts=drafts)
        if base is None:
            continue
        for key_path in paths:
            rows = base if among is None or key_path is None else base.filter(**{f"{key_path}__in": among})
            keyed = [key_path] if key_path else []
            if model is not Entitlement or key_path not in (None, "system__slug") or scope.organisation:
                for row in _graded(model, rows).values(*keyed, "evidence", "has_earlier").annotate(number=Count("pk")):
                    if counts := counted(row[key_path] if key_path else None, key_path):
                        counts.add(row["evidence"], row["number"], earlier=row["has_earlier"])
                continue
            if tally is None:
                tally = entitlement_tally(scope=scope, drafts=drafts)
            for (slug, _status), number in tally.items():
                if counts := counted(slug if key_path else None, key_path):
                    counts.add(UNCITED, number)
            cited = _with_evidence(model, rows.filter(_cited(model))).order_by()
            for row in cited.values(*keyed, "evidence", "has_earlier").annotate(number=Count("pk")):
                if counts := counted(row[key_path] if key_path else None, key_path):
                    counts.add(UNCITED, -row["number"])
                    counts.add(row["evidence"], row["number"], earlier=row["has_earlier"])
    return grouped


def fact_counts(*, scope: Scope = Scope(), drafts: bool = False, tally: EntitlementTally | None = None) -> FactCounts:
    """Every kind's facts within the scope, counted by evidence; `tally` is the scope's entitlement_tally, where
    the caller has read it already."""
    every_kind: dict[type[models.Model], list[str | None]] = {model: [None] for model in FACTS}
    return _counted_by(every_kind, scope, drafts, None, tally).get(None, FactCounts(evidence={}))


def fact_counts_by(
    by: str,
    *,
    scope: Scope = Scope(),
    drafts: bool = False,
    among: list[Any] | None = None,
    tally: EntitlementTally | None = None,
) -> dict[Any, FactCounts]:
    """{system slug or organisation id: its facts' counts} within the scope, for `by` "system" or
    "organisation"; only those `among` the given slugs or ids, when given. `tally`: as for fact_counts."""
    paths: dict[type[models.Model], list[str | None]] = {
        model: list(model_paths) for model, model_paths in GROUPING[by].items()
    }
    return _counted_by(paths, scope, drafts, among, tally)


class FactRows:
    """The facts of several kinds as one sequence, kind after kind: counted and sliced a kind at a time, never all
    loaded at once."""

    def __init__(self, querysets: list[QuerySet], known: list[int | None] | None = None):
        """`known`: for each queryset, how many rows it holds where that is known without counting them, else None."""
        self.querysets = querysets
        self.known = known or [None] * len(querysets)
        self._counts: list[int] | None = None

    def counts(self) -> list[int]:
        if self._counts is None:
            self._counts = [
                queryset.count() if known is None else known
                for queryset, known in zip(self.querysets, self.known, strict=True)
            ]
        return self._counts

    def __len__(self) -> int:
        return sum(self.counts())

    def __getitem__(self, index: slice) -> list[models.Model]:
        start, stop, _ = index.indices(len(self))
        rows: list[models.Model] = []
        for queryset, count in zip(self.querysets, self.counts(), strict=True):
            if stop <= 0:
                break
            if start < count:
                rows.extend(queryset[max(start, 0) : min(stop, count)])
            start, stop = start - count, stop - count
        return rows

    def __iter__(self) -> Iterator[models.Model]:
        for queryset in self.querysets:
            yield from queryset.iterator(chunk_size=2000)


def fact_list(
    *, kinds: list[str], evidence: list[str], earlier: bool | None, scope: Scope, drafts: bool = False
) -> FactRows:
    """The facts of the kinds (all kinds when none) with one of the evidences (any when none), with or without an
    earlier value's citation (either when None), within the scope."""
    querysets = []
    known: list[int | None] = []
    for name, model in FACT_KINDS.items():
        if kinds and name not in kinds or narrowed(model, scope) is None:
            continue
        rows = fact_rows(model, scope=scope, drafts=drafts)
        if evidence:
            rows = rows.filter(evidence_among(evidence, field=CITATION_FIELD[model]))
        if earlier is not None:
            rows = rows.filter(has_earlier=earlier)
        querysets.append(rows)
        known.append(_entitlements_listed(scope, drafts, evidence, earlier) if model is Entitlement else None)
    return FactRows(querysets, known)


def _entitlements_listed(scope: Scope, drafts: bool, evidence: list[str], earlier: bool | None) -> int | None:
    """How many entitlements fact_list() lists, without counting them where the tally can (not for an organisation):
    the tally's; of some evidence, as fact_counts() counts them (the tally's less the cited, the cited from
    themselves); with an earlier value's citation, only cited ones can have one, so those are counted, and the rest
    are those without."""
    if scope.organisation:
        return None
    if evidence:
        by_evidence = _counted_by({Entitlement: [None]}, scope, drafts, None, None).get(None)
        listed = sum(by_evidence.evidence.get(grade, 0) for grade in evidence) if by_evidence else 0
    else:
        listed = sum(entitlement_tally(scope=scope, drafts=drafts).values())
    if earlier is None:
        return listed
    cited = fact_rows(Entitlement, scope=scope, drafts=drafts).filter(_cited(Entitlement), has_earlier=True)
    with_earlier = (cited.filter(evidence__in=evidence) if evidence else cited).count()
    return with_earlier if earlier else listed - with_earlier


def evidence_totals(*, drafts: bool = False) -> dict[str, int]:
    """{evidence: how many facts have it}, over every kind, in one query, counted as fact_counts counts them."""
    uncited = Value(UNCITED, output_field=CharField())
    parts = []
    for model in FACTS:
        rows = fact_base(model, drafts=drafts)
        assert rows is not None  # every kind has facts in the whole site
        if model is not Entitlement:
            parts.append(_graded(model, rows).values("evidence").annotate(count=Count("pk")))
            continue
        cited = rows.filter(_cited(model)).order_by()
        parts += [
            _tally_cells(Scope(), drafts)
            .order_by()
            .annotate(evidence=uncited)
            .values("evidence")
            .annotate(count=Sum("count")),
            cited.annotate(evidence=uncited).values("evidence").annotate(count=Count("pk") * -1),
            _with_evidence(model, cited).values("evidence").annotate(count=Count("pk")),
        ]
    totals: dict[str, int] = {}
    for row in parts[0].union(*parts[1:], all=True):
        # A sum over no cells (nothing published) is NULL: none.
        totals[row["evidence"]] = totals.get(row["evidence"], 0) + (row["count"] or 0)
    return {evidence: number for evidence, number in totals.items() if number}
