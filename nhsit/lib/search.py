"""Finding records by what a person types, forgiving case, accents, punctuation and small slips, best match first.

Every match is scored the same way: whole words typed score above the start of a word, that above a part of one,
and that above a near spelling, once case, accents and punctuation are folded away. On PostgreSQL the database
chooses the candidates to score: those with trigrams in common with the words typed (pg_trgm's word similarity,
on the fields folded in SQL by `fold_for_search`) and, for prose such as quotes, those with the same English word
stems (full-text search). Organisations' names are indexed both ways (organisations 0009 and 0011): by their folded
trigrams, and by their words, through which the names holding the words typed, and then those with words beginning
with them, are read first, a page of them costing the same however many names there are. SQLite, the
zero-setup default, has neither: there every record is a candidate, folded in Python. Both rank alike ("guys" finds
Guy's, "kings" puts King's College Hospital before Kingston); PostgreSQL also finds other forms of a word in quotes.
"""

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorField
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, Case, F, FloatField, Func, Model, Q, QuerySet, Value, When
from django.db.models.functions import Greatest

# How well words typed match a text: as whole words of it, at the start of one of its words, within one.
WHOLE_WORDS = 1.0
WORD_START = 0.85
PART_OF_A_WORD = 0.7
# Below this, a trigram or spelling likeness is a different word, not a slip.
LIKENESS = 0.5
# Trigrams enough in common for PostgreSQL to offer a record as a candidate, to be scored as below.
CANDIDATE = 0.3
# The most candidates scored in Python, best trigram likeness first: ten for each match wanted, up to this. Where
# more are offered (a word misspelt that thousands of names hold), the likeliest thousand hold the near spellings.
MOST_SCORED = 1000
# What a quote whose words share their stems with the words typed scores ("removing" for "removed").
STEMMED = 0.9
# How alike a typed word and a word of the text must be to count as a slip of spelling ("kigns" for "kings").
SPELLING = 0.8
APOSTROPHES = re.compile(r"['’‘`´]")
NOT_WORDS = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """The words of a text as a search compares them: lower case, no accents, apostrophes dropped ("Guy's" is
    "guys"), any other punctuation a space."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(character for character in decomposed if not unicodedata.combining(character))
    return " ".join(NOT_WORDS.sub(" ", APOSTROPHES.sub("", plain)).split())


def words_likeness(typed: str, text: str) -> float:
    """How well folded `typed` matches folded `text`, from 0 to 1: 1 for the same words in it, less for the start
    of a word, part of one, or a near spelling. SQLite's stand-in for pg_trgm's word similarity."""
    if not typed or not text:
        return 0.0
    found = words_found(typed, text)
    if found or len(typed) < 4:
        return found
    words = text.split()
    width = len(typed.split())
    spans = (" ".join(words[start : start + width]) for start in range(max(1, len(words) - width + 1)))
    best = max((_spelling_likeness(typed, span) for span in spans), default=0.0)
    return best * PART_OF_A_WORD if best >= SPELLING else 0.0


@functools.lru_cache(maxsize=8192)
def _spelling_likeness(typed: str, span: str) -> float:
    """SequenceMatcher's ratio where it may reach SPELLING, else 0: its two cheap upper bounds first (as difflib's
    get_close_matches does), so that words far apart in length or letters cost next to nothing to rule out. Kept
    for the words that recur: a search scores thousands of names, most sharing words ("trust", "hospital")."""
    matcher = SequenceMatcher(None, typed, span)
    if matcher.real_quick_ratio() < SPELLING or matcher.quick_ratio() < SPELLING:
        return 0.0
    return matcher.ratio()


def words_found(typed: str, text: str) -> float:
    """How folded `typed` is found in folded `text`: as whole words, at the start of a word, within one, or not at
    all (0): words_likeness without near spellings, which cost the most to look for."""
    padded = f" {text} "
    if f" {typed} " in padded:
        return WHOLE_WORDS
    if f" {typed}" in padded:
        return WORD_START
    if typed in text:
        return PART_OF_A_WORD
    return 0.0


def folded_expression(field: str) -> Func:
    """A field folded in the database as `fold` does in Python, for pg_trgm to compare (PostgreSQL only): lower
    case, no accents, no apostrophes; pg_trgm reads any other punctuation as a space between words."""
    return Func(F(field), function="fold_for_search")


class WordSimilarity(Func):
    """pg_trgm's word_similarity(typed, text): how well the typed words match some run of the text's words."""

    function = "word_similarity"
    output_field = FloatField()


class WordSimilar(Func):
    """pg_trgm's `text %> typed`: word_similarity(typed, text) at least pg_trgm.word_similarity_threshold (set to
    CANDIDATE on every connection), a condition a trigram index of the folded text answers."""

    arg_joiner = " %%> "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def use_candidate_threshold(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """On each new PostgreSQL connection (the `connection_created` signal): the word similarity at which pg_trgm's
    `%>` offers a record as a candidate. A setting of the session, so a pooler that shares sessions between clients
    (PgBouncer in transaction mode) needs it set on the database role instead."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET pg_trgm.word_similarity_threshold = %s", [CANDIDATE])


