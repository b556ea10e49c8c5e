"""Organisations as the contract pages read them: the organisation list, and an organisation's own records."""

from collections.abc import Sequence
from functools import reduce
from operator import or_

from django.db.models import Case, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from contracts.models import Citation, Contract, Entitlement, Revision, System
from contracts.selectors.citations import citation_rows
from contracts.selectors.revisions import in_visible_revisions
from nhsit.lib.aggregates import JoinedText
from organisations.models import ODS, Organisation, Succession, identified_by, identifier_of, identifier_parts


def organisation_rows() -> QuerySet[Organisation]:
    """Every organisation with its identifier and its successors' identifiers (several where it was split),
    joined by "; "."""
    successors = (
        Succession.objects.filter(predecessor=OuterRef("pk"))
        .order_by()
        .values("predecessor")
        .annotate(identifiers=JoinedText(identifier_of("successor__")))
        .values("identifiers")
    )
    return (
        Organisation.objects.select_related("kind")
        .annotate(identifier_text=identifier_of(), successors=Coalesce(Subquery(successors), Value("")))
        .order_by("name", "code")
    )


# The organisations list in its own order (the index organisation_list_order serves it); the id breaks a tie.
LIST_ORDER = ("name", "code", "pk")
# The field each of the list's sorts reads first; a status column sorts by the annotation named as the column.
SORT_FIELDS = {"name": "name", "identifier": "code", "kind": "kind_id", "sector": "sector"}


def organisation_list_order(sort: str) -> tuple[str, ...]:
    """The fields the organisations list sorted by `sort` ("-name" descending) is in, ending with the unique id: the
    sort's own field, then the list's order, all descending for a descending sort."""
    column = sort.removeprefix("-")
    fields = tuple(dict.fromkeys((SORT_FIELDS.get(column, column), *LIST_ORDER)))
    return tuple(f"-{field}" for field in fields) if sort.startswith("-") else fields


def organisations_identified(identifiers: Sequence[str]) -> dict[str, Organisation]:
    """{identifier: organisation} for those of the identifiers (RAN, GB-LAE-WSM) that name one, in one query."""
    if not identifiers:
        return {}
    condition = reduce(or_, (identified_by(identifier) for identifier in identifiers))
    found = {organisation.identifier: organisation for organisation in Organisation.objects.filter(condition)}
    canonical = {identifier: _canonical(identifier) for identifier in identifiers}
    return {identifier: found[canonical[identifier]] for identifier in identifiers if canonical[identifier] in found}


def _canonical(identifier: str) -> str:
    scheme, code = identifier_parts(identifier)
    return code if scheme == ODS else f"{scheme}-{code}"


def organisations_named_in(contract: Contract, *, drafts: bool = False) -> QuerySet:
    """The ids (as `organisation_id`) of the organisations an entitlement of the contract names."""
    return (
        Entitlement.objects.filter(in_visible_revisions("revision", drafts=drafts), revision__contract=contract)
        .order_by()
        .values("organisation_id")
    )


def organisation_contracts(organisations: Sequence[Organisation], *, drafts: bool = False) -> dict[int, list[Contract]]:
    """{organisation id: the contracts naming it, by title} for the organisations, in one query."""
    named = (
        Entitlement.objects.filter(in_visible_revisions("revision", drafts=drafts), organisation__in=organisations)
        .order_by()
        .values_list("organisation_id", "revision__contract_id")
        .distinct()
    )
    pairs = list(named)
    contracts = Contract.objects.in_bulk({contract_id for _organisation, contract_id in pairs})
    found: dict[int, list[Contract]] = {}
    for organisation_id, contract_id in pairs:
        found.setdefault(organisation_id, []).append(contracts[contract_id])
    for listed in found.values():
        listed.sort(key=lambda contract: contract.title)
    return found


def organisation_ids_with_status(
    *, revision: Revision, statuses: Sequence[str], systems: Sequence[System] | None
) -> QuerySet:
    """The ids (as `organisation_id`) of organisations with one of the statuses in the revision, for the systems."""
    entitlements = Entitlement.objects.filter(revision=revision, status__in=statuses)
    if systems:
        entitlements = entitlements.filter(system__in=systems)
    return entitlements.values("organisation_id")


# How far back a successor's page follows mergers (a body that merged into one that merged into this one...).
MOST_MERGER_STEPS = 6


def predecessors_of(organisation: Organisation) -> list[Succession]:
    """Every merger that brought a body into this one, directly or through others, nearest first: one query per
    step back."""
    found: list[Succession] = []
    seen = {organisation.pk}
    frontier = [organisation.pk]
    for _step in range(MOST_MERGER_STEPS):
        step = list(
            Succession.objects.filter(successor_id__in=frontier)
            .exclude(predecessor_id__in=seen)
            .select_related("predecessor", "successor")
            .order_by("effective_on", "predecessor__name")
        )
        if not step:
            break
        found.extend(step)
        frontier = [succession.predecessor_id for succession in step]
        seen.update(frontier)
    return found


def organisation_citations(
    *, organisation: Organisation, drafts: bool = False, also: Sequence[Organisation] = ()
) -> QuerySet[Citation]:
    """Every citation of the organisation or of a record about it, and of the entitlements and deployments of
    the bodies `also` names (its predecessors)."""
    bodies = [organisation, *also]
    return (
        citation_rows(drafts=drafts)
        .filter(
            Q(organisation=organisation)
            | Q(entitlement__organisation__in=bodies)
            | Q(deployment__organisation__in=bodies)
            | Q(local_system__organisation=organisation)
            | Q(succession__predecessor=organisation)
            | Q(succession__successor__in=bodies)
        )
        .order_by("id")
    )


# How statuses sort on the organisations list: what the contract gives first, what the sources do not say last.
STATUS_ORDER = ["entitled", "withdrawn", "declined", "not_entitled", "unknown"]


def status_sort_key(revision: Revision | None, system: System) -> Coalesce:
    """An organisation's status for `system` in `revision`, as a number that sorts (STATUS_ORDER; no row last)."""
    ranks = Case(*(When(status=status, then=Value(rank)) for rank, status in enumerate(STATUS_ORDER)))
    status = Entitlement.objects.filter(revision=revision, system=system, organisation=OuterRef("pk")).order_by()
    return Coalesce(Subquery(status.annotate(rank=ranks).values("rank")[:1]), Value(len(STATUS_ORDER)))
