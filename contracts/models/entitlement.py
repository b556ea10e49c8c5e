from concurrency.fields import AutoIncVersionField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from contracts.models.contract import Revision
from contracts.models.system import System
from organisations.models import Organisation


class EntitlementStatus(models.TextChoices):
    ENTITLED = "entitled", "entitled"
    NOT_ENTITLED = "not_entitled", "not entitled"
    WITHDRAWN = "withdrawn", "withdrawn"
    DECLINED = "declined", "declined (kept its own system)"
    UNKNOWN = "unknown", "unknown (sources do not say)"


class Entitlement(models.Model):
    """What one organisation was promised of one system under one revision."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="entitlements")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="entitlements")
    system = models.ForeignKey(System, on_delete=models.PROTECT, related_name="entitlements")
    status = models.CharField(max_length=12, choices=EntitlementStatus.choices, default=EntitlementStatus.UNKNOWN)
    delivery_model = models.CharField(max_length=200, blank=True)
    deployment_slot = models.CharField(max_length=200, blank=True)
    withdrawal_reason = models.TextField(blank=True, help_text="Required when the status is withdrawn.")
    notes = models.TextField(blank=True)

    # Optimistic locking: a save based on an older version is refused (django-concurrency).
    version = AutoIncVersionField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["revision", "organisation__name", "system__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "organisation", "system"],
                name="entitlement_unique_per_revision_organisation_system",
            ),
            models.CheckConstraint(condition=Q(status__in=EntitlementStatus.values), name="entitlement_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=EntitlementStatus.WITHDRAWN) | ~Q(withdrawal_reason=""),
                name="entitlement_withdrawn_has_reason",
            ),
        ]
        indexes = [
            # Comparing revisions reads each side's rows for some systems and joins them on the organisation;
            # with the status included, PostgreSQL answers from the index alone (an index-only scan).
            models.Index(fields=["system", "revision", "organisation"], include=["status"], name="entitlement_compare"),
            # Whole-revision comparisons (the home page's counts, the unfiltered compare page) and a row's
            # status in another revision (the trust CSV) read each side from this index alone. The unique
            # constraint's index has the same keys, but a unique constraint with an included column would be
            # dropped altogether on SQLite.
            models.Index(
                fields=["revision", "organisation", "system"], include=["status"], name="entitlement_revision_cover"
            ),
            # The organisation page reads every row of one organisation.
            models.Index(fields=["organisation", "revision"], name="entitlement_org_revision"),
            # The list sorted by a column of free text, blank in most rows, counts the rows holding some text
            # through these (its cost that of those rows) and takes the rest to be blank. By revision alone: a
            # reason may be a long quote, past what an index's key may hold.
            *(
                models.Index(fields=["revision"], condition=~Q(**{field: ""}), name=f"entitlement_{name}_given")
                for field, name in [
                    ("delivery_model", "model"),
                    ("deployment_slot", "slot"),
                    ("withdrawal_reason", "reason"),
                ]
            ),
        ]

    def __str__(self):
        return f"{self.organisation.identifier} · {self.system.slug} · {self.revision.code}: {self.status}"

    def get_absolute_url(self) -> str:
        return f"{self.organisation.get_absolute_url()}#system-{self.system.slug}"

    def clean(self):
        if self.status == EntitlementStatus.WITHDRAWN and not self.withdrawal_reason.strip():
            raise ValidationError({"withdrawal_reason": "Say why it was withdrawn (quote the source if it says)."})
