"""Citations, and what each one supports."""

from django.db.models import F, Func, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from contracts.models import Citation, Source

# What a citation's target reads for its label, whatever kind of record it is: one query for them all.
CITATION_TARGETS_RELATED = [
    "source",
    "contract",
    "revision__contract",
    "system",
    "entitlement__organisation",
    "entitlement__system",
    "entitlement__revision__contract",
    "deliverable__revision",
    "deliverable__system",
    "deployment__organisation",
    "deployment__system",
    "reported_figure__contract",
    "organisation",
    "succession__predecessor",
    "succession__successor",
    "local_system__organisation",
]


def citation_count(field: str) -> Coalesce:
    """How many citations support the outer record, where `field` is the citation's link to it."""
    citations = Citation.objects.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(citations.annotate(count=Func(F("pk"), function="COUNT")).values("count")), 0)


def citation_rows() -> QuerySet[Citation]:
    """Citations with every record they can support, and what those records' labels read, in one query."""
    return Citation.objects.select_related(*CITATION_TARGETS_RELATED)


def source_citations(*, source: Source) -> QuerySet[Citation]:
    return citation_rows().filter(source=source).order_by("id")
