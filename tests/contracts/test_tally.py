"""The status-pair tally stays equal to a recount from the rows whatever is written, and however."""

import pytest
from django.db import connection, transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.models import (
    Deployment,
    DeploymentStatus,
    Entitlement,
    EntitlementStatus,
    Revision,
    StatusPairCount,
    System,
)
from contracts.services.tally import tally_cells, tally_rebuild, tally_recount
from organisations.models import Organisation
from tests.contracts.factories import contract_with_revisions, organisation, system

STATUSES = st.sampled_from(EntitlementStatus.values)
KINDS = st.sampled_from(["acute", "pct", "mental-health"])
SECTORS = st.sampled_from(["", "North", "South"])


class World:
    """A small contract (and another to move revisions to) written to at random."""

    def __init__(self) -> None:
        self.contracts = [
            contract_with_revisions("tally-one", ["a", "b", "c"]),
            contract_with_revisions("tally-two", ["x", "y"]),
        ]
        self.organisations = [organisation(f"TAL{n}") for n in range(3)]
        self.systems = [system(f"tally-system-{n}") for n in range(3)]
        self.made = 0

    def revisions(self) -> list[Revision]:
        return list(Revision.objects.filter(contract__in=self.contracts).order_by("pk"))

    def entitlements(self) -> list[Entitlement]:
        return list(Entitlement.objects.filter(revision__contract__in=self.contracts).order_by("pk"))

    def free_keys(self) -> list[tuple[Revision, Organisation, System]]:
        taken = set(
            Entitlement.objects.filter(revision__contract__in=self.contracts).values_list(
                "revision_id", "organisation_id", "system_id"
            )
        )
        return [
            (revision, organisation, system)
            for revision in self.revisions()
            for organisation in self.organisations
            for system in self.systems
            if (revision.pk, organisation.pk, system.pk) not in taken
        ]


def _new(revision, organisation, system, status) -> Entitlement:
    return Entitlement(
        revision=revision,
        organisation=organisation,
        system=system,
        status=status,
        withdrawal_reason="Said so",
    )


def _step(world: World, data: st.DataObject, step: str) -> None:
    entitlements = world.entitlements()
    if step == "create":
        free = world.free_keys()
        if free:
            key = data.draw(st.sampled_from(free))
            _new(*key, data.draw(STATUSES)).save()
    elif step == "bulk_create":
        free = world.free_keys()
        if free:
            keys = data.draw(st.lists(st.sampled_from(free), min_size=1, max_size=6, unique=True))
            Entitlement.objects.bulk_create([_new(*key, data.draw(STATUSES)) for key in keys])
    elif step == "status" and entitlements:
        entitlement = data.draw(st.sampled_from(entitlements))
        entitlement.status = data.draw(STATUSES)
        entitlement.save()
    elif step == "move" and entitlements:
        entitlement = data.draw(st.sampled_from(entitlements))
        free = world.free_keys()
        if free:
            entitlement.revision, entitlement.organisation, entitlement.system = data.draw(st.sampled_from(free))
            entitlement.save()
    elif step == "delete" and entitlements:
        data.draw(st.sampled_from(entitlements)).delete()
    elif step == "update_many":
        revision = data.draw(st.sampled_from(world.revisions()))
        Entitlement.objects.filter(revision=revision).update(status=data.draw(STATUSES))
    elif step == "delete_many":
        Entitlement.objects.filter(
            revision__contract__in=world.contracts, system=data.draw(st.sampled_from(world.systems))
        ).delete()
    elif step == "organisation":
        chosen = data.draw(st.sampled_from(world.organisations))
        chosen.refresh_from_db()
        chosen.kind_id = data.draw(KINDS)
        chosen.sector = data.draw(SECTORS)
        chosen.save()
    elif step == "deploy":
        world.made += 1
        Deployment.objects.create(
            organisation=data.draw(st.sampled_from(world.organisations)),
            system=data.draw(st.sampled_from(world.systems)),
            site=f"site {world.made}",
            status=data.draw(st.sampled_from(DeploymentStatus.values)),
        )
    elif step == "redeploy":
        deployments = list(Deployment.objects.filter(organisation__in=world.organisations).order_by("pk"))
        if deployments:
            deployment = data.draw(st.sampled_from(deployments))
            deployment.status = data.draw(st.sampled_from(DeploymentStatus.values))
            deployment.system = data.draw(st.sampled_from(world.systems))
            deployment.save()
    elif step == "undeploy":
        deployments = list(Deployment.objects.filter(organisation__in=world.organisations).order_by("pk"))
        if deployments:
            data.draw(st.sampled_from(deployments)).delete()
    elif step == "revision":
        world.made += 1
        Revision.objects.create(
            contract=data.draw(st.sampled_from(world.contracts)),
            code=f"r{world.made}",
            title="New",
            sequence=100 + world.made,
        )
    elif step == "move_revision":
        revision = data.draw(st.sampled_from(world.revisions()))
        world.made += 1
        revision.contract = next(contract for contract in world.contracts if contract.pk != revision.contract_id)
        revision.code, revision.sequence = f"m{world.made}", 100 + world.made
        revision.save()
    elif step == "delete_revision":
        revisions = world.revisions()
        if len(revisions) > 1:
            data.draw(st.sampled_from(revisions)).delete()