@dataclass(frozen=True)
class Match:
    record: Any  # the model instance the queryset holds
    score: float


def ranked_matches(
    queryset: QuerySet,
    text: str,
    *,
    fields: Sequence[str],
    exact: Q | None = None,
    stemmed: bool = False,
    limit: int = 20,
    words_indexed: bool = False,
) -> list[Match]:
    """The records whose fields best match the text, best first, with their scores (1 is a whole-word match;
    `exact`, such as a code typed in full, scores above everything). `stemmed` also finds other forms of the words
    typed ("withdrawing" finds "withdrawn"), for prose such as quotes, where PostgreSQL's full-text search can.
    `words_indexed`: the fields' `words_for_search` are indexed (organisations' names, organisations 0011), so
    records holding the words typed, then those holding them at the start of a word, are found first through the
    index, and where they are enough, nothing else is scored."""
    typed = fold(text)
    if not typed:
        return []
    if connection.vendor != "postgresql":
        return _ranked_in_python(queryset, typed, fields=fields, exact=exact, limit=limit)
    if words_indexed:
        # Whole words first, then the starts of words, each read through the index of the fields' words; where
        # those are not enough, the loose matches below.
        whole, every_whole = _holding(queryset, typed, fields=fields, wanted=limit, score=WHOLE_WORDS, limit=limit)
        if len(whole) >= limit:
            return _exact_first(whole, queryset, exact)[:limit]
        if every_whole and not stemmed:
            wanted = limit - len(whole)
            starts, _ = _holding(queryset, typed, fields=fields, wanted=wanted, score=WORD_START, limit=limit)
            if len(starts) == wanted:
                return _exact_first(whole + starts, queryset, exact)[:limit]
    return _ranked_in_database(queryset, typed, fields=fields, exact=exact, stemmed=stemmed, limit=limit)


