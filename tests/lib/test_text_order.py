"""Text values put in the order the database sorts a column holding them."""

import pytest

from nhsit.lib.text_order import in_text_order
from organisations.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db

SECTORS = ["mental health", "Mental Health", "acute_care", "acute care", "acute-care", "Ärzte", "zeta", "10", "9", ""]


def test_values_come_in_the_order_the_database_sorts_a_column_of_them():
    kind = OrganisationKind.objects.create(slug="test-kind", name="Test kind")
    for number, sector in enumerate(SECTORS):
        Organisation.objects.create(code=f"TX{number}", name=f"Test {number}", kind=kind, sector=sector)
    sorted_by_column = list(Organisation.objects.filter(kind=kind).order_by("sector").values_list("sector", flat=True))
    assert in_text_order(reversed(SECTORS)) == sorted_by_column


def test_each_value_comes_once():
    assert in_text_order(["b", "a", "b"]) == ["a", "b"]
    assert in_text_order(["only"]) == ["only"]
    assert in_text_order([]) == []
