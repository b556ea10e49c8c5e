"""Finding organisations in the register by what a person types."""

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import F, Func, Q, Value
from django.test.utils import CaptureQueriesContext

from nhsit.lib import search
from nhsit.lib.search import (
    CANDIDATE,
    WORD_START,
    HoldsWords,
    WordSimilar,
    _ranked_in_python,
    fold,
    folded_expression,
    ranked_matches,
    words_likeness,
)
from organisations import search as organisations_search
from organisations.models import Organisation
from organisations.search import organisation_match, organisation_search
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db


def found(text: str) -> set[str]:
    return set(organisation_search(Organisation.objects.all(), text).values_list("code", flat=True))


def test_an_ods_code_finds_its_organisation_in_any_case():
    assert found("ran") == {"RAN"}


def test_part_of_a_name_finds_every_organisation_holding_it_in_any_case():
    assert found("George") == found("george") == {"RJ7", "RQY"}
    assert found("royal free") == {"RAL"}


def test_part_of_an_ods_code_is_not_a_code():
    assert found("RJ") == set()


def test_nothing_typed_leaves_every_organisation():
    assert found("  ") == set(Organisation.objects.values_list("code", flat=True))


@pytest.mark.parametrize(
    ("path", "query"),
    [("/trusts/", {"q": "guys", "kind": "acute"}), ("/entitlements/", {"organisation": "guys", "kind": "acute"})],
)
def test_a_list_looks_up_loose_matches_once_for_the_list_and_its_facets(client, monkeypatch, path, query):
    import organisations.search

    calls = []
    looked_up = organisations.search.ranked_matches

    def counted(*args, **kwargs):
        calls.append(args[1])
        return looked_up(*args, **kwargs)

    monkeypatch.setattr(organisations.search, "ranked_matches", counted)
    response = client.get(path, query)
    assert response.status_code == 200
    assert "Guy's and St Thomas'" in visible_text(response)
    assert calls == ["guys"]


# Names whose apostrophes, accents and punctuation search folds away.
PUNCTUATED_NAMES = [
    "Guy's and St Thomas' NHS Foundation Trust",
    "King’s College Hospital",
    "Hôpital Saint-Éloi",
    "St. Mary's-on-Sea (Cottage) Hospital",
    "The Saint-Éloi Hospital",
]


