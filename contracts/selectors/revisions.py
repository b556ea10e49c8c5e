"""Which contract and which of its revisions a page is about.

A draft (unpublished) revision is on no public page, export or feed: every read here, and every selector that
reads a revision's rows, takes `drafts`, false unless an editor is previewing drafts (contracts.views.preview).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from contracts.models import Contract, Revision
from nhsit.lib.dates import earliest_possible_day, latest_possible_day


def featured_contract() -> Contract | None:
    """The contract the home page features: the one an editor chose, else the first signed."""
    return Contract.objects.select_related("supplier").order_by("-is_featured", "signed_on", "pk").first()


@dataclass(frozen=True)
class RevisionPair:
    """The latest revision of a contract and the one before it (None when there is only one)."""

    previous: Revision | None
    latest: Revision | None


def latest_pair(contract: Contract, *, drafts: bool = False) -> RevisionPair:
    revisions = contract.revisions.visible(drafts=drafts).order_by("-sequence")
    latest, previous = (list(revisions[:2]) + [None, None])[:2]
    return RevisionPair(previous=previous, latest=latest)


def revisions_in_order(*, contract: Contract, drafts: bool = False) -> QuerySet[Revision]:
    """A contract's revisions, first to last."""
    return contract.revisions.visible(drafts=drafts).order_by("sequence")


def in_visible_revisions(prefix: str, *, drafts: bool) -> Q:
    """Rows (through `prefix`, the path to their revision) of the revisions the page may show."""
    return Q() if drafts else Q(**{f"{prefix}__is_published": True})


class UnknownRevision(ValueError):
    """A revision code that is not one of the contract's revisions the page may show."""


@dataclass(frozen=True)
class RevisionChoice:
    """Two revisions of a contract a page compares (by default its first and its latest), and all of them."""

    contract: Contract
    revisions: list[Revision]
    base: Revision | None
    target: Revision | None

    @property
    def is_default(self) -> bool:
        return bool(self.revisions) and self.base == self.revisions[0] and self.target == self.revisions[-1]

    @property
    def pair(self) -> RevisionPair:
        """The two as a RevisionPair, for the helpers that compare a pair (None as base when they are one)."""
        base = self.base if self.base != self.target else None
        return RevisionPair(previous=base, latest=self.target)


def revision_choice(
    *,
    contract: Contract,
    base: str = "",
    target: str = "",
    drafts: bool = False,
    revisions: list[Revision] | None = None,
) -> RevisionChoice:
    """The revisions `base` and `target` name (codes of the contract's revisions), the first and the latest where
    one is not given. Raises UnknownRevision, saying which codes there are, for a code that is not one."""
    if revisions is None:
        revisions = list(revisions_in_order(contract=contract, drafts=drafts))
    by_code = {revision.code: revision for revision in revisions}
    for name, code in [("base", base), ("target", target)]:
        if code and code not in by_code:
            codes = ", ".join(by_code) or "none yet"
            raise UnknownRevision(
                f"{name}: “{code[:40]}” is not a revision of {contract.title}; its revisions are: {codes}."
            )
    first, latest = (revisions[0], revisions[-1]) if revisions else (None, None)
    return RevisionChoice(
        contract=contract,
        revisions=revisions,
        base=by_code.get(base, first) if base else first,
        target=by_code.get(target, latest) if target else latest,
    )


def revisions_by_contract(contracts: Iterable[Contract | int], *, drafts: bool = False) -> dict[int, list[Revision]]:
    """{contract id: its revisions the page may show, first to last}, in one query for every contract."""
    ids = [contract if isinstance(contract, int) else contract.pk for contract in contracts]
    in_order: dict[int, list[Revision]] = {contract_id: [] for contract_id in ids}
    revisions = Revision.objects.visible(drafts=drafts).filter(contract_id__in=ids).select_related("contract")
    for revision in revisions.order_by("contract_id", "sequence"):
        in_order[revision.contract_id].append(revision)
    return in_order


def latest_pairs(contracts: list[Contract], *, drafts: bool = False) -> dict[int, RevisionPair]:
    """{contract id: its latest revision and the one before it}, in one query for every contract."""
    in_order = revisions_by_contract(contracts, drafts=drafts)
    return {
        contract_id: RevisionPair(previous=own[-2] if len(own) > 1 else None, latest=own[-1] if own else None)
        for contract_id, own in in_order.items()
    }


@dataclass(frozen=True)
class RevisionInForce:
    """Which revision of a contract was in force on a day: the latest published one signed on or before it.

    Signing dates are often known only to the month or year. `revision` is the latest one certainly signed by
    `day`; `perhaps` is a later one whose signing date the sources give too loosely to say (signed "Apr 2010",
    asked about 15 Apr 2010), and the page says so rather than choosing."""

    contract: Contract
    day: datetime.date
    revision: Revision | None
    perhaps: Revision | None


def revision_in_force(
    *, contract: Contract, day: datetime.date, drafts: bool = False, revisions: list[Revision] | None = None
) -> RevisionInForce:
    """The revision in force on `day` (None before the contract was signed, or when no revision's date is known).
    `revisions`, the contract's revisions the page may show in order, when the caller has read them already."""
    certain: Revision | None = None
    perhaps: Revision | None = None
    # No revision was signed before an earlier one: "by 8 Apr 2010" cannot mean before the original's signing.
    floor: datetime.date | None = None
    if revisions is None:
        revisions = list(revisions_in_order(contract=contract, drafts=drafts))
    for revision in revisions:
        if revision.signed_on is None:
            continue
        earliest = earliest_possible_day(revision.signed_on, revision.signed_precision) or floor
        floor = max(floor, earliest) if floor and earliest else (earliest or floor)
        if latest_possible_day(revision.signed_on, revision.signed_precision) <= day:
            certain, perhaps = revision, None
            continue
        if earliest is None or earliest <= day:
            perhaps = revision
    return RevisionInForce(contract=contract, day=day, revision=certain, perhaps=perhaps)
