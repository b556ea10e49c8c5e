"""Comparing two revisions of a contract: the compare page's rows, chosen by the compare page's filters
(contracts.filters.CompareFilter), so the API, the page and its CSV cannot disagree."""

from typing import Any

from django.http import QueryDict
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from contracts.api.days import day_asked
from contracts.api.filtering import api_filterset_class, refused
from contracts.api.pagination import ByOrganisationAndSystem
from contracts.api.schema import AS_OF, PAGE, filter_openapi_parameters
from contracts.api.serializers import (
    ComparePageSerializer,
    CompareRowSerializer,
    InForceSerializer,
    RevisionRefSerializer,
)
from contracts.api.views import ApiView
from contracts.filters import CompareFilter
from contracts.models import Contract
from contracts.selectors.revisions import RevisionInForce, revision_in_force, revisions_in_order


class ContractCompare(ApiView):
    """Who kept, lost or gained what between two revisions (by default the latest and the one before it), one row
    per organisation and system; `as_of` compares the revision in force that day with the one before it."""

    pagination_class = ByOrganisationAndSystem
    filterset_class = CompareFilter
    extra_parameters = frozenset({"as_of"})

    @extend_schema(
        parameters=[*filter_openapi_parameters(CompareFilter), AS_OF, *PAGE], responses=ComparePageSerializer
    )
    def get(self, request: Request, slug: str) -> Response:
        contract = get_object_or_404(Contract, slug=slug)
        data, in_force = self.revisions_asked(request, contract)
        filterset = api_filterset_class(CompareFilter, self.query_parameters())(data, contract=contract)
        comparison = filterset.comparison()
        if comparison is None:
            raise refused(filterset)
        rows = self.paginate_queryset(comparison.rows)
        body: dict[str, Any] = {
            "base": RevisionRefSerializer(comparison.base).data,
            "target": RevisionRefSerializer(comparison.target).data,
        }
        if in_force is not None:
            body["in_force"] = InForceSerializer(in_force).data
        assert self.paginator is not None
        body |= {
            "next": self.paginator.get_next_link(),
            "previous": self.paginator.get_previous_link(),
            "results": CompareRowSerializer(rows, many=True).data,
        }
        return Response(body)

    def revisions_asked(self, request: Request, contract: Contract) -> tuple[QueryDict, RevisionInForce | None]:
        """The filters, with `as_of` made into the revisions it chooses: the one in force that day as the target,
        and, unless `base` names one, the one before it as the base."""
        data = request.query_params.copy()
        day = day_asked(request)
        if day is None:
            return data, None
        data.pop("as_of")
        if data.get("target"):
            raise ValidationError({"as_of": ["as_of chooses the target revision: give as_of or target, not both."]})
        in_force = revision_in_force(contract=contract, day=day)
        if in_force.revision is None:
            perhaps = in_force.perhaps
            why = f" ({perhaps.code} perhaps was: its signing date is not known closely enough)" if perhaps else ""
            raise ValidationError(
                {"as_of": [f"No revision of {contract.title} was certainly in force on {day.isoformat()}{why}."]}
            )
        target = in_force.revision
        data["target"] = target.code
        if not data.get("base"):
            revisions = revisions_in_order(contract=contract)
            earlier = [revision for revision in revisions if revision.sequence < target.sequence]
            if not earlier:
                raise ValidationError(
                    {"as_of": [f"{target.title}, in force on {day.isoformat()}, is the first revision of "
                               f"{contract.title}: name a later one as base to compare them."]}
                )  # fmt: skip
            data["base"] = earlier[-1].code
        return data, in_force