def plan_by_index(queryset) -> str:
    """The plan of the query where the database may read no table whole nor in an index's order: what an index
    can answer (the seed's register is small enough that reading it whole is otherwise cheaper)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    return queryset.explain()


on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm and unaccent are PostgreSQL's")


@on_postgresql
def test_every_connection_offers_candidates_at_the_searchs_threshold():
    fresh = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with fresh.cursor() as cursor:
            cursor.execute("SHOW pg_trgm.word_similarity_threshold")
            (threshold,) = cursor.fetchone()
    finally:
        fresh.close()
    assert float(threshold) == CANDIDATE


@on_postgresql
@pytest.mark.parametrize("typed", ["guys", "kings", "st thomas", "hopital", "kigns", "marys on sea"])
def test_names_folded_in_the_database_compare_as_folded_in_python(typed):
    names = [*PUNCTUATED_NAMES, *Organisation.objects.values_list("name", flat=True)]
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(
                "SELECT word_similarity(%s, fold_for_search(%s)), word_similarity(%s, %s)",
                [typed, name, typed, fold(name)],
            )
            in_database, in_python = cursor.fetchone()
            assert in_database == pytest.approx(in_python), name


@on_postgresql
def test_a_typed_name_reads_the_folded_name_indexes_not_every_name():
    typed = fold("Guy's")
    chosen = Q(WordSimilar(folded_expression("name"), Value(typed))) | Q(
        WordSimilar(folded_expression("short_name"), Value(typed))
    )
    plan = plan_by_index(Organisation.objects.filter(chosen))
    assert "organisation_name_folded_trigrams" in plan
    assert "organisation_short_name_folded_trigrams" in plan


def many_named(word: str, number: int) -> list[Organisation]:
    kind = Organisation.objects.earliest("pk").kind
    return [
        Organisation.objects.create(scheme_id="GB-NHS", code=f"ZW{index:03}", name=f"{word} Widget {index}", kind=kind)
        for index in range(number)
    ]


@on_postgresql
@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("widget", 20),
        ("alpha", 20),
        ("Widget 1", 20),
        ("widgets", 20),
        ("widget alpha", 0),
        ("widg", 20),
        ("alpha wid", 20),
        ("alp widget", 20),
        ("Widget 2", 20),
    ],
)
def test_names_holding_the_words_typed_are_ranked_as_in_python(typed, found):
    """Found through the index of the names' words where enough hold them (or the starts of them), or else scored as
    loose matches: the same organisations, in the same order, as scoring every name in Python."""
    many_named("Alpha", 30)
    register = Organisation.objects.all()
    typed_folded = fold(typed)
    indexed = ranked_matches(register, typed, fields=["name", "short_name"], limit=20, words_indexed=True)
    in_python = _ranked_in_python(register, typed_folded, fields=["name", "short_name"], exact=None, limit=20)
    assert [(match.record.pk, match.score) for match in indexed] == [
        (match.record.pk, match.score) for match in in_python
    ]
    assert len(indexed) == found


@on_postgresql
def test_a_word_most_names_hold_is_read_through_the_index_of_their_words():
    many_named("Alpha", 30)
    holding = Q(HoldsWords(Func(F("name"), function="words_for_search"), SearchQuery("widget", config="simple")))
    plan = plan_by_index(Organisation.objects.filter(holding))
    assert "organisation_name_words" in plan


@on_postgresql
@pytest.mark.parametrize("typed", ["guys", "st thomas", "saint eloi", "eloi hospital", "marys on sea", "cottage"])
def test_a_name_holding_the_words_typed_in_python_holds_them_in_the_database(typed):
    for name in PUNCTUATED_NAMES:
        in_python = words_likeness(fold(typed), fold(name)) == 1.0
        with connection.cursor() as cursor:
            cursor.execute("SELECT words_for_search(%s) @@ plainto_tsquery('simple', %s)", [name, fold(typed)])
            (in_database,) = cursor.fetchone()
        assert in_database or not in_python, name


@on_postgresql
@pytest.mark.parametrize("typed", ["guy", "st thom", "saint el", "eloi hosp", "marys on s", "cott"])
def test_a_name_with_the_words_typed_at_a_words_start_in_python_holds_them_in_the_database(typed):
    for name in PUNCTUATED_NAMES:
        in_python = words_likeness(fold(typed), fold(name)) >= WORD_START
        starts = " & ".join(f"{word}:*" for word in fold(typed).split())
        with connection.cursor() as cursor:
            cursor.execute("SELECT words_for_search(%s) @@ to_tsquery('simple', %s)", [name, starts])
            (in_database,) = cursor.fetchone()
        assert in_database or not in_python, name


@on_postgresql
def test_the_start_of_a_word_most_names_hold_scores_a_page_of_them_not_every_name(monkeypatch):
    """ "Trus" begins a word of every name: the first names by id are read through the index of their words, and no
    name is scored by trigrams."""
    many_named("Alpha", 30)
    monkeypatch.setattr(search, "_ranked_in_database", None)
    found = ranked_matches(
        Organisation.objects.all(), "widg", fields=["name", "short_name"], limit=5, words_indexed=True
    )
    assert [match.record.name for match in found] == [f"Alpha Widget {index}" for index in range(5)]
    assert {match.score for match in found} == {WORD_START}


@on_postgresql
def test_the_start_of_a_word_few_names_hold_is_found_through_the_index_not_by_walking_every_name():
    """PostgreSQL cannot estimate how many names hold a word's start; asked for the first of them by id in a
    register of tens of thousands, it would walk the register by id testing each name."""
    kind = Organisation.objects.earliest("pk").kind
    Organisation.objects.bulk_create(
        Organisation(scheme_id="GB-NHS", code=f"ZV{index:05}", name=f"Vast Trust {index:05}", kind=kind)
        for index in range(60000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE trusts_organisation")
    with CaptureQueriesContext(connection) as queries:
        found = ranked_matches(Organisation.objects.all(), "0423", fields=["name", "short_name"], words_indexed=True)
    assert [match.record.code for match in found][:1] == ["ZV04230"]
    starts = [query["sql"] for query in queries.captured_queries if ":*" in query["sql"]]
    assert starts, "the starts of words were looked up"
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {starts[0]}")
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "organisation_name_words" in plan
    assert "trusts_organisation_pkey" not in plan


@on_postgresql
def test_a_slip_in_a_word_many_names_hold_scores_the_likeliest_candidates_up_to_a_bound(monkeypatch):
    """ "Widgte" is a slip of a word every one of 30 names holds: each is a candidate, and only the likeliest
    MOST_SCORED of them by their trigrams (ties by id) are scored in Python, however many names there are."""
    many_named("Alpha", 30)
    monkeypatch.setattr(search, "MOST_SCORED", 12)
    scored = []
    score = search._python_score
    monkeypatch.setattr(search, "_python_score", lambda row, *args: scored.append(row.pk) or score(row, *args))
    found = ranked_matches(Organisation.objects.all(), "alpha widgte", fields=["name", "short_name"], limit=20)
    assert len(scored) == 12
    assert [match.record.pk for match in found] == sorted(scored)
    assert {match.record.name.rsplit(" ", 1)[0] for match in found} == {"Alpha Widget"}


def test_a_search_few_organisations_match_is_their_ids(monkeypatch):
    """The lists and counts a page filters by the search then find the organisations by their primary key."""
    expected = found("royal")
    assert expected
    ((lookup, ids),) = organisation_match("royal").children
    assert lookup == "pk__in"
    assert set(Organisation.objects.filter(pk__in=ids).values_list("code", flat=True)) == expected
    monkeypatch.setattr(organisations_search, "MOST_MATCHED_BY_ID", len(expected) - 1)
    assert "icontains" in str(organisation_match("royal"))
    assert found("royal") == expected


def test_a_search_nothing_matches_is_a_condition_no_row_meets(client):
    assert found("nothing-at-all-like-this") == set()
    assert Organisation.objects.filter(organisation_match("nothing-at-all-like-this")).query.sql_with_params()
    response = client.get("/trusts/", {"q": "nothing-at-all-like-this"})
    assert response.status_code == 200
    response = client.get("/entitlements/", {"organisation": "nothing-at-all-like-this"})
    assert response.status_code == 200
