"""Sums of money as the pages show them: whole pounds, a true minus sign."""

from decimal import Decimal


def gbp_display(value: Decimal | None, missing: str = "unknown") -> str:
    if value is None:
        return missing
    sign = "−" if value < 0 else ""
    return f"{sign}£{abs(value):,.0f}"


def gbp_change_display(value: Decimal | None) -> str:
    """A change in value: "−£112,000,000", "+£5", or a dash when there is nothing to compare."""
    if value is None:
        return "—"
    return gbp_display(value) if value < 0 else f"+{gbp_display(value)}"


def percent_change_display(value: Decimal | None) -> str:
    if value is None:
        return "—"
    sign = "−" if value < 0 else "+"
    return f"{sign}{abs(value):.1f}%"


def gbp_short(value: Decimal | int) -> str:
    """A sum on a chart's axis: "£0", "£500m", "£1.1bn"."""
    value = Decimal(value)
    if abs(value) >= 1_000_000_000:
        return f"£{value / 1_000_000_000:.2f}".rstrip("0").rstrip(".") + "bn"
    if abs(value) >= 1_000_000:
        return f"£{value / 1_000_000:.0f}m"
    return f"£{value:,.0f}"
