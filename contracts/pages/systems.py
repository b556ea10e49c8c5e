"""One system across its contract: who keeps, loses and gains it, and its programme lines."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from contracts.models import Contract, Deliverable, System
from contracts.outcomes import Outcome
from contracts.pages.charts import OutcomeBar, outcome_bars
from contracts.selectors.revisions import RevisionPair, latest_pair
from contracts.selectors.systems import contracts_of_system, system_deliverables
from contracts.services.compare import revision_compare

SYSTEM_PAGE_LIST = 100


@dataclass(frozen=True)
class SystemOverview:
    system: System
    contract: Contract | None
    pair: RevisionPair
    bar: OutcomeBar | None
    # (outcome, how many, the first SYSTEM_PAGE_LIST of their rows) for each outcome that has any.
    by_outcome: list[tuple[str, int, list[dict]]]
    deliverables: list[Deliverable]


def system_overview(*, system: System, drafts: bool = False) -> SystemOverview:
    """Who keeps, loses and gains a system between the latest two revisions of its contract, and its lines."""
    contracts = contracts_of_system(system=system, drafts=drafts)
    contract = contracts.filter(slug=settings.DEFAULT_CONTRACT).first() or contracts.order_by("slug").first()
    pair = latest_pair(contract, drafts=drafts) if contract else RevisionPair(previous=None, latest=None)
    bar, by_outcome = None, []
    if pair.previous and pair.latest:
        comparison = revision_compare(base=pair.previous, target=pair.latest, systems=[system])
        bar = outcome_bars(systems=[system], counts=comparison.outcome_counts())[0]
        # Each outcome's organisations, up to a list's length, in one query; the compare page lists them all.
        place = Window(RowNumber(), partition_by=F("outcome"), order_by=["organisation_name", "ods_code"])
        listed: dict[str, list[dict]] = {}
        for row in comparison.rows.annotate(place=place).filter(place__lte=SYSTEM_PAGE_LIST):
            listed.setdefault(row["outcome"], []).append(row)
        by_outcome = [
            (outcome.value, bar.count(outcome.value), listed[outcome.value]) for outcome in Outcome if outcome in listed
        ]
    return SystemOverview(
        system=system,
        contract=contract,
        pair=pair,
        bar=bar,
        by_outcome=by_outcome,
        deliverables=list(system_deliverables(system=system, drafts=drafts)),
    )