STEPS = [
    "create", "bulk_create", "status", "move", "delete", "update_many", "delete_many", "organisation", "deploy",
    "redeploy", "undeploy", "revision", "move_revision", "delete_revision",
]  # fmt: skip


# Each example is a whole series of writes, each checked by a recount: a hundred cover every kind of write many
# times over, in far less time than the profile's two thousand.
@pytest.mark.django_db
@settings(max_examples=100)
@given(data=st.data())
def test_the_tally_equals_a_recount_after_every_write(data):
    with transaction.atomic():
        world = World()
        assert tally_cells() == tally_recount()
        for step in data.draw(st.lists(st.sampled_from(STEPS), min_size=1, max_size=10)):
            _step(world, data, step)
            assert tally_cells() == tally_recount(), step
        transaction.set_rollback(True)


def test_the_seed_is_tallied(db):
    assert StatusPairCount.objects.exists()
    assert tally_cells() == tally_recount()


def test_a_rebuild_gives_what_the_triggers_kept(db):
    kept = tally_cells()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM contracts_statuspaircount")
    assert tally_cells() == {}
    tally_rebuild()
    assert tally_cells() == kept


def test_a_write_rolled_back_leaves_the_tally_as_it_was(db):
    before = tally_cells()
    with pytest.raises(RuntimeError), transaction.atomic():
        Entitlement.objects.update(status=EntitlementStatus.WITHDRAWN, withdrawal_reason="Gone")
        assert tally_cells() != before
        raise RuntimeError("the write fails")
    assert tally_cells() == before == tally_recount()


def test_raw_sql_keeps_the_tally(db):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE contracts_entitlement SET status = 'declined' WHERE status = 'entitled'")
    assert tally_cells() == tally_recount()


def test_the_outcome_of_a_pair_of_statuses_is_the_one_the_rows_give(db):
    from django.db.models import Value
    from django.db.models.functions import Coalesce, NullIf

    from contracts.selectors.tally import status_pair_outcome
    from contracts.services.compare import entitlement_outcome

    statuses = [*EntitlementStatus.values, ""]
    one_row = Entitlement.objects.order_by("pk")[:1]
    for base_status in statuses:
        for target_status in statuses:
            # As the comparison's rows read them: no row (NULL) is unknown.
            (in_sql,) = (
                one_row.annotate(
                    base_status=Coalesce(NullIf(Value(base_status), Value("")), Value(EntitlementStatus.UNKNOWN)),
                    target_status=Coalesce(NullIf(Value(target_status), Value("")), Value(EntitlementStatus.UNKNOWN)),
                )
                .annotate(outcome=entitlement_outcome())
                .values_list("outcome", flat=True)
            )
            assert status_pair_outcome(base_status, target_status) == in_sql, (base_status, target_status)


