import re

from concurrency.fields import AutoIncVersionField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Concat, Upper
from simple_history.models import HistoricalRecords

from nhsit.lib.csv_export import starts_safely
from nhsit.lib.dates import DatePrecision, partial_date_display
from nhsit.lib.managers import SlugManager
from nhsit.lib.urls import page_url


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


ODS = "GB-NHS"


class IdentifierScheme(models.Model):
    """A register of organisation codes, named by its org-id.guide prefix: GB-NHS (the NHS's ODS codes),
    GB-COH (Companies House), GB-LAE (local authorities in England)..."""

    prefix = models.CharField(
        max_length=20,
        unique=True,
        validators=[
            RegexValidator(r"^[A-Z]{2}-[A-Z]{2,6}$", "A prefix is a country code and a register, e.g. GB-COH.")
        ],
        help_text="As org-id.guide lists it, e.g. GB-COH.",
    )
    name = models.CharField(max_length=200)
    code_pattern = models.CharField(
        max_length=200,
        help_text="A regular expression every code in this scheme matches, e.g. ^[A-Z0-9]{3,6}$.",
    )
    example = models.CharField(max_length=40, help_text="A code in this scheme, shown when one is refused.")
    url = models.URLField(blank=True, help_text="Where the register can be read.")
    notes = models.TextField(blank=True)

    # Optimistic locking: a save based on an older version is refused (django-concurrency).
    version = AutoIncVersionField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["prefix"]
        # An identifier starts with its scheme's prefix or its code: with both held to it, an export writes
        # identifiers as they are.
        constraints = [starts_safely("prefix", name="identifier_scheme_prefix_starts_safely")]

    def __str__(self):
        return f"{self.prefix} ({self.name})"

    def natural_key(self):
        return (self.prefix,)

    def clean(self):
        try:
            pattern = re.compile(self.code_pattern)
        except re.error as error:
            raise ValidationError({"code_pattern": f"Not a regular expression: {error}."}) from error
        if self.example and not pattern.fullmatch(self.example):
            raise ValidationError({"example": "The example does not match the code pattern."})

    def matches(self, code: str) -> bool:
        try:
            return re.fullmatch(self.code_pattern, code) is not None
        except re.error:
            return False


class OrganisationKind(models.Model):
    """What kind of body an organisation is (acute trust, primary care trust, local authority...): data, so that
    a contract outside the NHS brings its own kinds."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)

    objects = SlugManager()

    # Optimistic locking: a save based on an older version is refused (django-concurrency).
    version = AutoIncVersionField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [starts_safely("slug", name="organisation_kind_slug_starts_safely")]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class OrganisationManager(models.Manager["Organisation"]):
    def get_by_natural_key(self, scheme, code):
        return self.get(scheme_id=scheme, code=code)

    def by_identifier(self, identifier: str) -> "Organisation | None":
        """The organisation an identifier names (see identified_by), or None."""
        found: Organisation | None = self.select_related("scheme", "kind").filter(identified_by(identifier)).first()
        return found


class Organisation(models.Model):
    """A body a contract serves (an NHS trust, a council, a department), keyed by its scheme and code."""

    scheme = models.ForeignKey(
        IdentifierScheme,
        on_delete=models.PROTECT,
        to_field="prefix",
        default=ODS,
        related_name="organisations",
        help_text="The register its code is from: GB-NHS for an ODS code.",
    )
    code = models.CharField(max_length=40, help_text="Its code in that register, e.g. RAN.")
    name = models.CharField(max_length=200, help_text="As the body was named at the time of the contract.")
    short_name = models.CharField(max_length=80, blank=True)
    kind = models.ForeignKey(
        OrganisationKind, on_delete=models.PROTECT, to_field="slug", db_column="kind", related_name="organisations"
    )
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
            models.UniqueConstraint(fields=["scheme", "code"], name="organisation_code_unique_per_scheme"),
            models.CheckConstraint(condition=models.Q(code=Upper("code")), name="organisation_code_uppercase"),
            starts_safely("code", name="organisation_code_starts_safely"),
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
            models.Index(fields=["name", "code"], name="organisation_list_order"),
            # Lists sorted by code (the entitlement list's Code column) read their pages from it the same way.
            models.Index(fields=["code"], name="organisation_code_order"),
            # The sectors a filter offers are read from it one value at a time (nhsit.lib.filtering.distinct_values).
            models.Index(fields=["sector"], name="organisation_sector"),
        ]

    def __str__(self):
        return f"{self.name} ({self.identifier})"

    def get_absolute_url(self) -> str:
        return page_url("trust_detail", self.identifier)

    @property
    def identifier(self) -> str:
        """How pages and URLs name it: the ODS code alone (RAN), any other scheme's code after its prefix
        (GB-LAE-WSM)."""
        return self.code if self.scheme_id == ODS else f"{self.scheme_id}-{self.code}"

    def natural_key(self):
        return (self.scheme_id, self.code)

    def clean(self):
        self.code = (self.code or "").strip().upper()
        scheme = IdentifierScheme.objects.filter(prefix=self.scheme_id).first()
        if scheme is not None and self.code and not scheme.matches(self.code):
            raise ValidationError({"code": f"Not a {scheme.name} code: they look like {scheme.example}."})

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
        ordering = ["effective_on", "predecessor__code"]
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
        return f"{self.predecessor.identifier} → {self.successor.identifier}{part}"

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
        return f"{self.product} at {self.organisation.identifier}"

    def get_absolute_url(self) -> str:
        return f"{self.organisation.get_absolute_url()}#local-systems"


def identifier_of(path: str = "") -> models.Case:
    """An organisation's identifier as the database computes it (see Organisation.identifier), for the
    organisation at `path` (e.g. "organisation__")."""
    return models.Case(
        models.When(**{f"{path}scheme_id": ODS}, then=models.F(f"{path}code")),
        default=Concat(models.F(f"{path}scheme_id"), models.Value("-"), models.F(f"{path}code")),
        output_field=models.CharField(),
    )


def identifier_parts(identifier: str) -> tuple[str, str]:
    """(scheme prefix, code) of an identifier: an ODS code alone (RAN), or a prefix and a code (GB-LAE-WSM,
    GB-NHS-RAN). Codes are upper case."""
    identifier = identifier.strip().upper()
    parts = identifier.split("-", 2)
    if len(parts) == 3:
        return f"{parts[0]}-{parts[1]}", parts[2]
    return ODS, identifier


def identified_by(identifier: str, path: str = "") -> models.Q:
    """The condition for the organisation (at `path`, e.g. "organisation__") with this identifier."""
    scheme, code = identifier_parts(identifier)
    return models.Q(**{f"{path}scheme_id": scheme, f"{path}code": code})
