from concurrency.fields import AutoIncVersionField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from simple_history.models import HistoricalRecords

from nhsit.lib.dates import DatePrecision, partial_date_display
from nhsit.lib.managers import SlugManager

ods_code_validator = RegexValidator(r"^[A-Z0-9]{3,6}$", "An ODS code is 3 to 6 capital letters and digits, e.g. RAN.")


class Supplier(models.Model):
    """A company: the local service provider (BT) or a software vendor (Cerner, INPS...)."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    notes = models.TextField(blank=True)

    objects = SlugManager()

    # Optimistic locking: a save based on an older version is refused (django-concurrency).
    version = AutoIncVersionField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class OrganisationKind(models.TextChoices):
    ACUTE = "acute", "acute"
    SPECIALIST_ACUTE = "specialist_acute", "specialist acute"
    MENTAL_HEALTH = "mental_health", "mental health"
    COMMUNITY = "community", "community"
    AMBULANCE = "ambulance", "ambulance"
    PRIMARY_CARE_TRUST = "primary_care_trust", "primary care trust"
    OTHER = "other", "other"


class OrganisationManager(models.Manager):
    def get_by_natural_key(self, ods_code):
        return self.get(ods_code=ods_code)


class Organisation(models.Model):
    """An NHS body, keyed by its ODS code."""

    ods_code = models.CharField("ODS code", max_length=6, unique=True, validators=[ods_code_validator])
    name = models.CharField(max_length=200, help_text="As the body was named at the time of the contract.")
    short_name = models.CharField(max_length=80, blank=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    region = models.CharField(max_length=80, blank=True)
    sector = models.CharField(max_length=80, blank=True, help_text="Blank where no source places it.")
    is_teaching = models.BooleanField("teaching trust", default=False)
    is_foundation_trust = models.BooleanField(
        "foundation trust", null=True, blank=True, help_text="Unknown (blank) where no source says."
    )
    opened_on = models.DateField(null=True, blank=True)
    opened_precision = models.CharField(max_length=12, choices=DatePrecision.choices, default=DatePrecision.DAY)
    closed_on = models.DateField(null=True, blank=True)
    closed_precision = models.CharField(max_length=12, choices=DatePrecision.choices, default=DatePrecision.DAY)
    notes = models.TextField(blank=True)

    objects = OrganisationManager()

    # Optimistic locking: a save based on an older version is refused (django-concurrency).
    version = AutoIncVersionField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ods_code=Upper("ods_code")),
                name="organisation_ods_code_uppercase",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=OrganisationKind.values),
                name="organisation_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(opened_on__isnull=True)
                | models.Q(closed_on__gte=models.F("opened_on")),
                name="organisation_closes_after_opening",
            ),
        ]
        indexes = [
            # Lists and the compare table are in this order: a page of them is read from the index,
            # not by sorting every row.
            models.Index(fields=["name", "ods_code"], name="organisation_list_order"),
        ]

    def __str__(self):
        return f"{self.name} ({self.ods_code})"

    def get_absolute_url(self) -> str:
        return reverse("trust_detail", args=[self.ods_code])

    def natural_key(self):
        return (self.ods_code,)

    @property
    def opened_display(self) -> str:
        return partial_date_display(self.opened_on, self.opened_precision)

    @property
    def closed_display(self) -> str:
        return partial_date_display(self.closed_on, self.closed_precision)


class Succession(models.Model):
    """One body passing into another: a merger, an acquisition, or a dissolution in parts."""

    predecessor = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="successions")
    successor = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="predecessions")
    effective_on = models.DateField(null=True, blank=True)
    effective_precision = models.CharField(max_length=12, choices=DatePrecision.choices, default=DatePrecision.DAY)
    part = models.CharField(
        max_length=200, blank=True, help_text="Which part passed, when a body was split (e.g. a hospital site)."
    )
    notes = models.TextField(blank=True)

    # Optimistic locking: a save based on an older version is refused (django-concurrency).
    version = AutoIncVersionField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["effective_on", "predecessor__ods_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor", "part"], name="succession_unique_per_pair_and_part"
            ),
            models.CheckConstraint(
                condition=~models.Q(predecessor=models.F("successor")),
                name="succession_not_to_itself",
            ),
        ]

    def __str__(self):
        part = f" ({self.part})" if self.part else ""
        return f"{self.predecessor.ods_code} → {self.successor.ods_code}{part}"

    def get_absolute_url(self) -> str:
        return f"{self.predecessor.get_absolute_url()}#succession"

    @property
    def effective_display(self) -> str:
        return partial_date_display(self.effective_on, self.effective_precision)


class LocalSystemStatus(models.TextChoices):
    IN_USE = "in_use", "in use"
    REPLACED = "replaced", "replaced"
    CHOSEN = "chosen", "chosen, not yet live"
    UNKNOWN = "unknown", "unknown"


class LocalSystem(models.Model):
    """A system an organisation runs (or ran) of its own, outside the contract's deliverables."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="local_systems")
    product = models.CharField(max_length=200)
    vendor = models.ForeignKey(Supplier, on_delete=models.PROTECT, null=True, blank=True, related_name="local_systems")
    kind = models.CharField(max_length=80, help_text="What it does, e.g. patient administration system.")
    status = models.CharField(max_length=10, choices=LocalSystemStatus.choices, default=LocalSystemStatus.UNKNOWN)
    contract_expiry = models.CharField(max_length=40, blank=True, help_text="As the source states it, e.g. 2011-12.")
    notes = models.TextField(blank=True)

    # Optimistic locking: a save based on an older version is refused (django-concurrency).
    version = AutoIncVersionField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name", "product"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "product"], name="local_system_unique_per_organisation"),
        ]

    def __str__(self):
        return f"{self.product} at {self.organisation.ods_code}"

    def get_absolute_url(self) -> str:
        return f"{self.organisation.get_absolute_url()}#local-systems"
