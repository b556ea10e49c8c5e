from concurrency.fields import AutoIncVersionField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from contracts.models.contract import Contract, Revision
from contracts.models.delivery import Deliverable, Deployment
from contracts.models.entitlement import Entitlement
from contracts.models.figure import ReportedFigure
from contracts.models.system import System
from nhsit.lib.csv_export import starts_safely
from nhsit.lib.dates import DatePrecision, partial_date_display
from organisations.models import LocalSystem, Organisation, Succession


class SourceKind(models.TextChoices):
    ARTICLE = "article", "news article"
    BLOG = "blog", "blog post"
    LETTER = "letter", "letter"
    CONTRACT = "contract", "contract document"
    REPORT = "report", "report"
    PARLIAMENTARY = "parliamentary", "parliamentary record"
    PRESS_RELEASE = "press_release", "press release"
    WEB_PAGE = "web_page", "web page"
    DATASET = "dataset", "dataset"


class EvidenceGrade(models.TextChoices):
    """How a citation supports its fact."""

    STATED = "stated", "stated"  # the source says it
    INFERRED = "inferred", "inferred"  # it follows from what sources say; the citation says how
    DERIVED = "derived", "derived"  # computed from other recorded facts, which the citation names
    UNSOURCED = "unsourced", "unsourced"  # saved without a source, for the reason the citation gives


class SourceManager(models.Manager):
    def get_by_natural_key(self, key):
        return self.get(key=key)


class Source(models.Model):
    key = models.SlugField(max_length=100, unique=True, help_text="Stable identifier used by the seed data.")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=16, choices=SourceKind.choices)
    publisher = models.CharField(max_length=200, blank=True)
    author = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(null=True, blank=True)
    published_precision = models.CharField(max_length=12, choices=DatePrecision.choices, default=DatePrecision.DAY)
    url = models.URLField(max_length=500, blank=True)
    notes = models.TextField(blank=True)

    objects = SourceManager()
    # Optimistic locking: a save based on an older version is refused (django-concurrency).
    version = AutoIncVersionField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["published_on", "title"]
        constraints = [starts_safely("key", name="source_key_starts_safely")]

    def __str__(self):
        return f"{self.publisher}: {self.title}" if self.publisher else self.title

    def get_absolute_url(self) -> str:
        return reverse("source_detail", args=[self.pk])

    def natural_key(self):
        return (self.key,)

    @property
    def published_display(self) -> str:
        return partial_date_display(self.published_on, self.published_precision)


# Everything a citation can support, as (field name, model).
CITABLE = [
    ("contract", Contract),
    ("revision", Revision),
    ("system", System),
    ("entitlement", Entitlement),
    ("deliverable", Deliverable),
    ("deployment", Deployment),
    ("reported_figure", ReportedFigure),
    ("organisation", Organisation),
    ("succession", Succession),
    ("local_system", LocalSystem),
]


def _exactly_one_target() -> Q:
    condition = Q()
    for name, _model in CITABLE:
        only_this = Q(**{f"{name}__isnull": False})
        for other, _other_model in CITABLE:
            if other != name:
                only_this &= Q(**{f"{other}__isnull": True})
        condition |= only_this
    return condition


class Citation(models.Model):
    """A source behind one record, with the exact quote where the source's text is at hand, and how it supports the
    record: stated by the source, inferred from it, derived from other facts, or (with no source) saved unsourced.

    A citation supports the record's sourced values as they were when it was made (`supports`); once they change,
    it is kept, but `current` says it supports an earlier value (contracts.evidence keeps it up to date).
    """

    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="citations",
        help_text="Blank only for a fact saved as unsourced.",
    )  # fmt: skip
    quote = models.TextField(blank=True, help_text="The source's exact words. Blank if its text is not at hand.")
    note = models.TextField(blank=True, help_text="What the source supports, in brief, when there is no quote.")
    grade = models.CharField(max_length=10, choices=EvidenceGrade.choices, default=EvidenceGrade.STATED)
    reasoning = models.TextField(
        blank=True,
        help_text="For an inferred fact, how it follows; for a derived one, the recorded facts it is computed from; "
        "for an unsourced one, why there is no source.",
    )
    supports = models.JSONField(
        default=dict, blank=True, help_text="The record's sourced values this citation was given for."
    )
    current = models.BooleanField(default=True, help_text="Whether the record still has the values it was given for.")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, null=True, blank=True, related_name="citations")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, null=True, blank=True, related_name="citations")
    system = models.ForeignKey(System, on_delete=models.CASCADE, null=True, blank=True, related_name="citations")
    entitlement = models.ForeignKey(
        Entitlement, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    deliverable = models.ForeignKey(
        Deliverable, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    deployment = models.ForeignKey(
        Deployment, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    reported_figure = models.ForeignKey(
        ReportedFigure, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    succession = models.ForeignKey(
        Succession, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    local_system = models.ForeignKey(
        LocalSystem, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )

    # Optimistic locking: a save based on an older version is refused (django-concurrency).
    version = AutoIncVersionField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["source__published_on", "id"]
        constraints = [
            models.CheckConstraint(condition=_exactly_one_target(), name="citation_supports_exactly_one_record"),
            models.CheckConstraint(
                condition=~Q(quote="") | ~Q(note="") | ~Q(reasoning=""), name="citation_has_quote_note_or_reasoning"
            ),
            models.CheckConstraint(condition=Q(grade__in=EvidenceGrade.values), name="citation_grade_valid"),
            models.CheckConstraint(
                condition=Q(grade=EvidenceGrade.STATED) | ~Q(reasoning=""), name="citation_not_stated_says_why"
            ),
            models.CheckConstraint(
                condition=Q(grade=EvidenceGrade.UNSOURCED, source__isnull=True)
                | (~Q(grade=EvidenceGrade.UNSOURCED) & Q(source__isnull=False)),
                name="citation_has_a_source_unless_unsourced",
            ),
        ]
        indexes = [
            # The data-quality counts: facts by grade, and citations of an earlier value.
            models.Index(fields=["grade", "current"], name="citation_grade_current"),
        ]

    def __str__(self):
        words = (self.quote or self.note or self.reasoning)[:80]
        return f"{self.source.key if self.source else 'unsourced'}: {words}"

    @property
    def target(self) -> models.Model | None:
        for name, _model in CITABLE:
            record = getattr(self, name)
            if record is not None:
                return record
        return None

    def clean(self):
        if self.grade == EvidenceGrade.UNSOURCED:
            if self.source_id is not None:
                raise ValidationError({"source": "An unsourced fact has no source: choose another grade."})
        elif self.source_id is None:
            raise ValidationError({"source": "Choose the source, or grade the fact as unsourced and say why."})
        if self.grade != EvidenceGrade.STATED and not self.reasoning.strip():
            asked: dict[str, str] = {
                EvidenceGrade.INFERRED: "Say how the fact follows from what the source says.",
                EvidenceGrade.DERIVED: "Name the recorded facts it is computed from, and how.",
                EvidenceGrade.UNSOURCED: "Say why there is no source.",
            }
            raise ValidationError({"reasoning": asked[self.grade]})
        if self.grade != EvidenceGrade.UNSOURCED and not self.quote.strip() and not self.note.strip():
            raise ValidationError("Give the source's exact words, or a note of what it supports.")
