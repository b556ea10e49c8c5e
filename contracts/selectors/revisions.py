"""Which contract and which of its revisions a page is about.

A draft (unpublished) revision is on no public page, export or feed: every read here, and every selector that
reads a revision's rows, takes `drafts`, false unless an editor is previewing drafts (contracts.views.preview).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet

from contracts.models import Contract, Revision


def default_contract() -> Contract | None:
    """The contract the home page and the organisation list describe: DEFAULT_CONTRACT, else the first signed."""
    contracts = Contract.objects.select_related("supplier")
    return contracts.filter(slug=settings.DEFAULT_CONTRACT).first() or contracts.order_by("signed_on", "pk").first()


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
