"""What the records do not know or cannot source: the data-quality page's counts, and the reported figures set
beside what the records give."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from contracts.api.filtering import api_filterset_class, refused
from contracts.api.schema import filter_openapi_parameters
from contracts.api.serializers import FigureSerializer, QualitySerializer
from contracts.api.views import ApiView
from contracts.filters import FigureFilter
from contracts.models import Contract
from contracts.pages.figures import figure_list_checks
from contracts.pages.quality import quality_report
from nhsit.lib.pagination import NoSuchPage


class DataQuality(ApiView):
    """The site's data-quality counts, or (under a contract's address) one contract's. The counts by organisation
    come a page of organisations at a time (`?page=`), with how many there are and the next page's address."""

    extra_parameters = frozenset({"page"})

    @extend_schema(
        responses=QualitySerializer,
        parameters=[OpenApiParameter("page", int, description="Which page of the counts by organisation (from 1).")],
    )
    def get(self, request: Request, slug: str | None = None) -> Response:
        contract = get_object_or_404(Contract, slug=slug) if slug is not None else None
        try:
            report = quality_report(contract=contract, page=request.query_params.get("page", "1"))
        except NoSuchPage as missing:
            raise ValidationError({"page": [str(missing)]}) from missing
        return Response(QualitySerializer(report, context={"request": request}).data)


class FigureList(ApiView):
    """Numbers sources state, each beside what the records give and the verdict, filtered as the figures page
    filters them. All of them: a contract has tens, not thousands."""

    filterset_class = FigureFilter

    @extend_schema(
        parameters=filter_openapi_parameters(FigureFilter),
        responses=inline_serializer("FigureList", {"results": FigureSerializer(many=True)}),
    )
    def get(self, request: Request) -> Response:
        filterset = api_filterset_class(FigureFilter, self.query_parameters())(request.query_params)
        if not filterset.is_valid():
            raise refused(filterset)
        checks = figure_list_checks(scope=filterset.scope(), wanted=filterset.wanted)
        return Response({"results": FigureSerializer(checks, many=True).data})
