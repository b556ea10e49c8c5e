from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Window
from django.db.models.functions import Lag

from contracts.outcomes import Outcome
from nhsit.lib.dates import DatePrecision, partial_date_display
from nhsit.lib.qualifiers import Qualifier
from trusts.models import LocalSystem, Organisation, OrganisationKind, SlugManager, Succession, Supplier


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

    objects = SlugManager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    @property
    def signed_display(self) -> str:
        return partial_date_display(self.signed_on, self.signed_precision)


class RevisionQuerySet(models.QuerySet):
    def with_value_change(self) -> "RevisionQuerySet":
        """Annotate each revision with the value of the one before it and the change (GBP)."""
        previous_value = Window(Lag("total_value"), partition_by=[F("contract_id")], order_by=F("sequence").asc())
        return self.annotate(previous_value=previous_value).annotate(
            value_change=F("total_value") - F("previous_value")
        )


class RevisionManager(models.Manager.from_queryset(RevisionQuerySet)):
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

    objects = RevisionManager()

    class Meta:
        ordering = ["contract", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "code"], name="revision_code_unique_per_contract"),
            models.UniqueConstraint(fields=["contract", "sequence"], name="revision_sequence_unique_per_contract"),
            models.CheckConstraint(condition=Q(total_value__gte=0), name="revision_value_not_negative"),
        ]

    def __str__(self):
        return f"{self.contract.slug}: {self.title}"

    def natural_key(self):
        return (self.contract.slug, self.code)

    natural_key.dependencies = ["contracts.contract"]

    @property
    def signed_display(self) -> str:
        return partial_date_display(self.signed_on, self.signed_precision)

    def previous(self) -> "Revision | None":
        return (
            Revision.objects.filter(contract_id=self.contract_id, sequence__lt=self.sequence)
            .order_by("-sequence")
            .first()
        )

    def value_change(self) -> Decimal | None:
        """Change in total value against the previous revision; None for the first or if unknown."""
        previous = self.previous()
        if previous is None or previous.total_value is None or self.total_value is None:
            return None
        return self.total_value - previous.total_value


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

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class EntitlementStatus(models.TextChoices):
    ENTITLED = "entitled", "entitled"
    NOT_ENTITLED = "not_entitled", "not entitled"
    WITHDRAWN = "withdrawn", "withdrawn"
    DECLINED = "declined", "declined (kept its own system)"
    UNKNOWN = "unknown", "unknown (sources do not say)"


class EntitlementQuerySet(models.QuerySet):
    def in_revision(self, revision: Revision | None) -> "EntitlementQuerySet":
        return self if revision is None else self.filter(revision=revision)

    def for_system(self, system: System | None) -> "EntitlementQuerySet":
        return self if system is None else self.filter(system=system)

    def for_organisation(self, organisation: Organisation | None) -> "EntitlementQuerySet":
        return self if organisation is None else self.filter(organisation=organisation)


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

    objects = EntitlementQuerySet.as_manager()

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
            # The compare matrix reads both revisions' rows for one system at a time.
            models.Index(fields=["system", "revision"], name="entitlement_system_revision"),
            # The organisation page reads every row of one organisation.
            models.Index(fields=["organisation", "revision"], name="entitlement_org_revision"),
        ]

    def __str__(self):
        return f"{self.organisation.ods_code} · {self.system.slug} · {self.revision.code}: {self.status}"

    def clean(self):
        if self.status == EntitlementStatus.WITHDRAWN and not self.withdrawal_reason.strip():
            raise ValidationError({"withdrawal_reason": "Say why it was withdrawn (quote the source if it says)."})


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

    class Meta:
        ordering = ["revision", "system__name", "code"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "code"], name="deliverable_code_unique_per_revision"),
            models.CheckConstraint(condition=Q(status__in=DeliverableStatus.values), name="deliverable_status_valid"),
        ]

    def __str__(self):
        return f"{self.revision.code}: {self.title} ({self.get_status_display()})"

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
        return f"{self.system} at {self.organisation.ods_code}{where}: {self.get_status_display()}"

    @property
    def go_live_display(self) -> str:
        return partial_date_display(self.go_live_on, self.go_live_precision)


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

    class Meta:
        ordering = ["published_on", "title"]

    def __str__(self):
        return f"{self.publisher}: {self.title}" if self.publisher else self.title

    def natural_key(self):
        return (self.key,)

    @property
    def published_display(self) -> str:
        return partial_date_display(self.published_on, self.published_precision)


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

    class Meta:
        ordering = ["contract", "key"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "key"], name="reported_figure_key_unique_per_contract"),
        ]

    def __str__(self):
        return self.statement

    def clean(self):
        errors = {}
        kinds = self.organisation_kinds
        if not isinstance(kinds, list) or set(kinds) - set(OrganisationKind.values):
            errors["organisation_kinds"] = f"A list of organisation kinds, from: {', '.join(OrganisationKind.values)}."
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
MEASURE_NEEDS = {
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
