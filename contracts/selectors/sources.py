"""The sources list."""

from django.db.models import Count, QuerySet

from contracts.models import Source
from contracts.selectors.citations import visible_citations


def source_rows(*, drafts: bool = False) -> QuerySet[Source]:
    """Sources with how many of the records the public may see each supports."""
    supported = Count("citations", filter=visible_citations(drafts=drafts, prefix="citations__"))
    return Source.objects.annotate(citation_count=supported).order_by("published_on", "title")
