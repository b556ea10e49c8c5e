"""The pages' filter sets, as strict in the API as on the pages.

django-filter's DRF backend answers an invalid value with a 400 but ignores a parameter no filter knows, and DRF
ignores any parameter a view does not read. Here every view refuses a parameter it does not know, and the filter
sets (nhsit.lib.filtering.StrictFilterSet) accept the API's own parameters in place of the pages' ones (page,
per_page, sort, _export), which an API view would otherwise ignore."""

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from nhsit.lib.filtering import StrictFilterSet, unknown_parameters_message


def refuse_unknown_parameters(request: Request, known: Iterable[str]) -> None:
    known = set(known)
    unknown = [name for name in request.query_params if name not in known]
    if unknown:
        # Each refused parameter named in `errors`; the message, naming them all, once in `detail`.
        raise ValidationError(
            {"__all__": [unknown_parameters_message(unknown, known)], **{name: [] for name in unknown}}
        )


def api_filterset_class(filterset_class: type[StrictFilterSet], accepted: Iterable[str]) -> type[StrictFilterSet]:
    """The page's filter set, accepting the API's parameters (`accepted`) besides its filters, and no others."""
    attributes = {"accepted_parameters": frozenset(accepted), "__module__": __name__}
    return type(f"Api{filterset_class.__name__}", (filterset_class,), attributes)


def refused(filterset: StrictFilterSet) -> ValidationError:
    """The filter form's errors, each under the parameter it is about ("__all__" for the request as a whole)."""
    return ValidationError({name: list(messages) for name, messages in filterset.form.errors.items()})


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend with the view's filter set made to accept the API's parameters, not the pages'."""

    def get_filterset_class(self, view: Any, queryset: QuerySet | None = None) -> type[StrictFilterSet] | None:
        filterset_class = super().get_filterset_class(view, queryset)
        if filterset_class is None:
            return None
        return api_filterset_class(filterset_class, view.query_parameters())

    def filter_queryset(self, request: Request, queryset: QuerySet, view: Any) -> QuerySet:
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise refused(filterset)
        return filterset.qs
