"""The sources list."""

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When

from contracts.models import Source
from contracts.selectors.citations import visible_citations


def source_rows(*, drafts: bool = False) -> QuerySet[Source]:
    """Sources with how many of the records the public may see each supports as they now are (a citation of a
    value since changed supports nothing shown): by date, undated after dated, and those supporting nothing last."""
    visible = visible_citations(drafts=drafts, prefix="citations__")
    supported = Count("citations", filter=visible & Q(citations__current=True))
    supports_nothing = Case(When(citation_count=0, then=Value(1)), default=Value(0), output_field=IntegerField())
    return Source.objects.annotate(citation_count=supported).order_by(
        supports_nothing, F("published_on").asc(nulls_last=True), "title"
    )
