"""A contract's published revisions as an OCDS 1.1 release package.

The first revision is a release tagged `contract`; each later one a `contractAmendment`, its amendment saying
in words what it changed. Each release lists the contract's items as that revision has them: one per
organisation and system, with the entitlement (this project's extension). The deployments are one further
release tagged `implementation`, dated when they were last recorded here. Drafts are in none of them.

Dates: OCDS needs full date-times; a date the sources give only to the month or the year is written as the
first day of that month or year at midnight UTC, and its precision is said beside it (`...Precision`, from the
extension's datePrecision codelist), so no day is claimed that the sources do not give.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from django.conf import settings
from django.db.models import Case, Exists, Max, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from contracts.models import (
    Citation,
    Contract,
    Deployment,
    DeploymentStatus,
    Entitlement,
    Revision,
    Source,
    SourceKind,
    System,
)
from contracts.selectors.revisions import revisions_in_order
from contracts.services.amendment_words import amendment_rationale, comparison_bases, withdrawals_by_revision
from contracts.services.history import history_of
from nhsit.lib.dates import DatePrecision
from organisations.models import Organisation, Supplier

OCDS_VERSION = "1.1"
PUBLISHER = {"name": "Contract-change tracker"}

PRECISION = {
    DatePrecision.DAY: "day",
    DatePrecision.MONTH: "month",
    DatePrecision.YEAR: "year",
    DatePrecision.ON_OR_BEFORE: "onOrBefore",
}

# Core documentType codes where one fits, else the extension's own (+documentType.csv).
DOCUMENT_TYPES = {
    SourceKind.CONTRACT: "contractSigned",
    SourceKind.ARTICLE: "newsArticle",
    SourceKind.BLOG: "blogPost",
    SourceKind.LETTER: "letter",
    SourceKind.REPORT: "report",
    SourceKind.PARLIAMENTARY: "parliamentaryRecord",
    SourceKind.PRESS_RELEASE: "pressRelease",
    SourceKind.WEB_PAGE: "webPage",
    SourceKind.DATASET: "dataset",
}

MILESTONE_STATUS = {
    DeploymentStatus.LIVE: "met",
    DeploymentStatus.SCHEDULED: "scheduled",
    DeploymentStatus.NOMINAL_SLOT: "scheduled",
    DeploymentStatus.WITHDRAWN: "notMet",
    DeploymentStatus.CANCELLED: "notMet",
}


class Party(NamedTuple):
    """What an organisation's party entry reads of it."""

    scheme_id: str
    code: str
    name: str


class SystemName(NamedTuple):
    """What an item reads of its system."""

    slug: str
    name: str


def ocid(contract: Contract) -> str:
    """The contract's Open Contracting ID: the publisher's prefix (settings.OCDS_PREFIX) and the contract's slug."""
    return f"{settings.OCDS_PREFIX}{contract.slug}"


def release_id(contract: Contract, revision: Revision) -> str:
    return f"{ocid(contract)}-{revision.code}"


