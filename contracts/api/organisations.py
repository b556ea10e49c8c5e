"""One organisation by its identifier: what it was promised under each published revision of each contract, its
predecessors' entitlements with it (each saying whose it was), its deployments, successors and predecessors."""

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from contracts.api.days import day_asked
from contracts.api.schema import AS_OF
from contracts.api.serializers import OrganisationDetailSerializer
from contracts.api.views import ApiView
from contracts.pages.organisations import trust_profile
from contracts.selectors.revisions import revision_in_force
from organisations.models import Organisation


class OrganisationDetail(ApiView):
    """An organisation (RAN; GB-LAE-WSM for a code of another register); `as_of` keeps each contract's revision in
    force that day, and the one perhaps in force where a signing date is known only to the month or year."""

    extra_parameters = frozenset({"as_of"})

    @extend_schema(parameters=[AS_OF], responses=OrganisationDetailSerializer)
    def get(self, request: Request, identifier: str) -> Response:
        organisation = Organisation.objects.by_identifier(identifier[:60])
        if organisation is None:
            raise NotFound(f"No organisation has the code “{identifier[:60]}”.")
        day = day_asked(request)
        profile = trust_profile(organisation=organisation)
        entitlements = [
            entitlement
            for grid in profile.contracts
            for row in grid.systems
            for entitlement in row.by_revision
            if entitlement is not None
        ]
        in_force = [revision_in_force(contract=grid.contract, day=day) for grid in profile.contracts] if day else []
        if day:
            shown = {revision.pk for found in in_force for revision in (found.revision, found.perhaps) if revision}
            entitlements = [entitlement for entitlement in entitlements if entitlement.revision_id in shown]
        organisation.successors = profile.successors  # type: ignore[attr-defined]
        organisation.predecessors = profile.merged_in  # type: ignore[attr-defined]
        organisation.own_local_systems = profile.local_systems  # type: ignore[attr-defined]
        organisation.in_force = in_force  # type: ignore[attr-defined]
        organisation.shown_entitlements = entitlements  # type: ignore[attr-defined]
        organisation.shown_deployments = [row.deployment for row in profile.deployments]  # type: ignore[attr-defined]
        context = {"request": request, "organisation": organisation}
        return Response(OrganisationDetailSerializer(organisation, context=context).data)
