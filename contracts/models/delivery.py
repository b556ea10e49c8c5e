from concurrency.fields import AutoIncVersionField
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from contracts.models.contract import Contract, Revision
from contracts.models.system import System
from nhsit.lib.dates import DatePrecision, partial_date_display
from nhsit.lib.qualifiers import Qualifier
from organisations.models import Organisation, Supplier


class DeliverableStatus(models.TextChoices):
    INCLUDED = "included", "included"
    REDUCED = "reduced", "reduced"
    REMOVED = "removed", "removed"
    NOT_RENEWED = "not_renewed", "not renewed"
    ADDED = "added", "added"


class Deliverable(models.Model):
    """A programme-level line of a revision: 1,500 GP practices, two RiO releases..."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="deliverables")
    system = models.ForeignKey(System, on_delete=models.PROTECT, related_name="deliverables")
    code = models.SlugField(max_length=60, help_text="Stable within the contract: the same line keeps its code.")
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=12, choices=DeliverableStatus.choices)
    quantity = models.PositiveIntegerField(null=True, blank=True)
    quantity_qualifier = models.CharField(max_length=8, choices=Qualifier.choices, default=Qualifier.EXACT)
    unit = models.CharField(max_length=80, blank=True, help_text="What the quantity counts, e.g. practices.")
    delivered_quantity = models.PositiveIntegerField(null=True, blank=True)
    delivered_qualifier = models.CharField(max_length=8, choices=Qualifier.choices, default=Qualifier.EXACT)
    end_on = models.DateField(null=True, blank=True)
    end_precision = models.CharField(max_length=12, choices=DatePrecision.choices, default=DatePrecision.DAY)
    terms = models.TextField(blank=True)
    notes = models.TextField(blank=True)

    # Optimistic locking: a save based on an older version is refused (django-concurrency).
    version = AutoIncVersionField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["revision", "system__name", "code"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "code"], name="deliverable_code_unique_per_revision"),
            models.CheckConstraint(condition=Q(status__in=DeliverableStatus.values), name="deliverable_status_valid"),
        ]

    def __str__(self):
        return f"{self.revision.code}: {self.title} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return f"{self.system.get_absolute_url()}#deliverable-{self.code}"

    @property
    def end_display(self) -> str:
        return partial_date_display(self.end_on, self.end_precision)


class DeploymentStatus(models.TextChoices):
    NOMINAL_SLOT = "nominal_slot", "nominal slot"
    SCHEDULED = "scheduled", "scheduled"
    LIVE = "live", "live"
    WITHDRAWN = "withdrawn", "withdrawn"
    CANCELLED = "cancelled", "cancelled"


class Deployment(models.Model):
    """What actually happened at an organisation: a system going live, or a slot taken away."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="deployments")
    system = models.ForeignKey(System, on_delete=models.PROTECT, related_name="deployments")
    contract = models.ForeignKey(
        Contract,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deployments",
        help_text="The contract it was delivered under; blank if outside any recorded contract or unknown.",
    )
    site = models.CharField(max_length=200, blank=True, help_text="Blank when it covers the whole organisation.")
    phase = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=DeploymentStatus.choices)
    slot_start = models.DateField(null=True, blank=True)
    slot_end = models.DateField(null=True, blank=True)
    go_live_on = models.DateField(null=True, blank=True)
    go_live_precision = models.CharField(max_length=12, choices=DatePrecision.choices, default=DatePrecision.DAY)
    delivered_by = models.ForeignKey(
        Supplier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deployments",
        help_text="Blank where no source says who delivered it.",
    )
    delivery_model = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)

    # Optimistic locking: a save based on an older version is refused (django-concurrency).
    version = AutoIncVersionField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name", "system__name", "go_live_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "system", "site", "phase"], name="deployment_unique_per_site_and_phase"
            ),
            models.CheckConstraint(condition=Q(status__in=DeploymentStatus.values), name="deployment_status_valid"),
            models.CheckConstraint(
                condition=Q(slot_start__isnull=True) | Q(slot_end__isnull=True) | Q(slot_end__gte=F("slot_start")),
                name="deployment_slot_ends_after_start",
            ),
        ]
        indexes = [
            # "Is it live there?" beside every cell of the compare matrix.
            models.Index(fields=["organisation", "system", "status"], name="deployment_org_system_status"),
        ]

    def __str__(self):
        where = f" ({self.site})" if self.site else ""
        return f"{self.system} at {self.organisation.identifier}{where}: {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return f"{self.organisation.get_absolute_url()}#deployments"

    @property
    def go_live_display(self) -> str:
        return partial_date_display(self.go_live_on, self.go_live_precision)
