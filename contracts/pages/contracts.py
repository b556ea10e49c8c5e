"""The contracts in the records, each with its headline change: its value from its first revision to its latest,
and how many revisions it has."""

from dataclasses import dataclass
from decimal import Decimal

from contracts.models import Contract, Revision
from contracts.pages.overview import value_change


@dataclass(frozen=True)
class ContractHeadline:
    contract: Contract
    revisions: int
    first: Revision | None
    latest: Revision | None
    value_change: Decimal | None
    value_change_percent: Decimal | None


def contract_headlines(*, drafts: bool = False) -> list[ContractHeadline]:
    """Every contract, first signed first, in two queries whatever their number."""
    contracts = list(Contract.objects.select_related("supplier").order_by("signed_on", "title", "pk"))
    revisions: dict[int, list[Revision]] = {}
    for revision in (
        Revision.objects.visible(drafts=drafts).select_related("contract").order_by("contract_id", "sequence")
    ):
        revisions.setdefault(revision.contract_id, []).append(revision)
    headlines = []
    for contract in contracts:
        own = revisions.get(contract.pk, [])
        first, latest = (own[0], own[-1]) if own else (None, None)
        change, percent = value_change(first, latest) if len(own) > 1 else (None, None)
        headlines.append(ContractHeadline(contract, len(own), first, latest, change, percent))
    return headlines
