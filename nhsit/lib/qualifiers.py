"""How exactly a source states a number: "eight" is exact, "approximately half" is about."""

from django.db import models


class Qualifier(models.TextChoices):
    EXACT = "exact", "exactly"
    ABOUT = "about", "about"
    AT_MOST = "at_most", "at most"
    AT_LEAST = "at_least", "at least"
