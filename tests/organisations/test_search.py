"""Finding organisations in the register by what a person types."""

import pytest

from organisations.models import Organisation
from organisations.search import organisation_search
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
