"""How exactly a source states a number: "eight" is exact, "approximately half" is about."""

from decimal import Decimal

from django.db import models


class Qualifier(models.TextChoices):
    EXACT = "exact", "exactly"
    ABOUT = "about", "about"
    AT_MOST = "at_most", "at most"
    AT_LEAST = "at_least", "at least"


def qualified_number(number: Decimal | int | None, qualifier: str) -> str:
    """A quantity with its qualifier: "about 1,500", "at most 100"."""
    if number is None:
        return "not recorded"
    if isinstance(number, Decimal) and number == number.to_integral_value():
        number = int(number)
    words: dict[str, str] = {Qualifier.ABOUT: "about ", Qualifier.AT_MOST: "at most ", Qualifier.AT_LEAST: "at least "}
    return f"{words.get(qualifier, '')}{number:,}"
