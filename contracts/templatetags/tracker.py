"""Filters that show values the way their sources give them: pounds, partial dates, short status words."""

from decimal import Decimal

from django import template

from contracts.models import DeliverableStatus, DeploymentStatus, Entitlement, EntitlementStatus, SourceKind
from contracts.outcomes import Outcome
from nhsit.lib.admin_columns import gbp_display
from nhsit.lib.qualifiers import Qualifier
from trusts.models import OrganisationKind

register = template.Library()

SHORT_STATUS = {EntitlementStatus.UNKNOWN: "unknown", EntitlementStatus.DECLINED: "declined"}


def _label(choices, value: str) -> str:
    """The words for a stored code; a code no longer among the choices shows as itself."""
    return choices(value).label if value in choices.values else value


@register.filter
def gbp(value: Decimal | None) -> str:
    return gbp_display(value)


@register.filter
def gbp_change(value: Decimal | None) -> str:
    """A change in value: "−£112,000,000", "+£5", or a dash when there is nothing to compare."""
    if value is None:
        return "—"
    return gbp_display(value) if value < 0 else f"+{gbp_display(value)}"


@register.filter
def percent_change(value: Decimal | None) -> str:
    if value is None:
        return "—"
    sign = "−" if value < 0 else "+"
    return f"{sign}{abs(value):.1f}%"


@register.filter
def status_label(value: str | None) -> str:
    """An entitlement status in a word or two."""
    if not value:
        return "no record"
    return SHORT_STATUS.get(value) or EntitlementStatus(value).label if value in EntitlementStatus.values else value


@register.filter
def outcome_label(value: str | None) -> str:
    return Outcome(value).label if value in Outcome.values else ""


@register.filter
def kind_label(value: str) -> str:
    return _label(OrganisationKind, value)


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
    if number is None:
        return "unknown"
    if isinstance(number, Decimal) and number == number.to_integral_value():
        number = int(number)
    words = {Qualifier.ABOUT: "about ", Qualifier.AT_MOST: "at most ", Qualifier.AT_LEAST: "at least "}
    return f"{words.get(qualifier, '')}{number:,}"


@register.filter
def verbose_model(record) -> str:
    return record._meta.verbose_name


@register.filter
def record_label(record) -> str:
    """What a cited record says, in words: "Cerner Millennium under CCN3: withdrawn"."""
    if isinstance(record, Entitlement):
        return (
            f"{record.organisation.ods_code}: {record.system.name} under {record.revision.title}: "
            f"{status_label(record.status)}"
        )
    return str(record)