class HoldsWords(Func):
    """PostgreSQL's `vector @@ query`: the text-search vector holds every word of the query."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def _holding(
    queryset: QuerySet, typed: str, *, fields: Sequence[str], wanted: int, score: float, limit: int
) -> tuple[list[Match], bool]:
    """Up to `wanted` records, first by id as `_ranked_in_python` ranks ties, that score `score`: whole words typed
    (WHOLE_WORDS) or the start of a word (WORD_START). Read through the index of the fields' words, which finds
    those holding every word typed (or a word beginning with each) in any order, `limit` × 10 of them at most (twice
    `wanted` for one word typed whole); of those, the ones scoring `score` are kept. And whether every record the
    index found was read: then, if fewer than `wanted` are kept, those are all there are."""
    by_id: Any = "pk"
    if score == WORD_START:
        # Folded words are letters and digits only: nothing in them is tsquery's syntax.
        words = SearchQuery(" & ".join(f"{word}:*" for word in typed.split()), config="simple", search_type="raw")
        # By id as a value, not the id's index: PostgreSQL cannot tell how many names a word's start is in, and
        # guessing thousands it would walk every record by id testing each (1.3 s at 100,000 names for a start
        # one name has) where the index finds those holding it (8 ms; 38 ms for a start every name has).
        by_id = F("pk") + 0
    else:
        words = SearchQuery(typed, config="simple", search_type="plain")
    holding = Q()
    for field in fields:
        holding |= Q(HoldsWords(Func(F(field), function="words_for_search", output_field=SearchVectorField()), words))
    # The whole slice at once: read through a cursor, PostgreSQL would plan for its first rows, walking every
    # record by id and testing each, where the index finds the few that hold the words. One word typed: every name
    # the index finds holding it holds it whole, so twice as many as wanted are plenty (where every name holds the
    # word, each row read has its words worked out: 5,000 of them took 20 ms, 1,000 took 4). Only the fields
    # scored are read, then the records kept whole.
    most = 2 * wanted if score == WHOLE_WORDS and len(typed.split()) == 1 else limit * 10
    found = list(queryset.filter(holding).order_by(by_id).values_list("pk", *fields)[:most])
    kept: list[Any] = []
    for pk, *values in found:
        # As _python_score would score it: no near spelling scores as much as a word's start.
        if max(words_found(typed, fold(str(value or ""))) for value in values) == score:
            kept.append(pk)
            if len(kept) == wanted:
                break
    records = queryset.in_bulk(kept)
    return [Match(records[pk], score) for pk in kept if pk in records], len(found) < most


def _ranked_in_database(
    queryset: QuerySet, typed: str, *, fields: Sequence[str], exact: Q | None, stemmed: bool, limit: int
) -> list[Match]:
    """The database finds the candidates (trigrams in common, or the same word stems); each is then scored as on
    SQLite, so both rank alike, with a stemmed match counting as nearly a whole word."""
    likeness = [WordSimilarity(Value(typed), folded_expression(field)) for field in fields]
    rows = queryset.annotate(_likeness=Greatest(*likeness) if len(likeness) > 1 else likeness[0])
    chosen = Q()
    for field in fields:
        chosen |= Q(WordSimilar(folded_expression(field), Value(typed)))
    if stemmed:
        words = SearchQuery(typed, config="english", search_type="plain")
        rows = rows.annotate(_words=SearchVector(*fields, config="english"))
        rows = rows.annotate(
            _stem=Case(When(Q(_words=words), then=Value(STEMMED)), default=Value(0.0), output_field=FloatField())
        )
        chosen |= Q(_stem__gt=0)
    if exact is not None:
        chosen |= exact
    candidates = rows.filter(chosen).order_by("-_likeness", "pk")[: min(limit * 10, MOST_SCORED)]
    matches = []
    for row in candidates:
        score = max(_python_score(row, typed, fields), getattr(row, "_stem", 0.0))
        if score >= LIKENESS:
            matches.append(Match(row, score))
    matches.sort(key=lambda match: (-match.score, match.record.pk))
    return _exact_first(matches, queryset, exact)[:limit]


def _python_score(row: Model, typed: str, fields: Sequence[str]) -> float:
    return max(words_likeness(typed, fold(str(_value(row, field) or ""))) for field in fields)


def _ranked_in_python(
    queryset: QuerySet, typed: str, *, fields: Sequence[str], exact: Q | None, limit: int
) -> list[Match]:
    matches = []
    for row in queryset.iterator(chunk_size=500):
        score = _python_score(row, typed, fields)
        if score >= LIKENESS:
            matches.append(Match(row, score))
    matches.sort(key=lambda match: (-match.score, match.record.pk))
    return _exact_first(matches, queryset, exact)[:limit]


def _exact_first(matches: list[Match], queryset: QuerySet, exact: Q | None) -> list[Match]:
    if exact is None:
        return matches
    exact_rows = list(queryset.filter(exact).order_by("pk")[:20])
    exact_ids = {row.pk for row in exact_rows}
    return [Match(row, 2.0) for row in exact_rows] + [match for match in matches if match.record.pk not in exact_ids]


def _value(row: Model, path: str) -> Any:
    value: Any = row
    for name in path.split("__"):
        value = getattr(value, name, None)
        if value is None:
            return None
    return value
