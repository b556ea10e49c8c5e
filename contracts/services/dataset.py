"""The records a whole-dataset download holds: everything published, or one contract's part of it.

No draft: a revision that is not published, its entitlements and deliverables, the figures about it and the
citations of any of them are in no download. One contract's part is its published revisions and their rows, its
deployments and figures, the organisations they name (with the bodies they merged with or into, so each
succession is whole), the systems and suppliers those records name, and the citations of all of them with their
sources. Everything is the whole register besides: every organisation, system, supplier and source.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Max, Model, Q, QuerySet, Sum

from contracts.models import (
    Citation,
    Contract,
    Deliverable,
    Deployment,
    Entitlement,
    ReportedFigure,
    Revision,
    Source,
    StatusPairCount,
    System,
)
from contracts.selectors.citations import CITATION_TARGETS_RELATED, citation_rows
from contracts.services.history import history_of
from contracts.services.reconcile import contract_figures
from organisations.models import LocalSystem, Organisation, Succession, Supplier


@dataclass(frozen=True)
class DatasetRecords:
    """Each kind of record in the download, as a queryset in a stable order."""

    contract: Contract | None
    organisations: QuerySet[Organisation]
    successions: QuerySet[Succession]
    local_systems: QuerySet[LocalSystem]
    suppliers: QuerySet[Supplier]
    contracts: QuerySet[Contract]
    revisions: QuerySet[Revision]
    systems: QuerySet[System]
    entitlements: QuerySet[Entitlement]
    deliverables: QuerySet[Deliverable]
    deployments: QuerySet[Deployment]
    figures: QuerySet[ReportedFigure]
    citations: QuerySet[Citation]
    sources: QuerySet[Source]


def dataset_records(*, contract: Contract | None = None) -> DatasetRecords:
    """The published records of `contract`, or of every contract and the whole register when None."""
    contracts = Contract.objects.all() if contract is None else Contract.objects.filter(pk=contract.pk)
    revisions = Revision.objects.visible(drafts=False).filter(contract__in=contracts)
    entitlements = Entitlement.objects.filter(revision__in=revisions)
    deliverables = Deliverable.objects.filter(revision__in=revisions)
    deployments = Deployment.objects.all() if contract is None else Deployment.objects.filter(contract=contract)
    figures = contract_figures(contract=list(contracts), drafts=False)
    if contract is None:
        organisations = Organisation.objects.all()
        successions = Succession.objects.all()
        systems = System.objects.all()
        suppliers = Supplier.objects.all()
    else:
        named = Q(pk__in=entitlements.values("organisation")) | Q(pk__in=deployments.values("organisation"))
        named_ids = Organisation.objects.filter(named).values("pk")
        successions = Succession.objects.filter(Q(predecessor__in=named_ids) | Q(successor__in=named_ids))
        organisations = Organisation.objects.filter(
            named | Q(pk__in=successions.values("predecessor")) | Q(pk__in=successions.values("successor"))
        )
        systems = System.objects.filter(
            Q(pk__in=entitlements.values("system"))
            | Q(pk__in=deliverables.values("system"))
            | Q(pk__in=deployments.values("system"))
            | Q(pk__in=figures.values("system"))
        )
    local_systems = LocalSystem.objects.filter(organisation__in=organisations)
    if contract is not None:
        suppliers = Supplier.objects.filter(
            Q(pk__in=contracts.values("supplier"))
            | Q(pk__in=systems.values("vendor"))
            | Q(pk__in=deployments.values("delivered_by"))
            | Q(pk__in=local_systems.values("vendor"))
            | Q(pk__in=figures.values("delivered_by"))
        )
    cited = (
        Q(contract__in=contracts)
        | Q(revision__in=revisions)
        | Q(system__in=systems)
        | Q(entitlement__in=entitlements)
        | Q(deliverable__in=deliverables)
        | Q(deployment__in=deployments)
        | Q(reported_figure__in=figures.values("pk"))
        | Q(organisation__in=organisations)
        | Q(succession__in=successions)
        | Q(local_system__in=local_systems)
    )
    citations = citation_rows(drafts=False).filter(cited)
    sources = Source.objects.all() if contract is None else Source.objects.filter(pk__in=citations.values("source"))
    return DatasetRecords(
        contract=contract,
        organisations=organisations.order_by("scheme_id", "code"),
        successions=successions.order_by("predecessor__scheme_id", "predecessor__code", "successor__code", "part"),
        local_systems=local_systems.order_by("organisation__scheme_id", "organisation__code", "product"),
        suppliers=suppliers.order_by("slug"),
        contracts=contracts.order_by("slug"),
        revisions=revisions.order_by("contract__slug", "sequence"),
        systems=systems.order_by("slug"),
        # In the unique index's order, so that PostgreSQL reads a million of them without sorting.
        entitlements=entitlements.order_by("revision_id", "organisation_id", "system_id"),
        deliverables=deliverables.order_by("revision__contract__slug", "revision__sequence", "code"),
        deployments=deployments.order_by("organisation__scheme_id", "organisation__code", "system__slug", "pk"),
        figures=figures.order_by("contract__slug", "key"),
        citations=citations.select_related("deliverable__revision__contract", *CITATION_TARGETS_RELATED).order_by("pk"),
        sources=sources.order_by("key"),
    )


# The records whose history says when the dataset last changed: every kind the download holds.
DATASET_MODELS: list[type[Model]] = [
    Organisation, Succession, LocalSystem, Supplier, Contract, Revision, System, Entitlement, Deliverable,
    Deployment, ReportedFigure, Citation, Source,
]  # fmt: skip


def dataset_last_changed() -> datetime.datetime | None:
    """When any record the download holds was last saved or deleted, from their history (a query per kind, each
    answered from the index on the history's date)."""
    latest = [history_of(model).aggregate(latest=Max("history_date"))["latest"] for model in DATASET_MODELS]
    return max((when for when in latest if when is not None), default=None)


@dataclass(frozen=True)
class ContractCounts:
    revisions: int = 0
    entitlements: int = 0
    deliverables: int = 0
    deployments: int = 0
    figures: int = 0


def contract_counts(*, entitlements: dict[int, int] | None = None) -> dict[int, ContractCounts]:
    """{contract id: how many of each kind of its published records}, a query per kind whatever the number of
    contracts (`entitlements`: entitlement_counts(), where the caller has them)."""
    published = Revision.objects.visible(drafts=False)
    grouped = {
        "revisions": published.values(owner=F("contract_id")),
        "deliverables": Deliverable.objects.filter(revision__in=published).values(owner=F("revision__contract_id")),
        "deployments": Deployment.objects.filter(contract__isnull=False).values(owner=F("contract_id")),
        "figures": contract_figures(contract=list(Contract.objects.all()), drafts=False).values(owner=F("contract_id")),
    }
    counts: dict[int, dict[str, int]] = {}
    for name, rows in grouped.items():
        for row in rows.order_by().annotate(count=Count("pk")).values("owner", "count"):
            counts.setdefault(row["owner"], {})[name] = row["count"]
    for owner, number in (entitlement_counts() if entitlements is None else entitlements).items():
        counts.setdefault(owner, {})["entitlements"] = number
    return {owner: ContractCounts(**own) for owner, own in counts.items()}


def entitlement_counts() -> dict[int, int]:
    """{contract id: how many entitlements its published revisions hold}, from the status-pair tally's diagonal
    (each revision's own rows), not by counting the rows: one query."""
    published = dict(Revision.objects.visible(drafts=False).values_list("pk", "contract_id"))
    if not published:
        return {}
    own = Q()
    for revision_id in published:
        own |= Q(first_revision_id=revision_id, second_revision_id=revision_id)
    cells = StatusPairCount.objects.filter(own).values_list("first_revision_id").annotate(rows=Sum("count")).order_by()
    counts: dict[int, int] = {}
    for revision_id, rows in cells:
        counts[published[revision_id]] = counts.get(published[revision_id], 0) + rows
    return counts


def dataset_counts(records: DatasetRecords, *, entitlements: dict[int, int] | None = None) -> list[tuple[str, int]]:
    """(kind of record, how many) for each table of the download, in its order: a count query each, but for the
    entitlements, read from the status-pair tally (`entitlements`: entitlement_counts(), where the caller has them)."""
    kinds = [
        ("organisations", records.organisations), ("successions", records.successions),
        ("local systems", records.local_systems), ("suppliers", records.suppliers), ("contracts", records.contracts),
        ("revisions", records.revisions), ("systems", records.systems), ("entitlements", records.entitlements),
        ("deliverables", records.deliverables), ("deployments", records.deployments), ("sources", records.sources),
        ("citations", records.citations), ("reported figures", records.figures),
    ]  # fmt: skip
    if entitlements is None:
        entitlements = entitlement_counts()
    if records.contract is not None:
        entitlements = {records.contract.pk: entitlements.get(records.contract.pk, 0)}
    return [
        (kind, sum(entitlements.values()) if rows is records.entitlements else rows.count()) for kind, rows in kinds
    ]
