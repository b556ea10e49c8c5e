"""What each record looks like in the API: stable codes and slugs beside names, dates with their precision (a
source that gives only the month is not made to say a day), money as whole pounds."""

from typing import Any

from django.utils.http import urlencode
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from contracts.evidence import EVIDENCE_CHOICES
from contracts.models import (
    CITABLE,
    Citation,
    Contract,
    Deliverable,
    Deployment,
    Entitlement,
    EntitlementStatus,
    Revision,
    Source,
    System,
)
from contracts.outcomes import Outcome
from contracts.services.reconcile import Verdict
from contracts.templatetags.tracker import record_label
from nhsit.lib.dates import DatePrecision
from nhsit.lib.qualifiers import Qualifier
from organisations.models import LocalSystem, Organisation, Succession


def precision() -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=DatePrecision.choices, read_only=True)


def pounds(source: str | None = None, **kwargs: Any) -> serializers.IntegerField:
    """GBP, whole pounds; null where no source gives it."""
    return serializers.IntegerField(source=source, allow_null=True, read_only=True, **kwargs)


class ApiUrlField(serializers.Field):
    """The API address of a record, from the view name and the record's attributes (`keys`)."""

    def __init__(self, view_name: str, keys: dict[str, str], **kwargs: Any):
        self.view_name, self.keys = view_name, keys
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value: Any) -> str:
        kwargs = {name: _attribute(value, path) for name, path in self.keys.items()}
        return reverse(self.view_name, kwargs=kwargs, request=self.context.get("request"))


extend_schema_field({"type": "string", "format": "uri"})(ApiUrlField)


def _attribute(value: Any, path: str) -> Any:
    for name in path.split("."):
        value = value[name] if isinstance(value, dict) else getattr(value, name)
    return value


class RevisionSerializer(serializers.ModelSerializer):
    contract = serializers.CharField(source="contract.slug", read_only=True)
    signed_precision = precision()
    signed = serializers.CharField(source="signed_display", read_only=True)
    total_value = pounds(help_text="The whole contract's value after this revision, GBP.")
    value_change = pounds(help_text="Against the revision before it, GBP (null for the first, or unknown).")

    class Meta:
        model = Revision
        fields = [
            "contract", "code", "title", "sequence", "signed_on", "signed_precision", "signed", "total_value",
            "value_change", "value_note", "summary",
        ]  # fmt: skip


class ContractSerializer(serializers.ModelSerializer):
    url = ApiUrlField("api-contract-detail", {"slug": "slug"})
    supplier = serializers.CharField(source="supplier.slug", read_only=True)
    supplier_name = serializers.CharField(source="supplier.name", read_only=True)
    signed_precision = precision()
    page = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Contract
        fields = [
            "slug", "url", "title", "programme", "supplier", "supplier_name", "region", "signed_on",
            "signed_precision", "description", "page",
        ]  # fmt: skip


class ContractDetailSerializer(ContractSerializer):
    revisions = RevisionSerializer(many=True, read_only=True, source="published_revisions")

    class Meta(ContractSerializer.Meta):
        fields = [*ContractSerializer.Meta.fields, "revisions"]


class OrganisationSerializer(serializers.ModelSerializer):
    identifier = serializers.CharField(read_only=True, help_text="An ODS code alone (RAN); any other scheme's code "
                                       "after its prefix (GB-LAE-WSM).")  # fmt: skip
    url = ApiUrlField("api-organisation-detail", {"identifier": "identifier"})
    scheme = serializers.CharField(source="scheme_id", read_only=True)
    kind = serializers.CharField(source="kind_id", read_only=True)
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    opened_precision = precision()
    closed_precision = precision()
    page = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "identifier", "url", "scheme", "code", "name", "short_name", "kind", "kind_name", "region", "sector",
            "is_teaching", "is_foundation_trust", "opened_on", "opened_precision", "closed_on", "closed_precision",
            "page",
        ]  # fmt: skip


class OrganisationRefSerializer(serializers.Serializer):
    identifier = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class SuccessionSerializer(serializers.ModelSerializer):
    predecessor = OrganisationRefSerializer(read_only=True)
    successor = OrganisationRefSerializer(read_only=True)
    effective_precision = precision()

    class Meta:
        model = Succession
        fields = ["predecessor", "successor", "effective_on", "effective_precision", "part", "notes"]


