"""The sources list."""

from django.db.models import Count, QuerySet

from contracts.models import Source


def source_rows() -> QuerySet[Source]:
    return Source.objects.annotate(citation_count=Count("citations")).order_by("published_on", "title")
