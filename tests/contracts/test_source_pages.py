"""Evidence pages that read well: a passage cited for many records is shown once, with the records it supports;
the sources list opens with the key documents and keeps those that support nothing last."""

import re

import pytest

from contracts.models import Citation, Source
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db


def most_cited_quote() -> tuple[Source, str, int]:
    """The quote given for the most records with the same grade and reasoning, and for how many."""
    counts: dict[tuple, int] = {}
    cited = Citation.objects.exclude(quote="").values_list("source_id", "quote", "grade", "reasoning")
    for source_id, quote, grade, reasoning in cited:
        key = (source_id, " ".join(quote.split()), grade, " ".join(reasoning.split()))
        counts[key] = counts.get(key, 0) + 1
    (source_id, quote, _grade, _reasoning), count = max(counts.items(), key=lambda item: item[1])
    return Source.objects.get(pk=source_id), quote, count


def test_a_quote_cited_for_many_records_is_shown_once_with_how_many_it_supports(client):
    source, quote, count = most_cited_quote()
    assert count > 1
    response = client.get(f"/sources/{source.pk}/")
    passages = [passage for passage in response.context["passages"] if passage.count == count]
    assert [" ".join(passage.first.quote.split()) for passage in passages].count(quote) == 1
    shown = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
    assert f"Supports {count} records" in shown


def test_every_record_a_source_supports_is_still_listed(client):
    source, _quote, _count = most_cited_quote()
    response = client.get(f"/sources/{source.pk}/")
    listed = [citation.pk for passage in response.context["passages"] for citation in passage.citations]
    assert sorted(listed) == sorted(source.citations.values_list("pk", flat=True))


def test_the_sources_list_opens_with_the_key_documents(client):
    response = client.get("/sources/")
    keys = response.context["key_documents"]
    counts = [source.citation_count for source in keys]
    assert counts == sorted(counts, reverse=True) and len(keys) == 5
    assert "Key documents" in visible_text(response)


def test_the_sources_list_is_by_date_with_those_supporting_nothing_last(client):
    rows = list(client.get("/sources/", {"per_page": "500"}).context["table"].data.data)
    supporting = [row for row in rows if row.citation_count]
    nothing = [row for row in rows if not row.citation_count]
    assert rows == supporting + nothing
    dated = [row.published_on for row in supporting if row.published_on]
    assert dated == sorted(dated)
    undated_at = [index for index, row in enumerate(supporting) if row.published_on is None]
    assert all(index >= len(dated) for index in undated_at)


def test_a_filtered_sources_list_shows_only_what_matches(client):
    response = client.get("/sources/", {"kind": "letter"})
    assert "Key documents" not in visible_text(response)
