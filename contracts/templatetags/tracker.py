"""Filters that show values the way their sources give them: pounds, partial dates, short status words."""

import functools
from decimal import Decimal

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from contracts.evidence import UNCITED, sourced_values
from contracts.models import DeliverableStatus, DeploymentStatus, Entitlement, EntitlementStatus, SourceKind
from contracts.outcomes import Outcome
from contracts.pages.definitions import EVERY_GLOSSARY
from contracts.pages.evidence import PageEvidence
from contracts.pages.headings import list_heading
from nhsit.lib.filtering import applied_filters
from nhsit.lib.money import gbp_change_display, gbp_display, percent_change_display
from nhsit.lib.qualifiers import qualified_number

register = template.Library()

SHORT_STATUS: dict[str, str] = {EntitlementStatus.UNKNOWN: "unknown", EntitlementStatus.DECLINED: "declined"}


@functools.cache
def _labels(choices) -> dict[str, str]:
    return dict(choices.choices)


def _label(choices, value: str) -> str:
    """The words for a stored code; a code no longer among the choices shows as itself."""
    return _labels(choices).get(value, value)


@register.filter
def gbp(value: Decimal | None) -> str:
    return gbp_display(value)


@register.filter
def gbp_change(value: Decimal | None) -> str:
    return gbp_change_display(value)


@register.filter
def percent_change(value: Decimal | None) -> str:
    return percent_change_display(value)


@register.filter
def status_label(value: str | None) -> str:
    """An entitlement status in a word or two."""
    if not value:
        return "no record"
    return SHORT_STATUS.get(value) or _label(EntitlementStatus, value)


@register.filter
def outcome_label(value: str | None) -> str:
    return _labels(Outcome).get(value, "") if value else ""


# Built in Python, not by including a template: a national table holds thousands of these per page.
NO_RECORD = mark_safe(
    '<span class="no-record" title="no record">—<span class="visually-hidden">no record</span></span>'
)
LIVE_MARK = mark_safe('<span class="live">● live</span>')


@register.simple_tag
def no_record() -> str:
    return NO_RECORD


@register.filter
def status_badge(value: str | None) -> str:
    """An entitlement status as a tag, in words (its colour only repeats them)."""
    return format_html('<span class="status status-{}">{}</span>', value or "none", status_label(value))


@register.filter
def outcome_badge(value: str | None) -> str:
    return format_html('<span class="tag outcome-{}">{}</span>', value, outcome_label(value)) if value else ""


@register.simple_tag
def outcome_bar(bar, anchors: str = "", link: str = "") -> str:
    """One system's outcomes as a bar and as numbers; the numbers carry the meaning, the bar the picture. Each count
    links to `anchors` + the outcome (where it has any), or to `link` with the outcome as a filter, or to nothing.
    Built here, not by including a template: a page holds forty of them."""
    segments = bar.segments
    label = ", ".join(f"{segment.count} {segment.label}" for segment in segments)
    rects = format_html_join(
        "",
        '<rect class="{}"{} x="{}" y="0" width="{}" height="6"><title>{} {}</title></rect>',
        (
            (segment.outcome, UNKNOWN_HATCH if segment.outcome == "unknown" else "", segment.start, segment.width,
             segment.count, segment.label)
            for segment in segments
            if segment.count
        ),
    )  # fmt: skip
    counts = format_html_join(
        "",
        '<li><span class="tag outcome-{}">{}</span> {}</li>',
        ((segment.outcome, segment.label, _bar_count(segment, anchors, link)) for segment in segments),
    )
    return format_html(
        '<svg class="outcome-bar" viewBox="0 0 100 6" preserveAspectRatio="none" role="img" aria-label="{}">{}</svg>'
        '\n<ul class="outcome-counts">{}</ul>',
        label,
        rects,
        counts,
    )


UNKNOWN_HATCH = mark_safe(' fill="url(#unknown-hatch)"')


def _bar_count(segment, anchors: str, link: str) -> str:
    if anchors:
        return format_html('<a href="{}{}">{}</a>', anchors, segment.outcome, segment.count) if segment.count else "0"
    if link:
        return format_html('<a href="{}&amp;outcome={}">{}</a>', link, segment.outcome, segment.count)
    return str(segment.count)


