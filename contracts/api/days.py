import datetime

from rest_framework.exceptions import ValidationError
from rest_framework.request import Request


def day_asked(request: Request) -> datetime.date | None:
    """`?as_of=YYYY-MM-DD`, the day whose revision in force is asked for; None when not asked."""
    text = request.query_params.get("as_of")
    if text is None:
        return None
    try:
        if len(text) != 10:
            raise ValueError(text)
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValidationError({"as_of": [f"“{text[:40]}” is not a day: give one as YYYY-MM-DD."]}) from None
