import django_tables2 as tables

from contracts.models import System
from contracts.templatetags.tracker import status_cell
from trusts.models import Organisation


class SystemStatusColumn(tables.Column):
    """An organisation's status for one system, read from the table's `cells` (filled for one page at once)."""

    empty_values = ()

    def __init__(self, system: System, **kwargs):
        self.system = system
        super().__init__(verbose_name=system.name, orderable=False, **kwargs)

    def cell_html(self, bound_column, record, table) -> str:
        return status_cell(table.cells.get(record.ods_code, {}).get(self.system.slug))

    def render(self, record, table):
        return self.cell_html(None, record, table)


class TrustTable(tables.Table):
    row_header = "name"
    ods_code = tables.Column("ODS code", linkify=True)
    name = tables.Column(linkify=True)
    kind = tables.Column()
    sector = tables.Column(default="unknown")
    successor_ods_code = tables.Column(
        "Merged into", linkify=("trust_detail", {"ods": tables.A("successor_ods_code")}), default="—"
    )

    class Meta:
        model = Organisation
        fields = ["ods_code", "name", "kind", "sector", "successor_ods_code"]
        template_name = "tables/table.html"
        order_by = ("name",)
        attrs = {"class": "data-table"}
        empty_text = "No organisation matches these filters."

    def __init__(self, *args, systems: list[System], **kwargs):
        extra = [(f"system_{system.slug}", SystemStatusColumn(system)) for system in systems]
        super().__init__(*args, extra_columns=extra, **kwargs)
        self.cells: dict = {}
