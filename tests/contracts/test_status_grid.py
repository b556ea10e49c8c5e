"""The organisations list's status grid (and an organisation's page's) reads each organisation's rows of each
contract's latest two revisions: it gives what a comparison of those revisions gives, cell for cell."""

import pytest

from contracts.models import Contract, Entitlement, EntitlementStatus
from contracts.pages.organisations import StatusCell, organisation_statuses
from contracts.selectors.revisions import latest_pair
from contracts.services.compare import revision_compare, union_rows
from organisations.models import Organisation
from tests.contracts.council import council_contract

pytestmark = pytest.mark.django_db


def compared_cells(pairs, organisations) -> dict:
    ids = [organisation.pk for organisation in organisations]
    comparisons = [
        revision_compare(base=pair.previous or pair.latest, target=pair.latest, organisations=ids) for pair in pairs
    ]
    compared = {pair.latest.contract_id: pair.previous is not None for pair in pairs}
    cells: dict = {}
    for row in union_rows(comparisons):
        cells.setdefault(row["organisation_id"], {})[(row["contract_id"], row["system_slug"])] = StatusCell(
            status=row["target_status"],
            outcome=row["outcome"] if compared[row["contract_id"]] else None,
            live=row["live"],
        )
    return cells


def every_contracts_pair():
    return [latest_pair(contract) for contract in Contract.objects.order_by("pk")]


def test_every_organisations_cells_are_its_comparisons_in_every_contract():
    council_contract()
    organisations = list(Organisation.objects.all())
    pairs = every_contracts_pair()
    assert len(pairs) == 2
    grid = organisation_statuses(pairs=pairs, organisations=organisations)
    assert grid == compared_cells(pairs, organisations)
    outcomes = {cell.outcome for cells in grid.values() for cell in cells.values()}
    assert {"kept", "lost", "unknown"} <= outcomes
    assert any(cell.live for cells in grid.values() for cell in cells.values())


def test_a_row_in_only_one_revision_is_unknown_on_the_other_side(ccn3):
    """A row dropped from the latest revision leaves the cell, unknown; one only in the latest has no base."""
    pair = latest_pair(ccn3.contract)
    dropped = Entitlement.objects.filter(revision=pair.latest, status=EntitlementStatus.WITHDRAWN).first()
    added_to = Entitlement.objects.filter(revision=pair.previous).exclude(pk=dropped.pk).first()
    Entitlement.objects.filter(pk=dropped.pk).delete()
    Entitlement.objects.filter(revision=pair.previous, organisation=added_to.organisation).delete()
    organisations = [dropped.organisation, added_to.organisation]
    grid = organisation_statuses(pairs=[pair], organisations=organisations)
    assert grid == compared_cells([pair], organisations)
    gone = grid[dropped.organisation_id][(ccn3.contract_id, dropped.system.slug)]
    assert (gone.status, gone.outcome) == (EntitlementStatus.UNKNOWN, "unknown")
    new = grid[added_to.organisation_id][(ccn3.contract_id, added_to.system.slug)]
    assert new.outcome == "unknown"


def test_a_contract_of_one_revision_has_statuses_and_no_outcomes(ccn3):
    pair = latest_pair(ccn3.contract)
    only = type(pair)(previous=None, latest=pair.latest)
    organisations = list(Organisation.objects.all())
    grid = organisation_statuses(pairs=[only], organisations=organisations)
    assert grid == compared_cells([only], organisations)
    assert grid and all(cell.outcome is None for cells in grid.values() for cell in cells.values())
