"""The API's records: lists paged by cursor, one record by its code, slug or number. Published revisions only,
whoever asks (the API reads no session, so an editor's preview of drafts never reaches it)."""

import re
from typing import Any

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView, ListAPIView, RetrieveAPIView
from rest_framework.request import Request

from contracts.api import serializers
from contracts.api.cors import OpenToAnyOrigin
from contracts.api.filtering import StrictFilterBackend, refuse_unknown_parameters
from contracts.api.pagination import PAGE_PARAMETERS, BySequence, BySlug, KeysetPagination
from contracts.api.throttling import AnonymousReaderThrottle
from contracts.filters import CitationFilter, EntitlementFilter, SourceFilter
from contracts.models import Contract, Deliverable, Deployment, Revision, Source, System
from contracts.selectors.citations import citation_rows, source_citations
from contracts.selectors.entitlements import entitlement_rows
from contracts.selectors.revisions import in_visible_revisions, revisions_in_order
from contracts.selectors.sources import source_rows
from contracts.selectors.systems import contracts_of_system, system_deliverables, system_rows
from organisations.models import Organisation

RECORD_NUMBER = re.compile(r"[0-9]{1,18}")


class ApiView(OpenToAnyOrigin, GenericAPIView):
    """Read-only (any other method is a 405), throttled per address, and strict: a query parameter the view does
    not know is a 400 naming it."""

    throttle_classes = [AnonymousReaderThrottle]
    filter_backends = [StrictFilterBackend]
    pagination_class: Any = None
    # What the view reads besides its filters and its pages.
    extra_parameters: frozenset[str] = frozenset()

    def query_parameters(self) -> set[str]:
        known = set(self.extra_parameters)
        if self.pagination_class is not None:
            known |= PAGE_PARAMETERS
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None:
            known |= set(filterset_class.base_filters)
        return known

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        refuse_unknown_parameters(request, self.query_parameters())


class ApiList(ApiView, ListAPIView):
    pagination_class = KeysetPagination


class ApiDetail(ApiView, RetrieveAPIView):
    pass


def revision_values(revisions: QuerySet[Revision]) -> QuerySet[Revision]:
    """Each published revision's value change against the published one before it. A subquery, not a window
    over the rows selected: a page of revisions that starts part-way still has each one's change."""
    before = (
        Revision.objects.filter(contract=OuterRef("contract"), sequence__lt=OuterRef("sequence"), is_published=True)
        .order_by("-sequence")
        .values("total_value")[:1]
    )
    return revisions.annotate(previous_value=Subquery(before)).annotate(
        value_change=F("total_value") - F("previous_value")
    )


class ContractList(ApiList):
    """Every contract, by slug."""

    serializer_class = serializers.ContractSerializer
    pagination_class = BySlug
    queryset = Contract.objects.select_related("supplier")


class ContractDetail(ApiDetail):
    """A contract and its published revisions, first to last."""

    serializer_class = serializers.ContractDetailSerializer
    queryset = Contract.objects.select_related("supplier")
    lookup_field = "slug"

    def get_object(self) -> Contract:
        contract: Contract = super().get_object()
        contract.published_revisions = list(  # type: ignore[attr-defined]
            revision_values(revisions_in_order(contract=contract)).select_related("contract")
        )
        return contract


class RevisionList(ApiList):
    """A contract's published revisions, first to last, each with its value change against the one before."""

    serializer_class = serializers.RevisionSerializer
    pagination_class = BySequence

    def get_queryset(self) -> QuerySet[Revision]:
        contract = get_object_or_404(Contract, slug=self.kwargs["slug"])
        return revision_values(revisions_in_order(contract=contract)).select_related("contract")


class OrganisationList(ApiList):
    """Every organisation of every register, by its record number (the cursor's key)."""

    serializer_class = serializers.OrganisationSerializer
    queryset = Organisation.objects.select_related("kind")


class SystemList(ApiList):
    """Every system, by slug, with how many organisations and programme lines each has."""

    serializer_class = serializers.SystemSerializer
    pagination_class = BySlug

    def get_queryset(self) -> QuerySet[System]:
        return system_rows()


class SystemDetail(ApiDetail):
    """A system, the contracts dealing with it, and its programme lines in each published revision."""

    serializer_class = serializers.SystemDetailSerializer
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[System]:
        return system_rows()

    def get_object(self) -> System:
        system: System = super().get_object()
        system.contract_slugs = list(  # type: ignore[attr-defined]
            contracts_of_system(system=system).order_by("slug").values_list("slug", flat=True)
        )
        system.published_deliverables = list(  # type: ignore[attr-defined]
            system_deliverables(system=system).select_related("system")
        )
        return system


class EntitlementList(ApiList):
    """Entitlements of published revisions, filtered exactly as the entitlements page filters them."""

    serializer_class = serializers.EntitlementSerializer
    filterset_class = EntitlementFilter

    def get_queryset(self) -> QuerySet:
        return entitlement_rows()


class DeliverableList(ApiList):
    """Programme lines of published revisions."""

    serializer_class = serializers.DeliverableSerializer

    def get_queryset(self) -> QuerySet[Deliverable]:
        visible = in_visible_revisions("revision", drafts=False)
        return Deliverable.objects.filter(visible).select_related("revision__contract", "system")


class DeploymentList(ApiList):
    """What happened at each organisation: systems live, slots scheduled or withdrawn."""

    serializer_class = serializers.DeploymentSerializer
    queryset = Deployment.objects.select_related("organisation", "system", "contract", "delivered_by")


class SourceList(ApiList):
    """Sources, filtered as the sources page filters them, with how many records shown each supports."""

    serializer_class = serializers.SourceSerializer
    filterset_class = SourceFilter

    def get_queryset(self) -> QuerySet[Source]:
        return source_rows()


class SourceDetail(ApiDetail):
    """A source and its citations of published records, each with its quote, grade and the record it supports."""

    serializer_class = serializers.SourceDetailSerializer

    def get_object(self) -> Source:
        pk = self.kwargs["pk"]
        # Any text: a number too large for the database is no source either (and never a server error).
        source = source_rows().filter(pk=int(pk)).first() if RECORD_NUMBER.fullmatch(pk) else None
        if source is None:
            raise NotFound(f"There is no source numbered “{pk[:20]}”.")
        source.visible_citations = list(source_citations(source=source))  # type: ignore[attr-defined]
        return source


class CitationList(ApiList):
    """Citations of published records, filtered as the data-quality citations list filters them."""

    serializer_class = serializers.CitationSerializer
    filterset_class = CitationFilter

    def get_queryset(self) -> QuerySet:
        return citation_rows()
