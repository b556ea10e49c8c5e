"""The London seed grown tenfold, to show that pages cost the same number of queries as data grows; and grown by
hundreds of thousands of rows, to show that exports stream."""

from django.db import connection
from model_bakery import baker

from contracts.models import Citation, Deployment, Entitlement, Source, System
from organisations.models import LocalSystem, Organisation, Succession

STATUSES = ["entitled", "not_entitled", "withdrawn", "declined", "unknown"]


def london_grown_tenfold(contract) -> int:
    """Add ten times the seed's organisations, each with entitlements, deployments, citations. Returns how many."""
    revisions = list(contract.revisions.order_by("sequence"))
    systems = list(System.objects.filter(entitlements__revision__contract=contract).distinct())
    source = Source.objects.order_by("pk").first()
    existing = Organisation.objects.count()
    organisations = Organisation.objects.bulk_create(
        Organisation(code=f"Z{number:04d}", name=f"Synthetic Trust {number:04d}", kind_id="acute")
        for number in range(existing * 10)
    )
    entitlements = []
    for number, organisation in enumerate(organisations):
        for index, system in enumerate(systems):
            for sequence, revision in enumerate(revisions):
                status = STATUSES[(number + index + sequence) % len(STATUSES)]
                reason = "Budget cuts" if status == "withdrawn" else ""
                entitlements.append(
                    Entitlement(
                        revision=revision, organisation=organisation, system=system, status=status,
                        withdrawal_reason=reason, delivery_model="New Delivery Model",
                    )
                )  # fmt: skip
    Entitlement.objects.bulk_create(entitlements)
    Citation.objects.bulk_create(
        Citation(source=source, entitlement=entitlement, quote="A synthetic quote.") for entitlement in entitlements
    )
    Deployment.objects.bulk_create(
        Deployment(organisation=organisation, system=systems[0], status="live", contract=contract)
        for organisation in organisations[::3]
    )
    LocalSystem.objects.bulk_create(
        LocalSystem(organisation=organisation, product="Synthetic PAS", kind="patient administration system")
        for organisation in organisations[::2]
    )
    Succession.objects.bulk_create(
        Succession(predecessor=older, successor=newer)
        for older, newer in zip(organisations[1::4], organisations[::4], strict=False)
    )
    baker.make("contracts.Citation", source=source, organisation=organisations[0], quote="Another quote.")
    return len(organisations)


def entitled_organisations_loaded(*, prefix: str, name: str, count: int, systems, revisions) -> None:
    """`count` acute organisations (codes `prefix`00000…, names "`name` 00000"…), each entitled to every system in
    every revision; loaded as a bulk load is, the tally's triggers suspended and the tally counted once after."""
    from contracts.services.tally import tally_suspended

    organisations = Organisation.objects.bulk_create(
        Organisation(code=f"{prefix}{number:05d}", name=f"{name} {number:05d}", kind_id="acute")
        for number in range(count)
    )
    with tally_suspended():
        Entitlement.objects.bulk_create(
            (
                Entitlement(revision=revision, organisation=organisation, system=system, status="entitled", version=1)
                for organisation in organisations
                for system in systems
                for revision in revisions
            ),
            batch_size=10_000,
        )
    if connection.vendor == "postgresql":
        # As autovacuum would once they were committed: the planner then knows how many rows there are.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE trusts_organisation, contracts_entitlement")
