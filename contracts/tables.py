"""The analysts' tables (django-tables2), each rendered by templates/tables/table.html."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from contracts.models import Contract, Entitlement, Source, System
from contracts.templatetags.tracker import (
    evidence_badge,
    outcome_badge,
    source_kind_label,
    status_badge,
    status_cell,
)
from nhsit.lib.tables import DirectColumn, LinkedColumn, YesNoColumn
from nhsit.lib.urls import page_url
from organisations.models import Organisation


class LeavesOutEmptyColumns(tables.Table):
    """A table that leaves out the columns in `empty_omitted` with nothing to say for any row on its page
    (a Sector "not recorded" for every row): read from the page's rows, already fetched, so it costs no query."""

    empty_omitted: tuple[str, ...] = ()

    def before_render(self, request):
        super().before_render(request)
        page = getattr(self, "page", None)
        records = [row.record for row in page.object_list] if page is not None else []
        if not records:
            return
        for name in self.empty_omitted:
            bound = self.columns[name]
            if all(bound.accessor.resolve(record, quiet=True) in bound.column.empty_values for record in records):
                self.columns.hide(name)


class StatusColumn(DirectColumn):
    def render(self, value):
        return status_badge(value)


class OutcomeColumn(DirectColumn):
    def render(self, value):
        return outcome_badge(value)


class EvidenceColumn(DirectColumn):
    """How the row's value is supported: the strongest grade of its current citations, or uncited."""

    def __init__(self, **kwargs):
        super().__init__(verbose_name="Evidence", empty_values=(), **kwargs)

    def render(self, value):
        return evidence_badge(value)


class EntitlementTable(LeavesOutEmptyColumns):
    row_header = "organisation"
    empty_omitted = ("sector", "delivery_model", "deployment_slot", "withdrawal_reason")
    contract = DirectColumn(accessor="revision__contract__slug", verbose_name="Contract")
    revision = DirectColumn(accessor="revision__code", verbose_name="Revision", order_by="revision__sequence")
    identifier = LinkedColumn(
        accessor="organisation__identifier",
        order_by=("organisation__code",),
        verbose_name="Code",
        link=lambda record: record.organisation.get_absolute_url(),
    )
    organisation = DirectColumn(accessor="organisation__name", verbose_name="Organisation")
    kind = DirectColumn(accessor="organisation__kind__name", order_by=("organisation__kind",), verbose_name="Kind")
    sector = DirectColumn(accessor="organisation__sector", verbose_name="Sector", default="not recorded")
    system = LinkedColumn(
        accessor="system__name", verbose_name="System", link=lambda record: record.system.get_absolute_url()
    )
    status = StatusColumn()
    evidence = EvidenceColumn()
    delivery_model = DirectColumn(default="—")
    deployment_slot = DirectColumn(verbose_name="Slot", default="—")
    withdrawal_reason = DirectColumn(verbose_name="Reason", default="—")
    source_count = LinkedColumn(
        verbose_name="Sources",
        attrs={"td": {"class": "number"}, "th": {"class": "number"}},
        link=lambda record: record.get_absolute_url(),
    )

    class Meta:
        model = Entitlement
        fields: list[str] = []
        # What the page answers (which system, what status) comes right after the organisation's name.
        sequence = [
            "identifier",
            "organisation",
            "system",
            "status",
            "revision",
            "evidence",
            "withdrawal_reason",
            "contract",
            "kind",
            "sector",
            "delivery_model",
            "deployment_slot",
            "source_count",
        ]
        template_name = "tables/table.html"
        attrs = {"class": "data-table"}
        empty_text = "No entitlement matches these filters."