def test_a_bulk_load_with_the_triggers_suspended_is_counted_once_after_it(db, london):
    from contracts.services.tally import tally_suspended

    revision = london.revisions.order_by("sequence").first()
    with tally_suspended():
        Entitlement.objects.filter(revision=revision).update(status="unknown")
    assert tally_cells() == tally_recount()
    # The triggers are back: the next write is counted as it is made.
    Entitlement.objects.filter(revision=revision).update(status="declined")
    assert tally_cells() == tally_recount()


def test_a_bulk_load_that_fails_leaves_the_triggers_and_the_tally_as_they_were(db, london):
    from contracts.services.tally import tally_suspended

    before = tally_cells()
    with pytest.raises(RuntimeError), tally_suspended():
        Entitlement.objects.filter(revision__contract=london).update(status="unknown")
        raise RuntimeError("the load failed")
    assert tally_cells() == before == tally_recount()
    Entitlement.objects.filter(revision__contract=london).update(status="declined")
    assert tally_cells() == tally_recount()


@pytest.mark.parametrize("extra", [-1, 0, 1], ids=["fewer", "as many", "more"])
def test_a_statement_of_many_rows_is_counted_as_one_of_few_is(db, extra):
    """Around the number of rows past which PostgreSQL's triggers copy a statement's rows before reading them."""
    from contracts.services.tally_sql import MOST_ROWS_READ_IN_PLACE

    (revision,) = contract_with_revisions("tally-many", ["only"]).revisions.all()
    made = [system(f"tally-many-{n}") for n in range(2)]
    organisations = [organisation(f"TMY{n}") for n in range((MOST_ROWS_READ_IN_PLACE + extra + 1) // 2 + 1)]
    rows = [_new(revision, o, s, "entitled") for o in organisations for s in made][: MOST_ROWS_READ_IN_PLACE + extra]
    Entitlement.objects.bulk_create(rows)
    assert tally_cells() == tally_recount()
    Deployment.objects.bulk_create(
        Deployment(organisation=row.organisation, system=row.system, status=DeploymentStatus.LIVE) for row in rows
    )
    assert tally_cells() == tally_recount()
    Entitlement.objects.filter(revision=revision).update(status="declined")
    assert tally_cells() == tally_recount()
    Deployment.objects.filter(system__in=made).delete()
    assert tally_cells() == tally_recount()
    Entitlement.objects.filter(revision=revision).delete()
    assert tally_cells() == tally_recount()


def test_the_tallys_outcome_in_sql_is_the_one_python_gives(db):
    from django.db.models import Value

    from contracts.selectors.tally import status_pair_outcome, tally_outcome

    statuses = [*EntitlementStatus.values, ""]
    one_cell = StatusPairCount.objects.order_by("pk")[:1]
    for base_status in statuses:
        for target_status in statuses:
            (in_sql,) = (
                one_cell.annotate(base_status=Value(base_status), target_status=Value(target_status))
                .annotate(outcome=tally_outcome())
                .values_list("outcome", flat=True)
            )
            assert status_pair_outcome(base_status, target_status) == in_sql, (base_status, target_status)


def test_the_cells_of_each_outcome_are_those_the_tallys_outcome_names(db):
    from django.db.models import Value

    from contracts.outcomes import Outcome
    from contracts.selectors.tally import status_pair_outcome, tally_outcome_is

    statuses = [*EntitlementStatus.values, ""]
    one_cell = StatusPairCount.objects.filter(pk=StatusPairCount.objects.order_by("pk")[0].pk)
    for base_status in statuses:
        for target_status in statuses:
            cell = one_cell.annotate(base_status=Value(base_status), target_status=Value(target_status))
            chosen = {outcome.value for outcome in Outcome if cell.filter(tally_outcome_is(outcome)).exists()}
            assert chosen == {status_pair_outcome(base_status, target_status)}, (base_status, target_status)
