"""A table's count and download say what they hold in words: singular or plural, and no download of nothing."""

import pytest

from tests.helpers import shown_count, visible_text

pytestmark = pytest.mark.django_db


def test_no_match_says_so_and_offers_no_download(client):
    response = client.get("/trusts/", {"q": "zzqx"})
    assert shown_count(response) == 0
    text = visible_text(response)
    assert "No organisations" in text
    assert "Download" not in text


def test_one_match_is_singular(client):
    response = client.get("/trusts/", {"q": "RAN"})
    text = visible_text(response)
    assert "1 organisation " in f"{text} " and "1 organisations" not in text
    assert "Download this organisation as CSV" in text


def test_many_matches_are_plural_and_counted_in_the_download(client):
    response = client.get("/sources/")
    count = shown_count(response)
    assert count > 1
    assert f"Download these {count} sources as CSV" in visible_text(response)
