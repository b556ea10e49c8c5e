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
    history = HistoricalRecords()

    class Meta:
        ordering = ["published_on", "title"]

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
    """A source behind one record, with the exact quote where the source's text is at hand."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    quote = models.TextField(blank=True, help_text="The source's exact words. Blank if its text is not at hand.")
    note = models.TextField(blank=True, help_text="What the source supports, in brief, when there is no quote.")

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

    history = HistoricalRecords()

    class Meta:
        ordering = ["source__published_on", "id"]
        constraints = [
            models.CheckConstraint(condition=_exactly_one_target(), name="citation_supports_exactly_one_record"),
            models.CheckConstraint(condition=~Q(quote="") | ~Q(note=""), name="citation_has_quote_or_note"),
        ]

    def __str__(self):
        return f"{self.source.key}: {(self.quote or self.note)[:80]}"

    @property
    def target(self) -> models.Model | None:
        for name, _model in CITABLE:
            record = getattr(self, name)
            if record is not None:
                return record
        return None

    def clean(self):
        if not self.quote.strip() and not self.note.strip():
            raise ValidationError("Give the source's exact words, or a note of what it supports.")
