"""The columns an export writes without testing each cell (contracts.exports, constrained_cell) are safe because the
database refuses a value starting with a formula's prefix, whatever makes the write."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model

from contracts.exports import CONSTRAINED_ENTITLEMENT_COLUMNS, ENTITLEMENT_COLUMNS
from contracts.models import Citation, Contract, Entitlement, Revision, Source, System
from nhsit.lib.csv_export import ESCAPED_PREFIXES
from organisations.models import IdentifierScheme, Organisation, OrganisationKind

# What holds each constrained column of the entitlements export: the fields of their models the database checks (an
# identifier starts with its scheme's prefix or with its code).
HELD_BY: dict[str, list[tuple[type[Model], str]]] = {
    "contract": [(Contract, "slug")],
    "revision": [(Revision, "code")],
    "identifier": [(Organisation, "code"), (IdentifierScheme, "prefix")],
    "kind": [(OrganisationKind, "slug")],
    "system": [(System, "slug")],
    "sources": [(Source, "key")],
    "status": [(Entitlement, "status")],
    "evidence": [(Citation, "grade")],
}
HOLDERS = [(column, model, field) for column, held in sorted(HELD_BY.items()) for model, field in held]


def test_every_constrained_column_is_held_by_a_constraint_and_the_rest_are_tested():
    assert set(HELD_BY) == CONSTRAINED_ENTITLEMENT_COLUMNS
    assert {"organisation", "sector", "delivery_model", "slot", "reason"} == (
        set(ENTITLEMENT_COLUMNS) - CONSTRAINED_ENTITLEMENT_COLUMNS
    )


@pytest.mark.parametrize(("column", "model", "field"), HOLDERS, ids=[f"{c}-{f}" for c, _m, f in HOLDERS])
@pytest.mark.parametrize("prefix", ESCAPED_PREFIXES)
def test_the_database_refuses_a_value_a_spreadsheet_would_run(london, column, model, field, prefix):
    record = model.objects.order_by("pk").first()
    before = getattr(record, field)
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=record.pk).update(**{field: f"{prefix}1+1"})
    record.refresh_from_db()
    assert getattr(record, field) == before


@pytest.mark.parametrize(("model", "field"), [(Contract, "slug"), (System, "slug"), (OrganisationKind, "slug")])
def test_a_form_is_told_why_a_slug_starting_with_a_hyphen_is_refused(london, model, field):
    record = model.objects.order_by("pk").first()
    setattr(record, field, "-leading")
    with pytest.raises(ValidationError) as error:
        record.full_clean()
    assert "cannot start with =, +, -, @" in str(error.value)
