import pytest
from django.db import connection

from nhsit.lib.copy_export import EXPORT_SETTINGS, constrained_cell, copy_stream, text_cell
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


@pytest.mark.django_db
def test_an_export_runs_with_its_own_settings_and_gives_the_connection_back_as_it_was():
    """No statement timeout, and PostgreSQL's own cost for parallel workers (the pages' is higher), for the
    export's query only."""
    if connection.vendor != "postgresql":
        pytest.skip("COPY exports run on PostgreSQL only")
    names = list(EXPORT_SETTINGS)
    shown = ", ".join(f"current_setting('{name}')" for name in names)

    def settings_now() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {shown}")
            return list(cursor.fetchone())

    before = settings_now()
    written = b"".join(copy_stream(f"COPY (SELECT {shown}) TO STDOUT WITH (FORMAT csv)")).decode()
    assert written.strip().split(",") == [EXPORT_SETTINGS[name] for name in names]
    assert settings_now() == before
