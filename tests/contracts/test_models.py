import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from model_bakery import baker

from contracts.models import Citation, Entitlement, EntitlementStatus, Revision, Source
from nhsit.lib.dates import DatePrecision, partial_date_display
from organisations.models import Organisation


def test_the_database_refuses_a_duplicate_entitlement(ccn3):
    existing = Entitlement.objects.get(revision=ccn3, organisation__code="RAN", system__slug="cerner-millennium")
    with pytest.raises(IntegrityError), transaction.atomic():
        Entitlement.objects.create(
            revision=ccn3, organisation=existing.organisation, system=existing.system, status="entitled"
        )
    assert Entitlement.objects.get(pk=existing.pk).status == EntitlementStatus.WITHDRAWN


def test_the_database_refuses_an_unknown_status(ccn3):
    entitlement = Entitlement.objects.filter(revision=ccn3).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Entitlement.objects.filter(pk=entitlement.pk).update(status="probably")


def test_the_database_refuses_a_withdrawal_without_a_reason(ccn3):
    entitlement = Entitlement.objects.get(revision=ccn3, organisation__code="RAL", system__slug="cerner-millennium")
    with pytest.raises(IntegrityError), transaction.atomic():
        Entitlement.objects.filter(pk=entitlement.pk).update(status="withdrawn", withdrawal_reason="")
    entitlement.status = EntitlementStatus.WITHDRAWN
    with pytest.raises(ValidationError) as error:
        entitlement.full_clean()
    assert "withdrawal_reason" in error.value.message_dict


def test_a_citation_supports_exactly_one_record(ccn3):
    source = Source.objects.first()
    organisation = Organisation.objects.get(code="RAN")
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(source=source, note="Two at once", revision=ccn3, organisation=organisation)
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(source=source, note="Nothing at all")
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(source=source, revision=ccn3)


def test_the_database_refuses_a_lowercase_ods_code(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(code="ran2", name="Lower case", kind_id="acute")
    with pytest.raises(ValidationError):
        Organisation(code="R A N", name="Spaces", kind_id="acute").full_clean()


def test_the_value_change_is_derived_from_the_previous_revision(original, ccn3):
    annotated = {
        revision.code: revision for revision in Revision.objects.filter(contract=ccn3.contract).with_value_change()
    }
    assert annotated["original"].value_change is None
    # The 2007 re-set, just before CCN3, records no total, so CCN3's change against it is unknown.
    reset = annotated["reset-2007"]
    assert reset.total_value is None
    assert (annotated["ccn3"].previous_value, annotated["ccn3"].value_change) == (None, None)
    Revision.objects.filter(pk=reset.pk).update(total_value=original.total_value)
    revisions = Revision.objects.filter(contract=ccn3.contract).with_value_change()
    changed = {revision.code: revision for revision in revisions}
    assert changed["ccn3"].value_change == ccn3.total_value - original.total_value == Decimal("-112000000")


def test_the_value_change_is_unknown_when_a_value_is(db):
    contract = baker.make("contracts.Contract", slug="no-values")
    baker.make("contracts.Revision", contract=contract, code="a", sequence=1, total_value=None)
    baker.make("contracts.Revision", contract=contract, code="b", sequence=2, total_value=Decimal(5))
    annotated = {revision.code: revision for revision in contract.revisions.with_value_change()}
    assert annotated["b"].previous_value is None and annotated["b"].value_change is None


@pytest.mark.parametrize(
    ("precision", "shown"),
    [
        (DatePrecision.DAY, "29 Mar 2010"),
        (DatePrecision.MONTH, "Mar 2010"),
        (DatePrecision.YEAR, "2010"),
        (DatePrecision.ON_OR_BEFORE, "by 29 Mar 2010"),
    ],
)
def test_a_date_is_shown_no_more_precisely_than_its_source_gives_it(precision, shown):
    assert partial_date_display(datetime.date(2010, 3, 29), precision) == shown
    assert partial_date_display(None, precision) == "not recorded"
