"""Pages of results, done in one place: a page that does not exist is a 404 that says why."""

from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.http import Http404


class NoSuchPage(Http404):
    pass


class CountedPaginator(Paginator):
    """A paginator told how many rows there are, where the caller has counted them already."""

    def __init__(self, *args: Any, count: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.count = count


def page_of(paginator: Paginator, number: str, *, of: str = "these results") -> Page:
    """Page `number` (as typed in the address) of the paginator's rows."""
    try:
        return paginator.page(number)
    except PageNotAnInteger:
        raise NoSuchPage(f"“{str(number)[:40]}” is not a page number.") from None
    except EmptyPage:
        pages = paginator.num_pages
        raise NoSuchPage(
            f"There is no page {str(number)[:40]}: {of} fill {pages} page{'s' if pages != 1 else ''}."
        ) from None