@register.filter
def matrix_cells(cells: list[dict | None]) -> str:
    """A row of the outcome matrix, a cell per system: the outcome in words, whether it is live, or no record."""
    return mark_safe("".join(_matrix_cell(cell["outcome"], cell["live"]) if cell else NO_RECORD_CELL for cell in cells))


NO_RECORD_CELL = format_html("<td>{}</td>", NO_RECORD)


@functools.lru_cache(maxsize=64)
def _matrix_cell(outcome: str, live: bool) -> str:
    return format_html("<td>{}{}</td>", outcome_badge(outcome), format_html("<br>{}", LIVE_MARK) if live else "")


@register.filter
@functools.lru_cache(maxsize=256)
def status_cell(cell) -> str:
    """A trust list cell: the latest status, the outcome since the previous revision, and whether it is live."""
    if cell is None:
        return NO_RECORD
    parts = [status_badge(cell.status)]
    if cell.outcome:
        parts.append(outcome_badge(cell.outcome))
    if cell.live:
        parts.append(LIVE_MARK)
    return format_html_join(" ", "{}", ((part,) for part in parts))


@register.filter
def evidence_badge(grade: str | None) -> str:
    """How a value is supported, in a word: stated, inferred, derived, unsourced, or uncited when nothing is."""
    word = grade or UNCITED
    return format_html('<span class="grade grade-{}">{}</span>', word, word)


@register.filter
def deliverable_status_label(value: str) -> str:
    return _label(DeliverableStatus, value)


@register.filter
def deployment_status_label(value: str) -> str:
    return _label(DeploymentStatus, value)


@register.filter
def source_kind_label(value: str) -> str:
    return _label(SourceKind, value)


@register.filter
def qualified(number, qualifier: str) -> str:
    """A quantity with its qualifier: "about 1,500", "at most 100"."""
    return qualified_number(number, qualifier)


@register.filter
def cite_marks(record, evidence: PageEvidence) -> str:
    """The marks of what supports a record's values: each citation's number, linking to its place in the page's
    list of sources, and its grade in a word. A fact nothing supports says so, linking to the uncited facts."""
    marks = evidence.of(record)
    if not marks and evidence.needs_source(record):
        return format_html('<sup class="cite cite-uncited"><a href="{}#uncited">[uncited]</a></sup>', _quality_url())
    return format_html_join(
        "",
        '<sup class="cite"><a href="#cite-{}">[{} {}]</a></sup>',
        ((mark.number, mark.number, mark.grade) for mark in marks),
    )


@register.simple_tag
def derivation(revision, earlier) -> str:
    """The mark of a value change: derived, naming the two recorded values it is computed from."""
    return format_html(
        '<span class="derivation">[derived: <a href="{}">{}’s {}</a> less <a href="{}">{}’s {}</a>]</span>',
        revision.get_absolute_url(), revision.title, gbp_display(revision.total_value),
        earlier.get_absolute_url(), earlier.title, gbp_display(earlier.total_value),
    )  # fmt: skip


@functools.cache
def _quality_url() -> str:
    return reverse("data_quality")


@register.filter
def supported_values(citation) -> str:
    """What a citation was given for, in words, where the record now says otherwise: "status unknown (now
    withdrawn)"; all its values when none has changed."""
    target = citation.target
    now = sourced_values(target)
    given = citation.supports or {}
    changed = {name: value for name, value in given.items() if now.get(name) != value} or given
    parts = []
    for name, value in changed.items():
        if name.endswith("_precision") and len(changed) > 1:
            continue
        field = target._meta.get_field(name)
        shown = f"{_value_words(field, value)} (now {_value_words(field, now[name])})" if name in now else value
        parts.append(f"{field.verbose_name} {shown}")
    return "; ".join(parts)


def _value_words(field, value: str) -> str:
    if not value:
        return "none"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        return str(field.related_model._base_manager.filter(pk=value).first() or value)
    if field.name == "total_value":
        return gbp_display(Decimal(value))
    return value


@register.filter
def verbose_model(record) -> str:
    return record._meta.verbose_name


