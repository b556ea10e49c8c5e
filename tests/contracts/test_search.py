"""The search box: organisations, systems, sources and quotes, forgiving case, accents and punctuation, best first."""

import pytest
from django.db import connection

from contracts.models import Citation

pytestmark = pytest.mark.django_db


def results_for(client, text: str):
    response = client.get("/search/", {"q": text})
    assert response.status_code == 200, response
    return response.context["results"]


def organisation_codes(client, text: str) -> list[str]:
    return [match.record.code for match in results_for(client, text).organisations]


def test_kings_puts_kings_college_hospital_before_kingston(client):
    codes = organisation_codes(client, "kings")
    assert codes[:2] == ["RJZ", "RAX"]


def test_an_apostrophe_left_out_still_finds_the_name(client):
    assert organisation_codes(client, "guys")[0] == "RJ1"
    assert organisation_codes(client, "GUYS AND ST THOMAS")[0] == "RJ1"
    assert organisation_codes(client, "Guy’s")[0] == "RJ1"


def test_accents_and_punctuation_typed_are_set_aside(client):
    assert "RJ7" in organisation_codes(client, "St. Géorges")


def test_part_of_a_code_finds_the_codes_it_begins_in_order(client):
    codes = organisation_codes(client, "rj")
    assert codes[:3] == ["RJ1", "RJ2", "RJ5"]
    assert all(code.startswith("RJ") for code in codes)


def test_a_code_typed_in_full_goes_straight_to_its_organisation(client):
    assert client.get("/search/", {"q": " ran "})["Location"] == "/trusts/RAN/"
    assert client.get("/search/", {"q": "GB-NHS-RAN"})["Location"] == "/trusts/RAN/"


def test_a_system_is_found_by_name_with_its_sources_and_quotes(client):
    results = results_for(client, "cerner")
    assert results.organisations == []
    assert [match.record.slug for match in results.systems] == ["cerner-millennium"]
    assert results.sources and results.quotes
    assert all("cerner" in match.record.quote.lower() for match in results.quotes)


def test_the_results_page_groups_what_it_found_and_counts_it(client):
    page = client.get("/search/", {"q": "cerner"}).content.decode()
    assert "Search results for “cerner”" in page
    assert page.index(">Systems <") < page.index(">Sources <") < page.index(">Quotes <")
    assert ">Organisations <" not in page


def test_nothing_found_says_so_and_suggests_what_to_type(client):
    page = client.get("/search/", {"q": "zzqx"}).content.decode()
    assert "No results" in page
    assert "Download" not in page


def test_a_quote_cited_for_several_records_is_one_result(client):
    results = results_for(client, "cuts £112m")
    quotes = [" ".join(match.record.quote.split()) for match in results.quotes]
    assert len(quotes) == len(set(quotes))


def test_quotes_of_a_draft_revision_are_not_found(client, ccn3):
    """A quote only the revision's own records cite: found while it is published, not once it is a draft."""
    cited = Citation.objects.create(
        source=Citation.objects.exclude(source=None).first().source,
        revision=ccn3,
        quote="Zanzibar quartermaster withdrew the marmalade contract",
    )

    def found() -> bool:
        return any(match.record.pk == cited.pk for match in results_for(client, "zanzibar quartermaster").quotes)

    assert found()
    ccn3.is_published = False
    ccn3.save()
    assert not found()


def test_an_unknown_parameter_is_refused(client):
    response = client.get("/search/", {"q": "rio", "page": "2"})
    assert response.status_code == 400
    assert "page" in response.content.decode()


def test_an_empty_search_shows_the_box(client):
    response = client.get("/search/")
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stemming is PostgreSQL's full-text search")
def test_on_postgresql_other_forms_of_a_word_find_a_quote(client):
    assert any("removed" in match.record.quote for match in results_for(client, "removing").quotes)
