"""What happened to an organisation's system, or a programme line, between two revisions.

Outcomes are derived by the database from the two revisions' records; they are never stored.
"""

from django.db import models


class Outcome(models.TextChoices):
    KEPT = "kept", "kept"
    LOST = "lost", "lost"
    GAINED = "gained", "gained"
    NEVER = "never", "never"
    UNKNOWN = "unknown", "unknown"
