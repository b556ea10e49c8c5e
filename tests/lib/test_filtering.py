import pytest
from model_bakery import baker

from nhsit.lib.filtering import distinct_values
from organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_a_columns_distinct_values_are_each_non_blank_value_once_in_order():
    kind = Organisation.objects.first().kind
    for number, sector in enumerate(["Zulu", "alpha", "Alpha", "Zulu", "", "Ñandú", "alpha"]):
        baker.make(Organisation, scheme_id="GB-NHS", code=f"ZZ{number}", kind=kind, sector=sector)
    held = Organisation.objects.exclude(sector="").order_by("sector").values_list("sector", flat=True).distinct()
    assert distinct_values(Organisation, "sector") == [(value, value) for value in held]
    assert {"Zulu", "alpha", "Alpha", "Ñandú"} <= {value for value, _ in distinct_values(Organisation, "sector")}


def test_a_column_holding_only_blanks_offers_nothing():
    Organisation.objects.update(sector="")
    assert distinct_values(Organisation, "sector") == []
