"""The data-quality lists' tables (django-tables2): facts of every kind, citations, and reported figures."""

import django_tables2 as tables
from django.utils.html import format_html
from django_tables2.data import TableData

from contracts.models import Citation
from contracts.selectors.facts import FactRows
from contracts.templatetags.tracker import evidence_badge, qualified, record_label


class FactData(TableData):
    """Facts of several kinds for a table: counted and sliced a kind at a time (FactRows), in their one order."""

    def __len__(self) -> int:
        return len(self.data)

    def order_by(self, aliases) -> None:
        """The facts list has one order (kind, then record), so nothing sorts it."""


class FactTable(tables.Table):
    row_header = "fact"
    kind = tables.Column(empty_values=(), verbose_name="Kind", orderable=False)
    fact = tables.Column(empty_values=(), verbose_name="Fact", orderable=False)
    evidence = tables.Column(empty_values=(), verbose_name="Evidence", orderable=False)
    has_earlier = tables.BooleanColumn(yesno="yes,—", verbose_name="Earlier value’s citation", orderable=False)

    class Meta:
        template_name = "tables/table.html"
        attrs = {"class": "data-table"}
        empty_text = "No fact matches these filters."

    def __init__(self, rows: FactRows, **kwargs):
        super().__init__(FactData(rows), **kwargs)

    def render_kind(self, record):
        return record._meta.verbose_name

    def render_fact(self, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record_label(record))

    def render_evidence(self, value):
        return evidence_badge(value)


class CitationTable(tables.Table):
    row_header = "supports"
    supports = tables.Column(empty_values=(), verbose_name="Supports", orderable=False)
    grade = tables.Column(orderable=False)
    current = tables.BooleanColumn(yesno="now,earlier value", verbose_name="Of the value", orderable=False)
    source = tables.Column(empty_values=(), verbose_name="Source", orderable=False)
    words = tables.Column(empty_values=(), verbose_name="Its words, or why", orderable=False)

    class Meta:
        model = Citation
        fields: list[str] = []
        sequence = ["supports", "grade", "current", "source", "words"]
        template_name = "tables/table.html"
        attrs = {"class": "data-table"}
        empty_text = "No citation matches these filters."

    def render_supports(self, record):
        target = record.target
        return format_html(
            '{}: <a href="{}">{}</a>', target._meta.verbose_name, target.get_absolute_url(), record_label(target)
        )

    def render_grade(self, value):
        return evidence_badge(value)

    def render_source(self, record):
        if record.source is None:
            return "none"
        return format_html('<a href="{}">{}</a>', record.source.get_absolute_url(), record.source.title)

    def render_words(self, record):
        said = f"“{record.quote}”" if record.quote else record.note or "(no quote or note)"
        return format_html("{}{}", said, f" — {record.reasoning}" if record.reasoning else "")


class FigureTable(tables.Table):
    row_header = "statement"
    contract = tables.Column(accessor="figure__contract__title", verbose_name="Contract", orderable=False)
    statement = tables.Column(empty_values=(), verbose_name="The source says", orderable=False)
    stated = tables.Column(empty_values=(), verbose_name="Stated", orderable=False)
    recorded = tables.Column(empty_values=(), verbose_name="The records give", orderable=False)
    verdict = tables.Column(empty_values=(), verbose_name="Verdict", orderable=False)

    class Meta:
        template_name = "tables/table.html"
        attrs = {"class": "data-table"}
        empty_text = "No reported figure matches these filters."

    def render_statement(self, record):
        figure = record.figure
        return format_html('<a href="{}">{}</a>', figure.get_absolute_url(), figure.statement)

    def render_stated(self, record):
        figure = record.figure
        return f"{qualified(figure.value, figure.qualifier)} {figure.unit}"

    def render_recorded(self, record):
        reconciliation = record.reconciliation
        if reconciliation.recorded is None:
            said = "—"
        elif reconciliation.unknown:
            top = qualified(reconciliation.recorded + reconciliation.unknown, "exact")
            said = f"{qualified(reconciliation.recorded, 'exact')} to {top} ({reconciliation.unknown} unknown)"
        else:
            said = qualified(reconciliation.recorded, "exact")
        if not record.records_url:
            return said
        return format_html('{} <a href="{}">See {}</a>', said, record.records_url, record.records_label)

    def render_verdict(self, record):
        verdict = record.reconciliation.verdict
        return format_html('<span class="verdict verdict-{}">{}</span>', verdict, record.reconciliation.verdict_label)
