"""What the records do not know or cannot source: the data-quality page's counts, and the reported figures set
beside what the records give."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework.request import Request
from rest_framework.response import Response

from contracts.api.filtering import api_filterset_class, refused
from contracts.api.schema import filter_openapi_parameters
from contracts.api.serializers import FigureSerializer, QualitySerializer
from contracts.api.views import ApiView
from contracts.filters import FigureFilter
from contracts.models import Contract
from contracts.pages.figures import FigureCheck, figure_checks
from contracts.pages.quality import quality_report
from contracts.selectors.revisions import revisions_in_order
from contracts.services.reconcile import contract_figures, reported_figure_reconcile


class DataQuality(ApiView):
    """The site's data-quality counts, or (under a contract's address) one contract's."""

    @extend_schema(responses=QualitySerializer)
    def get(self, request: Request, slug: str | None = None) -> Response:
        contract = get_object_or_404(Contract, slug=slug) if slug is not None else None
        return Response(QualitySerializer(quality_report(contract=contract)).data)


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
        scope = filterset.scope()
        contracts = Contract.objects.order_by("slug")
        if scope.contract:
            contracts = contracts.filter(slug=scope.contract)
        checks: list[FigureCheck] = []
        for contract in contracts:
            figures = contract_figures(contract=contract)
            if scope.system:
                figures = figures.filter(system__slug=scope.system)
            if scope.organisation:
                figures = figures.none()  # no figure speaks of one organisation
            revisions = list(revisions_in_order(contract=contract))
            reconciliations = reported_figure_reconcile(figures=figures)
            checks += [
                check
                for check in figure_checks(reconciliations, revisions=revisions)
                if filterset.wanted(check.reconciliation.verdict)
            ]
        return Response({"results": FigureSerializer(checks, many=True).data})
