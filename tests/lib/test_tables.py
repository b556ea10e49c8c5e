import django_tables2 as tables
import pytest

from nhsit.lib.tables import YesNoColumn


class Booleans(tables.Table):
    theirs = tables.BooleanColumn(accessor="value", yesno="live,—")
    ours = YesNoColumn(accessor="value", yesno="live,—")


@pytest.mark.parametrize("value", [True, False, None, 0, 1, ""])
def test_a_yes_no_cell_is_written_as_django_tables2_writes_a_boolean_one(value):
    table = Booleans([{"value": value}])
    row = table.rows[0]
    ours = table.columns["ours"]
    assert ours.column.cell_html(ours, row.record, table) == row.get_cell("theirs")
