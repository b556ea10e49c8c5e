"""The URLs of the pages a long list links each of its rows to, built without reverse()'s cost for every link.

reverse() works a URL out anew each time: the script prefix, the URLconf and the language, each a context-local
lookup, then the pattern's candidates. A compare page links a hundred organisations and fifty rows, and did so in a
seventh of its time. A page named by one argument of letters, digits, hyphens and underscores (which a `str` or
`slug` converter takes as it is, and quoting leaves alone) is its URL with the argument put in place of another
such argument; any other argument goes through reverse(). The URLconf has no language prefix (no i18n_patterns),
so the language changes no URL.
"""

import functools
import re

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

PLAIN_ARGUMENT = re.compile(r"[A-Za-z0-9_-]+")
# A plain argument every converter that takes any plain argument takes too: a converter for fewer (digits only, a
# fixed length, one case) refuses it, and its page's URLs go through reverse().
_STAND_IN = "Zz09-_standin"


def page_url(name: str, argument: str) -> str:
    """reverse(name, args=[argument]), for a page named by one argument."""
    if PLAIN_ARGUMENT.fullmatch(argument):
        around = _around_the_argument(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
        if around is not None:
            before, after = around
            return f"{before}{argument}{after}"
    return reverse(name, args=[argument])


@functools.lru_cache(maxsize=64)
def _around_the_argument(name: str, script_prefix: str, urlconf: str) -> tuple[str, str] | None:
    """What comes before and after the argument in the page's URL under this script prefix and URLconf; None where
    the page's converter refuses a plain argument or the URL holds it more than once."""
    try:
        url = reverse(name, args=[_STAND_IN], urlconf=urlconf)
    except NoReverseMatch:
        return None
    if url.count(_STAND_IN) != 1:
        return None
    before, after = url.split(_STAND_IN)
    return before, after
