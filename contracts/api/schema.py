"""The OpenAPI schema (drf-spectacular) says what the API does: the pages' filters as query parameters, and the
errors every operation may answer."""

from typing import Any

import django_filters
from drf_spectacular.extensions import OpenApiFilterExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from nhsit.lib.filtering import CodeListFilter


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For a refused request, each parameter refused with its messages (`__all__`: the request as a "
        "whole).",
    )


ERRORS = {
    "400": "A parameter the operation does not know, or a value it does not take: `errors` names each.",
    "404": "No such record.",
    "429": "Too many requests from this address: the Retry-After header says how many seconds to wait.",
}


class ApiSchema(AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code, description in ERRORS.items():
            if code == "404" and "{" not in self.path:
                continue
            response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
            responses.setdefault(code, {**response, "description": description})
        return responses


def filter_parameter(name: str, filter_: django_filters.Filter) -> dict[str, Any]:
    """One filter as a query parameter: a code, or (repeatable) several. The choices the filter reads from the
    database (systems, kinds, sectors, revisions) are not listed: the schema would change with the data."""
    choices = [code for code, _label in filter_.extra.get("choices") or []]
    value: dict[str, Any] = {"type": "string"}
    if choices:
        value["enum"] = choices
    elif filter_.extra.get("max_length"):
        value["maxLength"] = filter_.extra["max_length"]
    many = isinstance(filter_, django_filters.MultipleChoiceFilter | CodeListFilter)
    parameter = {
        "name": name,
        "in": "query",
        "required": False,
        "description": str(filter_.label or name),
        "schema": {"type": "array", "items": value} if many else value,
    }
    return {**parameter, "style": "form", "explode": True} if many else parameter


class StrictFilterBackendSchema(OpenApiFilterExtension):
    target_class = "contracts.api.filtering.StrictFilterBackend"
    priority = 1  # before drf-spectacular's own, for django-filter's backend and its subclasses

    def get_schema_operation_parameters(self, auto_schema: AutoSchema, *args: Any, **kwargs: Any) -> list[dict]:
        filterset_class = getattr(auto_schema.view, "filterset_class", None)
        if filterset_class is None:
            return []
        return [filter_parameter(name, filter_) for name, filter_ in filterset_class.base_filters.items()]


def filter_openapi_parameters(filterset_class: type[django_filters.FilterSet]) -> list[OpenApiParameter]:
    """The same parameters for a view that is not a list (whose filters drf-spectacular would not look for)."""
    found = []
    for name, filter_ in filterset_class.base_filters.items():
        described = filter_parameter(name, filter_)
        many = described["schema"]["type"] == "array"
        value = described["schema"]["items"] if many else described["schema"]
        found.append(
            OpenApiParameter(
                name,
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                description=described["description"],
                enum=value.get("enum"),
                many=many,
                explode=True if many else None,
                style="form" if many else None,
            )
        )
    return found


AS_OF = OpenApiParameter(
    "as_of", OpenApiTypes.DATE, OpenApiParameter.QUERY,
    description="YYYY-MM-DD: the revision in force that day (and, where a signing date is known only to the month "
    "or year, the one perhaps in force).",
)  # fmt: skip

PAGE = [
    OpenApiParameter(
        "cursor", OpenApiTypes.STR, OpenApiParameter.QUERY,
        description="Where the page starts: the `next` or `previous` link of another page holds it.",
    ),
    OpenApiParameter(
        "page_size", {"type": "integer", "minimum": 1, "maximum": 500}, OpenApiParameter.QUERY,
        description="Rows per page, from 1 to 500 (50 unless given).",
    ),
]  # fmt: skip
