"""A day a page is asked about (`?as_of=` for the revision in force, `?recorded_on=` for the records as they stood),
read strictly: anything but YYYY-MM-DD is refused, saying so."""

import datetime
import re

from django.core.exceptions import BadRequest
from django.http import HttpRequest

DAY_PARAMETERS = frozenset({"as_of", "recorded_on"})
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def asked_day(request: HttpRequest, name: str) -> datetime.date | None:
    text = request.GET.get(name, "").strip()
    if not text and name not in request.GET:
        return None
    try:
        if not ISO_DAY.fullmatch(text):
            raise ValueError
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"{name}: “{text[:40]}” is not a date; give one as YYYY-MM-DD, e.g. 2010-04-15.") from None


def refuse_as_of_with_a_choice(request: HttpRequest) -> None:
    """as_of chooses the revision itself, so it is not given with base or target."""
    given = [name for name in ("base", "target") if name in request.GET]
    if "as_of" in request.GET and given:
        raise BadRequest(
            f"as_of shows the revision in force on a day; {' and '.join(given)} choose revisions to compare. "
            "Give one or the other, not both."
        )
