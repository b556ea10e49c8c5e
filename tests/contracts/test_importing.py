"""Bulk import: export, edit in a spreadsheet, import with a preview; one bad row writes nothing."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contracts.models import Entitlement
from tests.conftest import client_for
from tests.helpers import csv_rows

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:contracts_entitlement_import")
CONFIRM_URL = reverse("admin:contracts_entitlement_process_import")


def exported(client, **filters) -> list[dict]:
    return csv_rows(client.get("/entitlements/", {**filters, "_export": "csv"}))


def as_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def preview(client, rows: list[dict], name: str = "entitlements.csv"):
    upload = SimpleUploadedFile(name, as_csv(rows), content_type="text/csv")
    return client.post(IMPORT_URL, {"format": "0", "resource": "0", "import_file": upload})


def confirm(client, previewed):
    return client.post(CONFIRM_URL, previewed.context["confirm_form"].initial)


def status_of(ods_code: str, system: str, revision: str = "ccn3") -> str:
    return Entitlement.objects.get(revision__code=revision, organisation__ods_code=ods_code, system__slug=system).status


def test_an_export_edited_and_imported_changes_only_what_was_edited(client, editor):
    rows = exported(client, revision="ccn3", system="rio")
    row = next(row for row in rows if row["ods_code"] == "RV3")
    assert row["status"] == "unknown"
    row["status"] = "entitled"

    editor_client = client_for(editor)
    previewed = preview(editor_client, rows)
    result = previewed.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["update"] == 1 and result.totals["skip"] == len(rows) - 1 and result.totals["new"] == 0
    assert status_of("RV3", "rio") == "unknown"  # the preview writes nothing

    assert confirm(editor_client, previewed).status_code == 302
    assert status_of("RV3", "rio") == "entitled"
    latest = Entitlement.objects.get(
        revision__code="ccn3", organisation__ods_code="RV3", system__slug="rio"
    ).history.first()
    assert latest.history_user == editor
    assert latest.history_change_reason == "Imported from entitlements.csv"


def test_an_import_can_add_an_entitlement(client, editor):
    rows = exported(client, revision="ccn3", organisation="RAN")
    rows.append({**rows[0], "system": "rio", "status": "not_entitled", "reason": "", "sources": ""})
    editor_client = client_for(editor)
    previewed = preview(editor_client, rows)
    assert previewed.context["result"].totals["new"] == 1
    confirm(editor_client, previewed)
    assert status_of("RAN", "rio") == "not_entitled"


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("ods_code", "ZZZ", "ods_code: there is no organisation with the ODS code “ZZZ”"),
        ("system", "epic", "system: there is no system “epic”"),
        ("revision", "ccn9", "revision: there is no revision “ccn9” in the contract “london-lsp”"),
        ("status", "bogus", "bogus"),
    ],
)
def test_an_import_with_one_bad_row_writes_nothing_and_names_the_row(client, editor, column, value, message):
    rows = exported(client, revision="ccn3", system="rio")
    rows[0]["status"] = "declined"  # a good change that must not be written either
    rows[2][column] = value
    editor_client = client_for(editor)
    previewed = preview(editor_client, rows)
    page = previewed.content.decode()
    assert message in page
    result = previewed.context["result"]
    if column == "status":
        (invalid,) = result.invalid_rows
        assert invalid.number == 3 and "status" in invalid.field_specific_errors
    else:
        ((line, errors),) = result.row_errors()
        assert line == 3 and message in str(errors[0].error)
    assert "confirm_form" not in previewed.context or previewed.context.get("confirm_form") is None
    assert status_of(rows[0]["ods_code"], "rio") != "declined"


def test_a_confirm_sent_for_a_bad_file_still_writes_nothing(client, editor):
    rows = exported(client, revision="ccn3", system="rio")
    rows[0]["status"] = "declined"
    good = preview(client_for(editor), rows)
    rows[1]["status"] = "bogus"
    # The stored file is replaced by a bad one between preview and confirm.
    storage_name = good.context["confirm_form"].initial["import_file_name"]
    from import_export.tmp_storages import TempFolderStorage

    TempFolderStorage(name=storage_name, encoding="utf-8", read_mode="r").save(as_csv(rows).decode())
    confirm(client_for(editor), good)
    assert status_of(rows[0]["ods_code"], "rio") != "declined"


def test_a_neutralised_cell_comes_back_as_it_was(client, editor, ccn3):
    entitlement = Entitlement.objects.get(revision=ccn3, organisation__ods_code="RAN", system__slug="cerner-millennium")
    entitlement.delivery_model = "=not a formula"
    entitlement.save()
    rows = exported(client, revision="ccn3", organisation="RAN")
    assert rows[0]["delivery_model"] == "'=not a formula"
    previewed = preview(client_for(editor), rows)
    assert previewed.context["result"].totals["skip"] == len(rows)


def test_an_editor_cannot_import_into_a_published_revision(client, editor, ccn3):
    ccn3.is_published = True
    ccn3.save()
    rows = exported(client, revision="ccn3", system="rio")
    rows[0]["status"] = "declined"
    previewed = preview(client_for(editor), rows)
    assert "is published: only someone who may correct published data can" in previewed.content.decode()


def test_a_viewer_cannot_import(viewer):
    assert client_for(viewer).get(IMPORT_URL).status_code == 403


def test_organisations_import_from_a_spreadsheet(editor):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["ods_code", "name", "short_name", "kind", "region", "sector"])
    sheet.append(["rxx", "Example Community Health NHS Trust", "Example", "community", "London", ""])
    data = io.BytesIO()
    workbook.save(data)
    upload = SimpleUploadedFile("organisations.xlsx", data.getvalue())
    editor_client = client_for(editor)
    previewed = editor_client.post(
        reverse("admin:trusts_organisation_import"), {"format": "1", "resource": "0", "import_file": upload}
    )
    assert previewed.context["result"].totals["new"] == 1
    editor_client.post(reverse("admin:trusts_organisation_process_import"), previewed.context["confirm_form"].initial)
    from trusts.models import Organisation

    assert Organisation.objects.get(ods_code="RXX").history.first().history_user == editor
