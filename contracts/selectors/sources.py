"""The sources list."""

from django.db.models import Count, Q, QuerySet

from contracts.models import Source
from contracts.selectors.citations import visible_citations


def source_rows(*, drafts: bool = False) -> QuerySet[Source]:
    """Sources with how many of the records the public may see each supports as they now are (a citation of a
    value since changed supports nothing shown)."""
    visible = visible_citations(drafts=drafts, prefix="citations__")
    supported = Count("citations", filter=visible & Q(citations__current=True))
    return Source.objects.annotate(citation_count=supported).order_by("published_on", "title")