class LocalSystemSerializer(serializers.ModelSerializer):
    vendor = serializers.CharField(source="vendor.slug", allow_null=True, read_only=True, default=None)

    class Meta:
        model = LocalSystem
        fields = ["product", "vendor", "kind", "status", "contract_expiry", "notes"]


class OrganisationEntitlementSerializer(serializers.ModelSerializer):
    contract = serializers.CharField(source="revision.contract.slug", read_only=True)
    revision = serializers.CharField(source="revision.code", read_only=True)
    organisation = serializers.CharField(source="organisation.identifier", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    system = serializers.CharField(source="system.slug", read_only=True)
    status = serializers.ChoiceField(choices=EntitlementStatus.choices, read_only=True)
    via = serializers.SerializerMethodField(help_text="The predecessor whose entitlement it was (null: its own).")

    class Meta:
        model = Entitlement
        fields = [
            "id", "contract", "revision", "organisation", "organisation_name", "system", "status", "delivery_model",
            "deployment_slot", "withdrawal_reason", "notes", "via",
        ]  # fmt: skip

    def get_via(self, entitlement: Entitlement) -> str | None:
        own = self.context.get("organisation")
        return None if own is None or entitlement.organisation_id == own.pk else entitlement.organisation.identifier


class EntitlementSerializer(serializers.ModelSerializer):
    contract = serializers.CharField(source="revision.contract.slug", read_only=True)
    revision = serializers.CharField(source="revision.code", read_only=True)
    organisation = serializers.CharField(source="organisation.identifier", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    system = serializers.CharField(source="system.slug", read_only=True)
    status = serializers.ChoiceField(choices=EntitlementStatus.choices, read_only=True)
    source_count = serializers.IntegerField(read_only=True, help_text="Sources of the status as it now is.")
    evidence = serializers.ChoiceField(choices=EVIDENCE_CHOICES, read_only=True, help_text="The strongest grade "
                                       "of those sources' citations, or uncited.")  # fmt: skip

    class Meta:
        model = Entitlement
        fields = [
            "id", "contract", "revision", "organisation", "organisation_name", "system", "status", "delivery_model",
            "deployment_slot", "withdrawal_reason", "notes", "source_count", "evidence",
        ]  # fmt: skip


class DeliverableSerializer(serializers.ModelSerializer):
    contract = serializers.CharField(source="revision.contract.slug", read_only=True)
    revision = serializers.CharField(source="revision.code", read_only=True)
    system = serializers.CharField(source="system.slug", read_only=True)
    end_precision = precision()

    class Meta:
        model = Deliverable
        fields = [
            "id", "contract", "revision", "system", "code", "title", "status", "quantity", "quantity_qualifier",
            "unit", "delivered_quantity", "delivered_qualifier", "end_on", "end_precision", "terms", "notes",
        ]  # fmt: skip


class DeploymentSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.identifier", read_only=True)
    system = serializers.CharField(source="system.slug", read_only=True)
    contract = serializers.CharField(source="contract.slug", allow_null=True, read_only=True, default=None)
    delivered_by = serializers.CharField(source="delivered_by.slug", allow_null=True, read_only=True, default=None)
    go_live_precision = precision()

    class Meta:
        model = Deployment
        fields = [
            "id", "organisation", "system", "contract", "site", "phase", "status", "slot_start", "slot_end",
            "go_live_on", "go_live_precision", "delivered_by", "delivery_model", "notes",
        ]  # fmt: skip


class SystemSerializer(serializers.ModelSerializer):
    url = ApiUrlField("api-system-detail", {"slug": "slug"})
    vendor = serializers.CharField(source="vendor.slug", allow_null=True, read_only=True, default=None)
    organisation_count = serializers.IntegerField(
        read_only=True, help_text="Organisations with an entitlement in the latest revision of each contract."
    )
    deliverable_count = serializers.IntegerField(read_only=True, help_text="Programme lines, by their code.")
    page = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = System
        fields = [
            "slug", "url", "name", "vendor", "category", "scope", "description", "organisation_count",
            "deliverable_count", "page",
        ]  # fmt: skip


class SystemDetailSerializer(SystemSerializer):
    contracts = serializers.ListField(child=serializers.CharField(), read_only=True, source="contract_slugs")
    deliverables = DeliverableSerializer(many=True, read_only=True, source="published_deliverables")

    class Meta(SystemSerializer.Meta):
        fields = [*SystemSerializer.Meta.fields, "contracts", "deliverables"]


class SupportedRecordSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[name for name, _model in CITABLE], read_only=True)
    id = serializers.IntegerField(read_only=True)
    label = serializers.CharField(read_only=True, help_text="What the record says, in words.")
    page = serializers.CharField(read_only=True, help_text="Where the site shows it.")


class CitationSerializer(serializers.ModelSerializer):
    source = serializers.CharField(source="source.key", allow_null=True, read_only=True, default=None)
    supports = serializers.SerializerMethodField()
    supported_values = serializers.JSONField(source="supports", read_only=True, help_text="The record's values "
                                             "the citation was given for.")  # fmt: skip
    current = serializers.BooleanField(read_only=True, help_text="Whether the record still has those values.")

    class Meta:
        model = Citation
        fields = ["id", "source", "quote", "note", "grade", "reasoning", "supports", "supported_values", "current"]

    @extend_schema_field(SupportedRecordSerializer)
    def get_supports(self, citation: Citation) -> dict[str, Any]:
        for name, _model in CITABLE:
            record = getattr(citation, name)
            if record is not None:
                return {"kind": name, "id": record.pk, "label": record_label(record), "page": record.get_absolute_url()}
        raise AssertionError("a citation supports exactly one record (the database says so)")


class SourceSerializer(serializers.ModelSerializer):
    url = ApiUrlField("api-source-detail", {"pk": "pk"})
    published_precision = precision()
    link = serializers.CharField(source="url", read_only=True, help_text="Where the source can be read.")
    records_supported = serializers.IntegerField(source="citation_count", read_only=True)
    page = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Source
        fields = [
            "id", "key", "url", "title", "kind", "publisher", "author", "published_on", "published_precision",
            "link", "notes", "records_supported", "page",
        ]  # fmt: skip


class SourceDetailSerializer(SourceSerializer):
    citations = CitationSerializer(many=True, read_only=True, source="visible_citations")

    class Meta(SourceSerializer.Meta):
        fields = [*SourceSerializer.Meta.fields, "citations"]


class CompareRowSerializer(serializers.Serializer):
    """One organisation's entitlement to one system in both revisions, and the outcome: the compare page's row."""

    identifier = serializers.CharField()
    organisation_name = serializers.CharField()
    kind = serializers.CharField()
    sector = serializers.CharField()
    system = serializers.CharField(source="system_slug")
    system_name = serializers.CharField()
    base_status = serializers.ChoiceField(choices=EntitlementStatus.choices)
    target_status = serializers.ChoiceField(choices=EntitlementStatus.choices)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    live = serializers.BooleanField(help_text="Whether the organisation has the system live.")
    delivery_model = serializers.CharField()


class RevisionRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    signed_on = serializers.DateField(allow_null=True)
    signed_precision = serializers.ChoiceField(choices=DatePrecision.choices)


class InForceSerializer(serializers.Serializer):
    """Which revision of a contract was in force on a day. `perhaps`: a later one signed on a date the sources
    give too loosely (a month, a year) to say whether it was yet."""

    contract = serializers.CharField(source="contract.slug")
    day = serializers.DateField()
    revision = RevisionRefSerializer(allow_null=True)
    perhaps = RevisionRefSerializer(allow_null=True)


class ComparePageSerializer(serializers.Serializer):
    base = RevisionRefSerializer()
    target = RevisionRefSerializer()
    in_force = InForceSerializer(required=False, help_text="With ?as_of=: the revision in force that day.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CompareRowSerializer(many=True)


class OrganisationDetailSerializer(OrganisationSerializer):
    successors = SuccessionSerializer(many=True, read_only=True, help_text="The bodies it passed into.")
    predecessors = SuccessionSerializer(many=True, read_only=True, help_text="Every merger that brought a body "
                                        "into it, directly or through others, nearest first.")  # fmt: skip
    local_systems = LocalSystemSerializer(many=True, read_only=True, source="own_local_systems")
    in_force = InForceSerializer(
        many=True, read_only=True,
        help_text="With ?as_of=: each contract's revision in force that day; the entitlements are of those revisions.",
    )  # fmt: skip
    entitlements = OrganisationEntitlementSerializer(many=True, read_only=True, source="shown_entitlements",
                                                     help_text="Its status per contract revision and system, and "
                                                     "its predecessors' (`via`).")  # fmt: skip
    deployments = DeploymentSerializer(many=True, read_only=True, source="shown_deployments")

    class Meta(OrganisationSerializer.Meta):
        fields = [
            *OrganisationSerializer.Meta.fields, "successors", "predecessors", "local_systems", "in_force",
            "entitlements", "deployments",
        ]  # fmt: skip


class FigureSerializer(serializers.Serializer):
    """A number a source states, beside what the records give (contracts.services.reconcile), and the verdict."""

    contract = serializers.CharField(source="figure.contract.slug")
    key = serializers.CharField(source="figure.key")
    statement = serializers.CharField(source="figure.statement")
    value = serializers.DecimalField(source="figure.value", max_digits=14, decimal_places=2, coerce_to_string=False)
    qualifier = serializers.ChoiceField(source="figure.qualifier", choices=Qualifier.choices)
    unit = serializers.CharField(source="figure.unit")
    as_of = serializers.DateField(source="figure.as_of", allow_null=True)
    measure = serializers.CharField(source="figure.measure", help_text="What the records count (blank: nothing).")
    base_revision = serializers.CharField(source="figure.base_revision.code", allow_null=True, default=None)
    revision = serializers.CharField(source="figure.revision.code", allow_null=True, default=None)
    recorded = serializers.DecimalField(
        source="reconciliation.recorded", max_digits=20, decimal_places=2, coerce_to_string=False, allow_null=True,
        help_text="What the records give for certain (null: they hold nothing to count).",
    )  # fmt: skip
    unknown = serializers.IntegerField(
        source="reconciliation.unknown", help_text="How many more the records leave unknown: up to recorded + this."
    )
    verdict = serializers.ChoiceField(source="reconciliation.verdict", choices=Verdict.choices)
    verdict_label = serializers.CharField(source="reconciliation.verdict_label")
    records = serializers.CharField(source="records_label", help_text="What the records counted are, in words.")
    records_page = serializers.CharField(source="records_url", help_text="The site's list of them.")


class LinkedCountSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()
    page = serializers.CharField(source="url", help_text="The site's list of the rows counted.")


class EvidenceShareSerializer(serializers.Serializer):
    evidence = serializers.ChoiceField(choices=EVIDENCE_CHOICES)
    words = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.FloatField()
    page = serializers.CharField(source="url")


class QualityRowSerializer(serializers.Serializer):
    name = serializers.CharField()
    page = serializers.CharField(source="url")
    counts = LinkedCountSerializer(many=True)


class QualitySerializer(serializers.Serializer):
    """What the records do not know or cannot source (the data-quality page's counts)."""

    contract = serializers.CharField(source="contract.slug", allow_null=True, default=None)
    facts = serializers.IntegerField()
    shares = EvidenceShareSerializer(many=True)
    checks = LinkedCountSerializer(many=True)
    columns = serializers.ListField(child=serializers.CharField())
    systems = QualityRowSerializer(many=True)
    organisations = QualityRowSerializer(many=True, help_text="One page of the organisations (`?page=`).")
    organisation_count = serializers.IntegerField(source="organisation_page.paginator.count")
    organisation_page = serializers.IntegerField(source="organisation_page.number")
    organisation_pages = serializers.IntegerField(source="organisation_page.paginator.num_pages")
    next = serializers.SerializerMethodField(help_text="The next page of the organisations, or null at the last.")

    def get_next(self, report: Any) -> str | None:
        page = report.organisation_page
        if not page.has_next():
            return None
        request = self.context["request"]
        return request.build_absolute_uri(f"{request.path}?{urlencode({'page': page.next_page_number()})}")
