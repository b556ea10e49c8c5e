"""What every page's footer says of the records: computed from them, never typed."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from contracts.pages.quality import evidence_summary


def evidence_footer(request: HttpRequest) -> dict[str, object]:
    """A context processor: the share of facts each evidence has, read only by a page that shows it."""
    return {"evidence_summary": SimpleLazyObject(evidence_summary)}
