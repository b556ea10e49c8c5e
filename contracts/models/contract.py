from concurrency.fields import AutoIncVersionField
from django.db import models
from django.db.models import F, Q, Window
from django.db.models.functions import Lag
from simple_history.models import HistoricalRecords

from nhsit.lib.csv_export import starts_safely
from nhsit.lib.dates import DatePrecision, partial_date_display
from nhsit.lib.managers import SlugManager
from nhsit.lib.urls import page_url
from organisations.models import Supplier


class Contract(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    programme = models.CharField(max_length=200, blank=True)
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="contracts", help_text="The prime contractor (the LSP)."
    )
    region = models.CharField(max_length=80, blank=True)
    signed_on = models.DateField(null=True, blank=True)
    signed_precision = models.CharField(max_length=12, choices=DatePrecision.choices, default=DatePrecision.DAY)
    description = models.TextField(blank=True)
    is_featured = models.BooleanField(
        "featured",
        default=False,
        help_text="Shown on the home page. Featuring one contract stops featuring any other.",
    )

    objects = SlugManager()

    # Optimistic locking: a save based on an older version is refused (django-concurrency).
    version = AutoIncVersionField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        constraints = [starts_safely("slug", name="contract_slug_starts_safely")]
        permissions = [("upload_contract", "Can upload a whole contract")]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return page_url("contract_detail", self.slug)

    def natural_key(self):
        return (self.slug,)

    @property
    def signed_display(self) -> str:
        return partial_date_display(self.signed_on, self.signed_precision)


class RevisionQuerySet(models.QuerySet):
    def visible(self, *, drafts: bool = False) -> "RevisionQuerySet":
        """The revisions the public may see: the published ones (and drafts too, for an editor's preview)."""
        return self if drafts else self.filter(is_published=True)

    def with_value_change(self) -> "RevisionQuerySet":
        """Annotate each revision with the value of the one before it and the change (GBP)."""
        previous_value = Window(Lag("total_value"), partition_by=[F("contract_id")], order_by=F("sequence").asc())
        return self.annotate(previous_value=previous_value).annotate(
            value_change=F("total_value") - F("previous_value")
        )


_RevisionManagerBase = models.Manager.from_queryset(RevisionQuerySet)


class RevisionManager(_RevisionManagerBase):
    def get_by_natural_key(self, contract_slug, code):
        return self.get(contract__slug=contract_slug, code=code)


class Revision(models.Model):
    """One version of a contract: the original, then each change note, in order."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="revisions")
    code = models.SlugField(max_length=40, help_text="Stable code used in URLs and exports, e.g. ccn3.")
    title = models.CharField(max_length=200)
    sequence = models.PositiveIntegerField(help_text="Order within the contract; the original comes first.")
    signed_on = models.DateField(null=True, blank=True)
    signed_precision = models.CharField(max_length=12, choices=DatePrecision.choices, default=DatePrecision.DAY)
    # Whole contract value in GBP after this revision; blank where no source gives it.
    total_value = models.DecimalField(max_digits=14, decimal_places=0, null=True, blank=True)
    value_note = models.TextField(blank=True, help_text="How the value is stated, and on what price basis.")
    summary = models.TextField(blank=True)
    is_published = models.BooleanField(
        "published",
        default=False,
        help_text="Once published, it and its entitlements and deliverables change only as corrections, each with a "
        "reason. Only publishers publish and unpublish.",
    )

    objects = RevisionManager()

    # Optimistic locking: a save based on an older version is refused (django-concurrency).
    version = AutoIncVersionField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "code"], name="revision_code_unique_per_contract"),
            models.UniqueConstraint(fields=["contract", "sequence"], name="revision_sequence_unique_per_contract"),
            models.CheckConstraint(condition=Q(total_value__gte=0), name="revision_value_not_negative"),
            starts_safely("code", name="revision_code_starts_safely"),
        ]
        permissions = [
            ("correct_published_data", "Can correct the entitlements and deliverables of a published revision"),
            ("publish_revision", "Can publish and unpublish revisions"),
        ]

    def __str__(self):
        return f"{self.contract.slug}: {self.title}"

    def get_absolute_url(self) -> str:
        return f"{page_url('contract_detail', self.contract.slug)}#revision-{self.code}"

    def natural_key(self):
        return (self.contract.slug, self.code)

    natural_key.dependencies = ["contracts.contract"]  # type: ignore[attr-defined]  # read by serializers

    @property
    def signed_display(self) -> str:
        return partial_date_display(self.signed_on, self.signed_precision)
