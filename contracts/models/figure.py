from concurrency.fields import AutoIncVersionField
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from contracts.models.contract import Contract, Revision
from contracts.models.delivery import Deliverable
from contracts.models.entitlement import EntitlementStatus
from contracts.models.system import System
from contracts.outcomes import Outcome
from nhsit.lib.qualifiers import Qualifier
from organisations.models import OrganisationKind, Supplier


class ReportedFigureMeasure(models.TextChoices):
    """What the records can count to set beside a number a source states."""

    LIVE_DEPLOYMENTS = "live_deployments", "organisations in the contract's region with the system live"
    ORGANISATIONS_IN_SCOPE = "organisations_in_scope", "organisations with an entitlement to the system"
    OUTCOME_COUNT = "outcome_count", "organisations with an outcome between two revisions"
    STATUS_COUNT = "status_count", "organisations with an entitlement status"
    ENTITLED_NOT_LIVE = "entitled_not_live", "organisations entitled but not yet live"
    DELIVERABLE_QUANTITY = "deliverable_quantity", "a deliverable's quantity"
    DELIVERABLE_DELIVERED = "deliverable_delivered", "a deliverable's delivered quantity"
    REVISION_VALUE = "revision_value", "a revision's total value (GBP)"
    VALUE_REDUCTION = "value_reduction", "value cut between two revisions (GBP)"
    VALUE_REDUCTION_PERCENT = "value_reduction_percent", "value cut between two revisions (per cent)"


class ReportedFigure(models.Model):
    """A number a source states, with what the records should count to check it."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="reported_figures")
    key = models.SlugField(max_length=80, help_text="Stable within the contract.")
    statement = models.CharField(max_length=300, help_text="The claim in brief, e.g. 'BT delivered six'.")
    value = models.DecimalField(max_digits=14, decimal_places=2)
    qualifier = models.CharField(max_length=8, choices=Qualifier.choices, default=Qualifier.EXACT)
    unit = models.CharField(max_length=80)
    as_of = models.DateField(null=True, blank=True, help_text="The day the figure describes, where it matters.")
    measure = models.CharField(
        max_length=24,
        choices=ReportedFigureMeasure.choices,
        blank=True,
        help_text="Blank when the records hold nothing comparable (e.g. another price basis).",
    )
    system = models.ForeignKey(System, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    base_revision = models.ForeignKey(Revision, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    revision = models.ForeignKey(
        Revision, on_delete=models.CASCADE, null=True, blank=True, related_name="+", help_text="The (target) revision."
    )
    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    delivered_by = models.ForeignKey(Supplier, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    organisation_kinds = models.JSONField(
        default=list, blank=True, help_text="Organisation kinds to count; empty for all kinds."
    )
    outcome = models.CharField(max_length=8, choices=Outcome.choices, blank=True, help_text="For an outcome count.")
    status = models.CharField(max_length=12, choices=EntitlementStatus.choices, blank=True)
    notes = models.TextField(blank=True)

    # Optimistic locking: a save based on an older version is refused (django-concurrency).
    version = AutoIncVersionField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "key"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "key"], name="reported_figure_key_unique_per_contract"),
        ]

    def __str__(self):
        return self.statement

    def get_absolute_url(self) -> str:
        return f"{reverse('contract_detail', args=[self.contract.slug])}#figure-{self.key}"

    def clean(self):
        errors = {}
        kinds = self.organisation_kinds
        known = OrganisationKind.objects.values_list("slug", flat=True)
        if not isinstance(kinds, list) or set(kinds) - set(known):
            errors["organisation_kinds"] = f"A list of organisation kinds, from: {', '.join(known)}."
        if self.outcome and self.outcome not in Outcome.values:
            errors["outcome"] = f"An outcome is one of: {', '.join(Outcome.values)}."
        for name in MEASURE_NEEDS.get(self.measure, []):
            if not getattr(self, name if name in {"outcome", "status"} else f"{name}_id"):
                errors[name] = f"Needed to count '{self.get_measure_display()}'."
        for name in ["base_revision", "revision"]:
            revision = getattr(self, name)
            if revision is not None and self.contract_id and revision.contract_id != self.contract_id:
                errors[name] = "Must be a revision of the figure's contract."
        if errors:
            raise ValidationError(errors)


# What each measure needs set on a figure before the records can be counted.
MEASURE_NEEDS: dict[str, list[str]] = {
    ReportedFigureMeasure.LIVE_DEPLOYMENTS: ["system"],
    ReportedFigureMeasure.ORGANISATIONS_IN_SCOPE: ["system", "revision"],
    ReportedFigureMeasure.OUTCOME_COUNT: ["system", "base_revision", "revision", "outcome"],
    ReportedFigureMeasure.STATUS_COUNT: ["system", "revision", "status"],
    ReportedFigureMeasure.ENTITLED_NOT_LIVE: ["system", "revision"],
    ReportedFigureMeasure.DELIVERABLE_QUANTITY: ["deliverable"],
    ReportedFigureMeasure.DELIVERABLE_DELIVERED: ["deliverable"],
    ReportedFigureMeasure.REVISION_VALUE: ["revision"],
    ReportedFigureMeasure.VALUE_REDUCTION: ["base_revision", "revision"],
    ReportedFigureMeasure.VALUE_REDUCTION_PERCENT: ["base_revision", "revision"],
}
