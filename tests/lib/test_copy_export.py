import pytest
from django.db import connection

from nhsit.lib.copy_export import constrained_cell, text_cell
from nhsit.lib.csv_export import ESCAPED_PREFIXES, neutralise

VALUES = [
    *(f"{prefix}1+1" for prefix in ESCAPED_PREFIXES),
    "plain",
    "Zebra",
    "@",
    "A@b",
    "12",
    " =1",
    "é=1",
    "",
    None,
]


# What a constrained cell can hold: values the database lets no formula's prefix start.
CONSTRAINED_VALUES = ["cerner-millennium", "ccn3", "withdrawn", "a", "", None]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cell", "value"),
    [*((text_cell, value) for value in VALUES), *((constrained_cell, value) for value in CONSTRAINED_VALUES)],
)
def test_a_cell_made_safe_in_sql_reads_as_neutralise_writes_it(cell, value):
    """A tested cell, and a constrained one written as it is, give what neutralise gives."""
    if connection.vendor != "postgresql":
        pytest.skip("COPY exports run on PostgreSQL only")
    sql = cell("value").sql("cells.value")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql} FROM (SELECT %s::text AS value) AS cells", [value])
        (shown,) = cursor.fetchone()
    # COPY writes NULL as an empty cell, as neutralise writes an empty value.
    assert (shown or "") == neutralise(value)
    assert shown != ""  # an empty value is NULL, written unquoted, never as ""