def ocds_datetime(day: datetime.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _dated(record: dict[str, Any], field: str, day: datetime.date | None, precision: str) -> None:
    if day is not None:
        record[field] = ocds_datetime(day)
        record[f"{field}Precision"] = PRECISION[DatePrecision(precision)]


def organisation_party_id(organisation: Organisation | Party) -> str:
    """Its org-id.guide identifier, scheme and code: GB-NHS-RAN."""
    return f"{organisation.scheme_id}-{organisation.code}"


def organisation_reference(organisation: Organisation | Party) -> dict[str, str]:
    return {"id": organisation_party_id(organisation), "name": organisation.name}


def supplier_reference(supplier: Supplier) -> dict[str, str]:
    return {"id": f"supplier-{supplier.slug}", "name": supplier.name}


def organisation_party(organisation: Organisation | Party) -> dict[str, Any]:
    return {
        **organisation_reference(organisation),
        "identifier": {"scheme": organisation.scheme_id, "id": organisation.code, "legalName": organisation.name},
        "roles": ["beneficiary"],
    }


def supplier_party(supplier: Supplier) -> dict[str, Any]:
    # The records hold no company number for a supplier, so it has no GB-COH identifier: none is made up.
    return {**supplier_reference(supplier), "roles": ["supplier"]}


def item(entitlement: Entitlement) -> dict[str, Any]:
    """One organisation's entitlement to one system, as a contract item (the extension's fields)."""
    return entitlement_item(
        entitlement.organisation,
        entitlement.system,
        status=entitlement.status,
        delivery_model=entitlement.delivery_model,
        deployment_slot=entitlement.deployment_slot,
        withdrawal_reason=entitlement.withdrawal_reason,
    )


def entitlement_item(
    organisation: Organisation | Party,
    system: System | SystemName,
    *,
    status: str,
    delivery_model: str,
    deployment_slot: str,
    withdrawal_reason: str,
) -> dict[str, Any]:
    """An item from an entitlement's values, as item() makes it from its record."""
    promised: dict[str, Any] = {"status": status}
    for field, value in [
        ("deliveryModel", delivery_model),
        ("deploymentSlot", deployment_slot),
        ("withdrawalReason", withdrawal_reason),
    ]:
        if value:
            promised[field] = value
    return {
        "id": item_id(organisation, system.slug),
        "description": f"{system.name} for {organisation.name}",
        "beneficiary": organisation_reference(organisation),
        "system": {"id": system.slug, "name": system.name},
        "entitlement": promised,
    }


def item_id(organisation: Organisation | Party, system_slug: str) -> str:
    return f"{organisation_party_id(organisation)}/{system_slug}"


def document(source: Source) -> dict[str, Any]:
    record: dict[str, Any] = {"id": source.key, "documentType": DOCUMENT_TYPES[SourceKind(source.kind)]}
    record["title"] = source.title
    if source.publisher or source.author:
        record["description"] = ", ".join(part for part in [source.author, source.publisher] if part)
    if source.url:
        record["url"] = source.url
    _dated(record, "datePublished", source.published_on, source.published_precision)
    return record


def milestone(deployment: Deployment) -> dict[str, Any]:
    """A deployment as an implementation milestone: live is met on its go-live date."""
    organisation, system = deployment.organisation, deployment.system
    where = " ".join(part for part in [deployment.site, deployment.phase] if part)
    record: dict[str, Any] = {
        "id": f"deployment-{deployment.pk}",
        "title": f"{system.name} at {organisation.name}" + (f" ({where})" if where else ""),
        "type": "delivery",
        "status": MILESTONE_STATUS[DeploymentStatus(deployment.status)],
        "deploymentStatus": deployment.status,
        "beneficiary": organisation_reference(organisation),
        "relatedItem": item_id(organisation, system.slug),
    }
    if deployment.notes:
        record["description"] = deployment.notes
    if deployment.status == DeploymentStatus.LIVE:
        _dated(record, "dateMet", deployment.go_live_on, deployment.go_live_precision)
    elif deployment.slot_start is not None:
        _dated(record, "dueDate", deployment.slot_start, DatePrecision.DAY)
    elif deployment.go_live_on is not None:
        _dated(record, "dueDate", deployment.go_live_on, deployment.go_live_precision)
    return record


def _sources_by_revision(contract: Contract, revisions: list[Revision]) -> dict[int, list[Source]]:
    """{revision id: the sources cited for the contract, the revision or its rows, by key}: one query."""
    ids = [revision.pk for revision in revisions]
    citations = (
        Citation.objects.filter(source__isnull=False)
        .filter(
            Q(contract=contract)
            | Q(revision_id__in=ids)
            | Q(entitlement__revision_id__in=ids)
            | Q(deliverable__revision_id__in=ids)
        )
        .select_related("source")
        .values_list("source__key", "revision_id", "entitlement__revision_id", "deliverable__revision_id", "source")
    )
    keys: dict[int | None, set[int]] = defaultdict(set)
    for _key, revision_id, entitlement_revision, deliverable_revision, source_id in citations:
        keys[revision_id or entitlement_revision or deliverable_revision].add(source_id)
    sources = {source.pk: source for source in Source.objects.filter(pk__in=set().union(*keys.values()))}
    return {
        revision.pk: sorted((sources[pk] for pk in keys[None] | keys[revision.pk]), key=lambda source: source.key)
        for revision in revisions
    }


def _entitlements_by_revision(revisions: Iterable[Revision]) -> dict[int, list[Entitlement]]:
    by_revision: dict[int, list[Entitlement]] = defaultdict(list)
    rows = (
        Entitlement.objects.filter(revision__in=list(revisions))
        .select_related("organisation", "system")
        .order_by("organisation__scheme_id", "organisation__code", "system__slug")
    )
    for entitlement in rows:
        by_revision[entitlement.revision_id].append(entitlement)
    return by_revision


def revision_parties(revision: Revision, *, chunk_size: int = 2000) -> Iterator[Party]:
    """The organisations the revision's rows name, in the items' order: each organisation's rows looked up in the
    revision's index rather than the rows read, and read `chunk_size` at a time."""
    named = (
        Organisation.objects.filter(Exists(Entitlement.objects.filter(revision=revision, organisation=OuterRef("pk"))))
        .order_by("scheme_id", "code")
        .values_list("scheme_id", "code", "name")
    )
    for scheme_id, code, name in named.iterator(chunk_size=chunk_size):
        # str(): the stubs take every foreign key id for an int, but a scheme is keyed by its prefix.
        yield Party(str(scheme_id), code, name)


def revision_items(revisions: list[Revision], *, chunk_size: int = 2000) -> Iterator[tuple[int, dict[str, Any]]]:
    """(revision id, item) for every entitlement of the revisions, revision by revision in their order, each
    revision's in the items' order: one query, read as plain values `chunk_size` rows at a time (a server-side
    cursor on PostgreSQL), so a million of them are never all in memory."""
    position = Case(*(When(revision_id=revision.pk, then=Value(index)) for index, revision in enumerate(revisions)))
    rows = (
        Entitlement.objects.filter(revision__in=revisions)
        .order_by(position, "organisation__scheme_id", "organisation__code", "system__slug")
        .values_list(
            "revision_id",
            "organisation__scheme_id",
            "organisation__code",
            "organisation__name",
            "system__slug",
            "system__name",
            "status",
            "delivery_model",
            "deployment_slot",
            "withdrawal_reason",
        )
    )
    for revision_id, scheme_id, code, name, slug, system_name, status, model, slot, reason in rows.iterator(
        chunk_size=chunk_size
    ):
        yield (
            revision_id,
            entitlement_item(
                Party(str(scheme_id), code, name),
                SystemName(slug, system_name),
                status=status,
                delivery_model=model,
                deployment_slot=slot,
                withdrawal_reason=reason,
            ),
        )


def _release_date(revision: Revision, before: str | None) -> tuple[str, str | None]:
    """A release is dated the day its revision was signed; one whose date no source gives takes the date of the
    release before it (so the releases keep their order) and says no precision."""
    if revision.signed_on is not None:
        return ocds_datetime(revision.signed_on), PRECISION[DatePrecision(revision.signed_precision)]
    return before or ocds_datetime(revision.contract.signed_on or datetime.date(1970, 1, 1)), None


def contract_releases(contract: Contract) -> list[dict[str, Any]]:
    """Every release of the contract's published revisions, first to last, then its implementation release."""
    revisions = published_revisions(contract)
    entitlements = _entitlements_by_revision(revisions)
    named = {
        pk: list({entitlement.organisation_id: entitlement.organisation for entitlement in rows}.values())
        for pk, rows in entitlements.items()
    }
    return list(
        _releases(
            contract,
            revisions,
            parties=lambda revision: [
                supplier_party(contract.supplier),
                *(organisation_party(organisation) for organisation in named.get(revision.pk, [])),
            ],
            items=lambda revision: [item(entitlement) for entitlement in entitlements[revision.pk]],
        )
    )


def published_revisions(contract: Contract) -> list[Revision]:
    return list(revisions_in_order(contract=contract, drafts=False).select_related("contract"))


def release_outlines(
    contract: Contract,
    revisions: list[Revision],
    *,
    parties: Callable[[Revision], Any],
    items: Callable[[Revision], Any],
    implementation: dict[str, Callable[[], Any]],
) -> Iterator[dict[str, Any]]:
    """The releases as contract_releases() gives them, one at a time, but each revision's parties and items
    (where it has rows) are what `parties` and `items` give for it, and the implementation release's parties and
    milestones what `implementation` gives, so that a caller can write them out as it reads them."""
    return _releases(contract, revisions, parties=parties, items=items, implementation=implementation)


def _releases(
    contract: Contract,
    revisions: list[Revision],
    *,
    parties: Callable[[Revision], Any],
    items: Callable[[Revision], Any],
    implementation: dict[str, Callable[[], Any]] | None = None,
) -> Iterator[dict[str, Any]]:
    sources = _sources_by_revision(contract, revisions)
    bases = comparison_bases(revisions)
    compared = [
        (found.entitlements, revision)
        for revision in revisions
        for found in [bases[revision.pk]]
        if found.entitlements is not None and found.records_entitlements
    ]
    lost = withdrawals_by_revision(compared)
    award: dict[str, Any] = {
        "id": f"{contract.slug}-award",
        "title": contract.title,
        "suppliers": [supplier_reference(contract.supplier)],
    }
    last: dict[str, Any] | None = None
    amendments: list[dict[str, Any]] = []
    for revision in revisions:
        date, precision = _release_date(revision, last["date"] if last else None)
        own_id = release_id(contract, revision)
        contract_part: dict[str, Any] = {
            "id": contract.slug,
            "awardID": award["id"],
            "title": contract.title,
        }
        if contract.description:
            contract_part["description"] = contract.description
        if revision.total_value is not None:
            contract_part["value"] = {"amount": int(revision.total_value), "currency": "GBP"}
        _dated(contract_part, "dateSigned", contract.signed_on, contract.signed_precision)
        if bases[revision.pk].records_entitlements:
            contract_part["items"] = items(revision)
        if sources[revision.pk]:
            contract_part["documents"] = [document(source) for source in sources[revision.pk]]
        if last is not None:
            amendment: dict[str, Any] = {
                "id": revision.code,
                "rationale": amendment_rationale(target=revision, bases=bases[revision.pk], lost=lost.get(revision.pk)),
                "amendsReleaseID": last["id"],
                "releaseID": own_id,
            }
            if revision.summary:
                amendment["description"] = revision.summary
            _dated(amendment, "date", revision.signed_on, revision.signed_precision)
            amendments.append(amendment)
            contract_part["amendments"] = list(amendments)
        release: dict[str, Any] = {
            "ocid": ocid(contract),
            "id": own_id,
            "date": date,
            "tag": ["contract"] if last is None else ["contractAmendment"],
            "initiationType": "tender",
            "language": "en",
            "parties": parties(revision),
            "awards": [award],
            "contracts": [contract_part],
        }
        if precision is not None:
            release["datePrecision"] = precision
        yield release
        last = release
    implementation = implementation_release(contract, award_id=award["id"], **(implementation or {}))
    if last is not None and implementation is not None:
        yield implementation


def contract_deployments(contract: Contract) -> QuerySet[Deployment]:
    """The contract's deployments in the milestones' order."""
    return (
        Deployment.objects.filter(contract=contract)
        .select_related("organisation", "system")
        .order_by("organisation__scheme_id", "organisation__code", "system__slug", "pk")
    )


def deployment_parties(contract: Contract) -> QuerySet[Organisation]:
    """The organisations the contract's deployments are at, in the milestones' order."""
    deployed = Deployment.objects.filter(contract=contract, organisation=OuterRef("pk"))
    return Organisation.objects.filter(Exists(deployed)).order_by("scheme_id", "code")


def implementation_release(
    contract: Contract,
    *,
    award_id: str,
    parties: Callable[[], Any] | None = None,
    milestones: Callable[[], Any] | None = None,
) -> dict[str, Any] | None:
    """The contract's deployments as milestones, in a release dated when they were last recorded here; its
    parties and milestones are what `parties` and `milestones` give, where given."""
    deployments = Deployment.objects.filter(contract=contract)
    if not deployments.exists():
        return None
    recorded = history_of(Deployment).filter(id__in=deployments.values("pk"))
    last = recorded.aggregate(last=Max("history_date"))["last"] or timezone.now()
    when = last.astimezone(datetime.UTC).replace(microsecond=0)
    return {
        "ocid": ocid(contract),
        "id": f"{ocid(contract)}-implementation-{when:%Y%m%dT%H%M%SZ}",
        "date": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tag": ["implementation"],
        "initiationType": "tender",
        "language": "en",
        "parties": parties() if parties else [organisation_party(found) for found in deployment_parties(contract)],
        "contracts": [
            {
                "id": contract.slug,
                "awardID": award_id,
                "implementation": {
                    "milestones": milestones()
                    if milestones
                    else [milestone(deployment) for deployment in contract_deployments(contract)]
                },
            }
        ],
    }


def package_metadata(*, uri: str, extension_url: str) -> dict[str, Any]:
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": [extension_url],
        "publisher": PUBLISHER,
        "publishedDate": timezone.now().astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def release_package(contract: Contract, *, uri: str, extension_url: str) -> dict[str, Any]:
    """The release package of `contract`'s published revisions (`uri` is its own address, `extension_url` the
    address of the extension's extension.json)."""
    return {**package_metadata(uri=uri, extension_url=extension_url), "releases": contract_releases(contract)}
