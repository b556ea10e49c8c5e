"""The site's one search box: organisations, systems, sources and the quotes behind the records, best match first."""

from dataclasses import dataclass, field

from django.db.models import Q

from contracts.models import Citation, Source, System
from contracts.selectors.citations import visible_citations
from nhsit.lib.search import Match, fold, ranked_matches
from organisations.models import Organisation, identifier_parts

# Enough of each kind for a person to scan; a search that needs more is better narrowed.
MOST_PER_KIND = 20


@dataclass
class SearchResults:
    text: str
    organisations: list[Match] = field(default_factory=list)
    systems: list[Match] = field(default_factory=list)
    sources: list[Match] = field(default_factory=list)
    quotes: list[Match] = field(default_factory=list)
    # The organisation whose code or identifier was typed in full.
    identified: Organisation | None = None

    @property
    def count(self) -> int:
        return len(self.organisations) + len(self.systems) + len(self.sources) + len(self.quotes)

    @property
    def destination(self) -> Organisation | None:
        """Where the search box goes straight to: the organisation whose code was typed in full, or the only thing
        found when that is one organisation."""
        if self.identified is not None:
            return self.identified
        if self.count == 1 and self.organisations:
            return self.organisations[0].record
        return None


def _code_condition(text: str) -> Q:
    """Organisations whose code, or identifier, the text is, or begins ("RJ" for RJ1, RJ2, RJ7...)."""
    typed = "".join(text.split()).upper()
    if not typed or not typed.replace("-", "").isalnum():
        return Q(pk__in=[])
    scheme, code = identifier_parts(typed)
    return Q(scheme_id=scheme, code__startswith=code) | Q(code__startswith=typed)


def site_search(text: str, *, drafts: bool = False) -> SearchResults:
    """What matches the text, in four kinds; quotes only from records the page may show."""
    text = text.strip()[:100]
    results = SearchResults(text=text)
    if not fold(text):
        return results
    code = _code_condition(text)
    results.organisations = ranked_matches(
        Organisation.objects.select_related("kind"), text,
        fields=["name", "short_name"], exact=code, limit=MOST_PER_KIND, words_indexed=True,
    )  # fmt: skip
    results.organisations = _codes_typed_in_full_first(results.organisations, text)
    results.identified = Organisation.objects.by_identifier(text)
    results.systems = ranked_matches(
        System.objects.select_related("vendor"), text, fields=["name", "slug", "vendor__name"], limit=MOST_PER_KIND
    )
    results.sources = ranked_matches(
        Source.objects.all(), text, fields=["title", "publisher", "author"], limit=MOST_PER_KIND
    )
    quoted = Citation.objects.filter(visible_citations(drafts=drafts), source__isnull=False).exclude(quote="")
    results.quotes = ranked_matches(
        quoted.select_related("source"), text, fields=["quote"], stemmed=True, limit=MOST_PER_KIND
    )
    results.quotes = _each_quote_once(results.quotes)
    return results


def _codes_typed_in_full_first(matches: list[Match], text: str) -> list[Match]:
    """A code typed in full outranks the codes it only begins (RJ1 before RJ1X), and those outrank names."""
    typed = "".join(text.split()).upper()

    def rank(match: Match) -> tuple[int, float, str]:
        organisation = match.record
        if typed in (organisation.code, organisation.identifier.upper()):
            return (0, 0.0, "")
        if match.score > 1:
            return (1, 0.0, organisation.code)
        return (2, -match.score, organisation.name)

    return sorted(matches, key=rank)


def _each_quote_once(matches: list[Match]) -> list[Match]:
    """A quote cited for several records is one result (the first citation of it)."""
    seen: set[tuple[int | None, str]] = set()
    once = []
    for match in matches:
        key = (match.record.source_id, " ".join(match.record.quote.split()))
        if key not in seen:
            seen.add(key)
            once.append(match)
    return once
