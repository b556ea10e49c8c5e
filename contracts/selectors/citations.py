"""Citations, and what each one supports."""

from django.db.models import F, Func, OuterRef, Q, QuerySet, Subquery
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


def visible_citations(*, drafts: bool = False, prefix: str = "") -> Q:
    """Citations of records the public may see: none of a draft revision, its rows or figures about it. `prefix`
    is the path to the citation from the model filtered ("citations__" from a source)."""
    if drafts:
        return Q()
    hidden = Q()
    for path in ["revision", "entitlement__revision", "deliverable__revision", "reported_figure__revision"]:
        hidden |= Q(**{f"{prefix}{path}__is_published": False})
    return ~hidden


def citation_count(field: str) -> Coalesce:
    """How many citations support the outer record, where `field` is the citation's link to it."""
    citations = Citation.objects.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(citations.annotate(count=Func(F("pk"), function="COUNT")).values("count")), 0)


def citation_rows(*, drafts: bool = False) -> QuerySet[Citation]:
    """Citations with every record they can support, and what those records' labels read, in one query."""
    return Citation.objects.filter(visible_citations(drafts=drafts)).select_related(*CITATION_TARGETS_RELATED)


def source_citations(*, source: Source, drafts: bool = False) -> QuerySet[Citation]:
    return citation_rows(drafts=drafts).filter(source=source).order_by("id")
