from concurrency.fields import AutoIncVersionField
from django.db import models
from simple_history.models import HistoricalRecords

from nhsit.lib.csv_export import starts_safely
from nhsit.lib.managers import SlugManager
from nhsit.lib.urls import page_url
from organisations.models import Supplier


class SystemScope(models.TextChoices):
    PER_ORGANISATION = "per_organisation", "delivered to each organisation"
    PROGRAMME_WIDE = "programme_wide", "delivered programme-wide"


class System(models.Model):
    """What a contract delivers: a product or service (Cerner Millennium, RiO, GP systems...)."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    vendor = models.ForeignKey(Supplier, on_delete=models.PROTECT, null=True, blank=True, related_name="systems")
    category = models.CharField(max_length=80, blank=True)
    scope = models.CharField(max_length=20, choices=SystemScope.choices, default=SystemScope.PER_ORGANISATION)
    description = models.TextField(blank=True)

    objects = SlugManager()

    # Optimistic locking: a save based on an older version is refused (django-concurrency).
    version = AutoIncVersionField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [starts_safely("slug", name="system_slug_starts_safely")]

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return page_url("system_detail", self.slug)

    def natural_key(self):
        return (self.slug,)
