"""Citations, and what each one supports."""

from collections.abc import Collection, Sequence

from django.db.models import Case, Exists, F, Func, Model, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from contracts.evidence import CITATION_FIELD, GRADE_ORDER, UNCITED
from contracts.models import Citation, Source

# The citations that give a record its evidence, and those of them that count as its sources.
GIVES_EVIDENCE = Q(current=True)
COUNTS_AS_SOURCE = Q(current=True, source__isnull=False)

# Sorts grades from the strongest support to the weakest.
GRADE_RANK = Case(*(When(grade=grade, then=Value(rank)) for rank, grade in enumerate(GRADE_ORDER)))

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
    """How many sources support the outer record's values as they now are, where `field` is the citation's link
    to it (citations of an earlier value, and unsourced ones, are not counted)."""
    citations = Citation.objects.filter(COUNTS_AS_SOURCE, **{field: OuterRef("pk")})
    citations = citations.order_by().values(field)
    return Coalesce(Subquery(citations.annotate(count=Func(F("pk"), function="COUNT")).values("count")), 0)


def strongest_grade(field: str) -> Coalesce:
    """The strongest grade among the current citations of the outer record (`field` links a citation to it): what
    its evidence is. "uncited" when nothing supports its values as they now are."""
    citations = Citation.objects.filter(GIVES_EVIDENCE, **{field: OuterRef("pk")}).order_by(GRADE_RANK, "pk")
    return Coalesce(Subquery(citations.values("grade")[:1]), Value(UNCITED))


def cited(which: Q = GIVES_EVIDENCE, *, field: str = "entitlement") -> Exists:
    """Whether the outer record has a citation of those `which` picks (`field` links a citation to it)."""
    return Exists(Citation.objects.filter(which, **{field: OuterRef("pk")}))


def evidence_among(grades: Collection[str], *, field: str = "entitlement") -> Q:
    """The outer records, annotated with their `evidence` (strongest_grade()), whose evidence is one of `grades`.
    Said through whether each is cited, so that the database does not take the uncited rows (most of them, often
    all) for a rare few and plan to read every row."""
    graded = [grade for grade in grades if grade != UNCITED]
    condition = Q(cited(field=field), evidence__in=graded) if graded else Q(pk__in=[])
    return condition | ~Q(cited(field=field)) if UNCITED in grades else condition


def citation_rows(*, drafts: bool = False) -> QuerySet[Citation]:
    """Citations with every record they can support, and what those records' labels read, in one query."""
    return Citation.objects.filter(visible_citations(drafts=drafts)).select_related(*CITATION_TARGETS_RELATED)


def source_citations(*, source: Source, drafts: bool = False) -> QuerySet[Citation]:
    return citation_rows(drafts=drafts).filter(source=source).order_by("id")


def citations_of(records: Sequence[Model], *, drafts: bool = False) -> QuerySet[Citation]:
    """Every citation of any of the records, current or not, in one query."""
    ids: dict[str, list[int]] = {}
    for record in records:
        ids.setdefault(CITATION_FIELD[type(record)], []).append(record.pk)
    if not ids:
        return Citation.objects.none()
    cited = Q()
    for name, pks in ids.items():
        cited |= Q(**{f"{name}__in": pks})
    return citation_rows(drafts=drafts).filter(cited).order_by("id")
