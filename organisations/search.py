"""Finding organisations by what a person types: a code (RAN, GB-LAE-WSM), or a name, forgiving case, accents and
punctuation ("guys" finds Guy's and St Thomas')."""

from django.db.models import Q, QuerySet

from nhsit.lib.search import ranked_matches
from organisations.models import Organisation, identified_by

# The most organisations a typed name matches loosely; a list longer than this is better narrowed.
MOST_LIKE = 500
# Up to this many organisations matching, the condition is their ids: each list and count the page filters by it
# then finds them through the primary key, not by testing every name of the register again.
MOST_MATCHED_BY_ID = 1000


def organisation_search(queryset: QuerySet[Organisation], text: str) -> QuerySet[Organisation]:
    """Organisations with the text as their code or identifier, in their name or short name, or whose name's words
    it matches once case, accents and punctuation are set aside."""
    return queryset.filter(organisation_match(text))


def organisation_match(text: str) -> Q:
    """organisation_search()'s condition, the loose matches looked up now: one condition for a page that filters
    several lists by the same text. Where few organisations match, the condition is their ids."""
    text = text.strip()
    if not text:
        return Q()
    register = Organisation.objects.only("pk", "name", "short_name")
    alike = [
        match.record.pk
        for match in ranked_matches(register, text, fields=["name", "short_name"], limit=MOST_LIKE, words_indexed=True)
    ]
    named = Q(name__icontains=text) | Q(short_name__icontains=text) | Q(pk__in=alike)
    matching = identified_by(text) | named
    ids = Organisation.objects.filter(matching).order_by().values_list("pk", flat=True)
    found = list(ids[: MOST_MATCHED_BY_ID + 1])
    if len(found) > MOST_MATCHED_BY_ID:
        return matching
    # None matching: a condition no row meets that still compiles to SQL (an empty IN is refused before it is
    # sent, and the facets' and tally's queries are compiled to be wrapped).
    return Q(pk__in=found) if found else Q(pk__isnull=True)
