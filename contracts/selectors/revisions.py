"""Which contract and which of its revisions a page is about."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

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


def latest_pair(contract: Contract) -> RevisionPair:
    latest, previous = (list(contract.revisions.order_by("-sequence")[:2]) + [None, None])[:2]
    return RevisionPair(previous=previous, latest=latest)


def revisions_in_order(*, contract: Contract) -> QuerySet[Revision]:
    """A contract's revisions, first to last."""
    return contract.revisions.order_by("sequence")
