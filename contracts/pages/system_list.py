"""The systems list: each system, the contracts dealing with it, and for each contract an outcome bar from its
first revision to its latest."""

from dataclasses import dataclass, field

from contracts.models import Contract, System
from contracts.pages.charts import OutcomeBar, outcome_bars
from contracts.selectors.revisions import revisions_by_contract
from contracts.selectors.systems import contract_system_columns, system_rows
from contracts.services.compare import revision_compare, union_outcome_counts


@dataclass
class SystemRow:
    system: System
    contracts: list[Contract] = field(default_factory=list)
    # (contract, its outcome bar for this system, first revision to latest) where the contract has two revisions.
    bars: list[tuple[Contract, OutcomeBar]] = field(default_factory=list)


def system_list_rows(*, contracts: list[Contract], chosen: Contract | None, drafts: bool = False) -> list[SystemRow]:
    """Every system (or those of the `chosen` contract), with its contracts and their outcome bars: the counts
    for every contract in one query."""
    columns = contract_system_columns(contracts=contracts, drafts=drafts, with_lines=True)
    rows = {system.pk: SystemRow(system) for system in system_rows(drafts=drafts)}
    for contract, system in columns:
        rows[system.pk].contracts.append(contract)
    revisions = revisions_by_contract(contracts, drafts=drafts)
    comparisons = [revision_compare(base=own[0], target=own[-1]) for own in revisions.values() if len(own) > 1]
    counts = union_outcome_counts(comparisons)
    for contract, system in columns:
        by_system = counts.get(contract.pk)
        if by_system and system.slug in by_system:
            rows[system.pk].bars.append((contract, outcome_bars(systems=[system], counts=by_system)[0]))
    shown = rows.values() if chosen is None else [row for row in rows.values() if chosen in row.contracts]
    return list(shown)