class CompareTable(LeavesOutEmptyColumns):
    """The compare matrix's rows: one per organisation and system."""

    row_header = "organisation_name"
    empty_omitted = ("sector", "delivery_model")

    # The outcome, what the page answers, comes right after the organisation.
    identifier = LinkedColumn(
        verbose_name="Code",
        order_by=("organisation_code",),
        link=lambda record: page_url("trust_detail", record["identifier"]),
    )
    organisation_name = DirectColumn(verbose_name="Organisation")
    outcome = OutcomeColumn()
    system_name = LinkedColumn(
        verbose_name="System", link=lambda record: page_url("system_detail", record["system_slug"])
    )
    base_status = StatusColumn(verbose_name="From")
    target_status = StatusColumn(verbose_name="To")
    live = YesNoColumn(yesno="live,—", verbose_name="Live")
    kind = DirectColumn(accessor="kind_name", order_by=("kind",), verbose_name="Kind")
    sector = DirectColumn(default="not recorded")
    delivery_model = DirectColumn(default="—")

    class Meta:
        template_name = "tables/table.html"
        attrs = {"class": "data-table"}
        empty_text = "No organisation and system match these filters."

    def __init__(self, *args, base, target, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns["base_status"].column.verbose_name = f"{base.title}"
        self.columns["target_status"].column.verbose_name = f"{target.title}"


class SourceTable(tables.Table):
    title = tables.Column()
    kind = tables.Column()
    publisher = tables.Column(default="—")
    published_on = tables.Column(verbose_name="Published")
    citation_count = tables.Column(
        verbose_name="Records supported", attrs={"td": {"class": "number"}, "th": {"class": "number"}}
    )

    class Meta:
        model = Source
        fields = ["title", "kind", "publisher", "published_on", "citation_count"]
        template_name = "tables/table.html"
        attrs = {"class": "data-table"}
        empty_text = "No source matches these filters."

    def render_kind(self, value):
        return source_kind_label(value)

    def render_published_on(self, record):
        return record.published_display

    def render_title(self, record, value):
        return format_html('<a href="{}">{}</a>', reverse("source_detail", args=[record.pk]), value)


def system_sort_name(contract: Contract, system: System) -> str:
    """The name of an organisation's status column for one system of one contract, as `?sort=` gives it."""
    return f"system_{contract.slug}_{system.slug}".replace("-", "_")


class SystemStatusColumn(tables.Column):
    """An organisation's status for one system of one contract, read from the table's `cells` (filled for one page
    at once)."""

    empty_values = ()

    def __init__(self, contract: Contract, system: System, *, label_contract: bool, **kwargs):
        self.contract, self.system = contract, system
        name = f"{system.name} ({contract.title})" if label_contract else system.name
        # Sorts by the status the view annotates under the column's name (status_sort_key), when it is asked to.
        order_by = (system_sort_name(contract, system), "name")
        super().__init__(verbose_name=name, orderable=True, order_by=order_by, **kwargs)

    def cell_html(self, bound_column, record, table) -> str:
        return status_cell(table.cells.get(record.pk, {}).get((self.contract.pk, self.system.slug)))

    def render(self, record, table):
        return self.cell_html(None, record, table)


class ContractsColumn(tables.Column):
    """The contracts naming the organisation, read from the table's `contracts_of` (filled for one page)."""

    empty_values = ()

    def __init__(self, **kwargs):
        super().__init__(verbose_name="Contracts", orderable=False, **kwargs)

    def cell_html(self, bound_column, record, table) -> str:
        return self.render(record, table)

    def render(self, record, table):
        named = table.contracts_of.get(record.pk, [])
        if not named:
            return "none"
        return format_html_join(
            ", ", '<a href="{}">{}</a>', ((contract.get_absolute_url(), contract.title) for contract in named)
        )


class TrustTable(LeavesOutEmptyColumns):
    row_header = "name"
    empty_omitted = ("sector", "successors")
    identifier = LinkedColumn("Code", order_by=("code",), link=lambda record: record.get_absolute_url())
    name = LinkedColumn(link=lambda record: record.get_absolute_url())
    kind = DirectColumn(accessor="kind__name", order_by=("kind",), verbose_name="Kind")
    sector = DirectColumn(default="not recorded")
    successors = tables.Column("Merged into", orderable=False, empty_values=("",))
    contracts = ContractsColumn()

    class Meta:
        model = Organisation
        fields = ["identifier", "name", "kind", "sector", "successors", "contracts"]
        # The statuses for each system, what the page answers, come right after the organisation's name.
        sequence = ["identifier", "name", "...", "kind", "sector", "successors", "contracts"]
        template_name = "tables/table.html"
        order_by = ("name",)
        attrs = {"class": "data-table"}
        empty_text = "No organisation matches these filters."

    def __init__(self, *args, columns: list[tuple[Contract, System]], label_contracts: bool = False, **kwargs):
        extra = [
            (
                system_sort_name(contract, system),
                SystemStatusColumn(contract, system, label_contract=label_contracts),
            )
            for contract, system in columns
        ]
        super().__init__(*args, extra_columns=extra, **kwargs)
        self.cells: dict = {}
        self.contracts_of: dict = {}

    def render_successors(self, value: str):
        links = [
            format_html('<a href="{}">{}</a>', page_url("trust_detail", identifier), identifier)
            for identifier in value.split("; ")
        ]
        return format_html_join(", ", "{}", ((link,) for link in links))

    def value_successors(self, value: str) -> str:
        return value