@register.filter
def record_label(record) -> str:
    """What a cited record says, in words: "Cerner Millennium under CCN3: withdrawn"."""
    if isinstance(record, Entitlement):
        return (
            f"{record.organisation.identifier}: {record.system.name} under {record.revision.title}: "
            f"{status_label(record.status)}"
        )
    return str(record)


@register.simple_tag
def row_cells(table, row) -> str:
    """A django-tables2 row's cells: the row header as <th scope="row">, the rest as <td>.

    Each column's tags are worked out once per table, not once per cell (a national page has thousands),
    unless its cell attributes depend on the record.
    """
    known = table.__dict__.setdefault("_cell_tags", {})
    html = []
    for index, column in enumerate(table.columns):
        # A column with cell_html writes its cell straight from the record, skipping django-tables2's
        # per-cell machinery (which inspects the render method's signature on every call).
        direct = getattr(column.column, "cell_html", None)
        value = direct(column, row.record, table) if direct else row.get_cell(column.name)
        tags = known.get(column.name) or _cell_tags(table, column, index)
        if not any(callable(attr) for attr in column.column.attrs.get("td", {}).values()):
            known[column.name] = tags
        html.append(f"{tags[0]}{conditional_escape(value)}{tags[1]}")
    return mark_safe("".join(html))


def _cell_tags(table, column, index: int) -> tuple[str, str]:
    row_header = getattr(table, "row_header", None)
    if column.name == row_header or (not row_header and index == 0):
        return format_html('<th scope="row" {}>', column.attrs["td"].as_html()), "</th>"
    return format_html("<td {}>", column.attrs["td"].as_html()), "</td>"


@register.filter
def input_tag(choice) -> str:
    """One option of a checkbox or radio list as an <input>, the same markup as Django's widget template writes
    (tested), without a template render per option: a filter form has dozens."""
    widget = choice.data
    html = format_html('<input type="{}" name="{}"', widget["type"], widget["name"])
    if widget["value"] is not None:
        html += format_html(' value="{}"', str(widget["value"]))
    for name, value in widget["attrs"].items():
        if value is True:
            html += format_html(" {}", name)
        elif value is not False:
            html += format_html(' {}="{}"', name, str(value))
    return mark_safe(html + ">")


@register.filter
def counted(count: int, noun: str) -> str:
    """ "No results", "1 result", "3 results": a count with its noun, singular or plural as it needs
    ("search result" → "search results"; an irregular plural after a comma: "body,bodies")."""
    singular, _, plural = noun.partition(",")
    plural = plural or f"{singular}s"
    if not count:
        return f"No {plural}"
    return f"{count:,} {singular if count == 1 else plural}"


@register.inclusion_tag("_legend.html")
def legend(*keys: str) -> dict[str, object]:
    """What the words a page uses mean, for the glossaries named ("outcomes", "statuses", ...), in a disclosure."""
    return {"glossaries": [glossary for glossary in EVERY_GLOSSARY if glossary.key in keys]}


@register.filter
def supported_count(passages: list) -> int:
    """How many records a source's passages support between them."""
    return sum(passage.count for passage in passages)


@register.simple_tag(takes_context=True)
def facet_count(context, name: str, code) -> str:
    """Beside a filter's value: how many rows choosing only it gives, linking to just that choice."""
    facets = context.get("facets")
    if not facets or name not in facets:
        return ""
    count = facets[name].get(str(code), 0)
    query = context["request"].GET.copy()
    for parameter in [name, "page"]:
        query.pop(parameter, None)
    query.setlist(name, [str(code)])
    return format_html(
        '<a class="facet-count" href="?{}" aria-label="{} {}: show only these">{}</a>',
        query.urlencode(), f"{count:,}", "row" if count == 1 else "rows", f"{count:,}",
    )  # fmt: skip


@register.inclusion_tag("_chips.html")
def filter_chips(filterset, keep: str = "") -> dict[str, object]:
    """The filters applied, as chips that each remove one (not those in `keep`, which the page always has)."""
    return {"applied": applied_filters(filterset, keep=keep.split())}


@register.simple_tag
def filtered_heading(noun_plural: str, filterset) -> str:
    return list_heading(noun_plural, filterset)
