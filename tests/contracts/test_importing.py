"""Bulk import: export, edit in a spreadsheet, import with a preview; one bad row writes nothing."""

import csv
import io
import tempfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contracts.models import Entitlement
from tests.conftest import client_for, previewing_drafts
from tests.helpers import csv_rows, visible_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seed_drafts")]

IMPORT_URL = reverse("admin:contracts_entitlement_import")
CONFIRM_URL = reverse("admin:contracts_entitlement_process_import")


def exported(client, **filters) -> list[dict]:
    """The entitlements CSV an editor downloads while previewing the draft revisions (the public one has none)."""
    from django.contrib.auth.models import Group, User

    reader, created = User.objects.get_or_create(username="export-reader", defaults={"is_staff": True})
    if created:
        reader.groups.add(Group.objects.get(name="Viewer"))
    return csv_rows(previewing_drafts(reader).get("/entitlements/", {**filters, "_export": "csv"}))


def as_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    columns = list(dict.fromkeys(column for row in rows for column in row))
    writer = csv.DictWriter(out, fieldnames=columns, restval="")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def preview(client, rows: list[dict], name: str = "entitlements.csv"):
    upload = SimpleUploadedFile(name, as_csv(rows), content_type="text/csv")
    return client.post(IMPORT_URL, {"format": "0", "resource": "0", "import_file": upload})


def confirm(client, previewed):
    return client.post(CONFIRM_URL, previewed.context["confirm_form"].initial)


def replace_stored_file(previewed, content: bytes) -> None:
    """What the server kept of a previewed upload, replaced (as if by another process) before it is confirmed."""
    name = previewed.context["confirm_form"].initial["import_file_name"]
    (Path(tempfile.gettempdir()) / name).write_bytes(content)


SOURCE_KEYS = ["zdnet-2010-04-budget-cuts", "cw-2010-04-secured-future"]


def cite(row: dict, quote: str = "Words for the new value.") -> dict:
    """The row, citing a source it was not cited to before, with its words: how a changed status is imported."""
    named = [key for key in row["sources"].split("; ") if key]
    row["sources"] = "; ".join([*named, next(key for key in SOURCE_KEYS if key not in named)])
    row["quote"] = quote
    return row


def status_of(ods_code: str, system: str, revision: str = "ccn3") -> str:
    return Entitlement.objects.get(revision__code=revision, organisation__code=ods_code, system__slug=system).status


def test_an_export_edited_and_imported_changes_only_what_was_edited(client, editor):
    rows = exported(client, revision="ccn3", system="rio")
    row = next(row for row in rows if row["identifier"] == "RV3")
    assert row["status"] == "unknown"
    row["status"] = "entitled"
    cite(row, "RiO is live at CNWL.")

    editor_client = client_for(editor)
    previewed = preview(editor_client, rows)
    result = previewed.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["update"] == 1 and result.totals["skip"] == len(rows) - 1 and result.totals["new"] == 0
    assert status_of("RV3", "rio") == "unknown"  # the preview writes nothing

    assert confirm(editor_client, previewed).status_code == 302
    assert status_of("RV3", "rio") == "entitled"
    latest = Entitlement.objects.get(
        revision__code="ccn3", organisation__code="RV3", system__slug="rio"
    ).history.first()
    assert latest.history_user == editor
    assert latest.history_change_reason == "Imported from entitlements.csv"


def test_an_import_can_add_an_entitlement(client, editor):
    rows = exported(client, revision="ccn3", organisation="RAN")
    rows.append(cite({**rows[0], "system": "rio", "status": "not_entitled", "reason": "", "sources": ""}))
    editor_client = client_for(editor)
    previewed = preview(editor_client, rows)
    assert previewed.context["result"].totals["new"] == 1
    confirm(editor_client, previewed)
    assert status_of("RAN", "rio") == "not_entitled"


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("identifier", "ZZZ", "identifier: there is no organisation with the code “ZZZ”"),
        ("system", "epic", "system: there is no system “epic”"),
        ("revision", "ccn9", "revision: there is no revision “ccn9” in the contract “london-lsp”"),
        ("status", "bogus", "bogus"),
    ],
)
def test_an_import_with_one_bad_row_writes_nothing_and_names_the_row(client, editor, column, value, message):
    rows = exported(client, revision="ccn3", system="rio")
    cite(rows[0])["status"] = "declined"  # a good change that must not be written either
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
    assert previewed.context.get("confirm_form") is None
    assert status_of(rows[0]["identifier"], "rio") != "declined"


def test_a_confirm_sent_for_a_bad_file_still_writes_nothing(client, editor):
    rows = exported(client, revision="ccn3", system="rio")
    cite(rows[0])["status"] = "declined"
    good = preview(client_for(editor), rows)
    rows[1]["status"] = "bogus"
    # The stored file is replaced by a bad one between preview and confirm.
    replace_stored_file(good, as_csv(rows))
    assert confirm(client_for(editor), good).status_code == 400
    assert status_of(rows[0]["identifier"], "rio") != "declined"


def test_a_neutralised_cell_comes_back_as_it_was(client, editor, ccn3):
    entitlement = Entitlement.objects.get(revision=ccn3, organisation__code="RAN", system__slug="cerner-millennium")
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
    cite(rows[0])["status"] = "declined"
    previewed = preview(client_for(editor), rows)
    assert "is published: only someone who may correct published data can" in previewed.content.decode()


def test_a_viewer_cannot_import(viewer):
    assert client_for(viewer).get(IMPORT_URL).status_code == 403


def test_organisations_import_from_a_spreadsheet(editor):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["ods_code", "name", "short_name", "kind", "region", "sector", "sources", "quote"])
    sheet.append(["rxx", "Example Community Health NHS Trust", "Example", "community", "London", "",
                  "ods-etr-extract-2021", "RXX,Example Community Health NHS Trust"])  # fmt: skip
    data = io.BytesIO()
    workbook.save(data)
    upload = SimpleUploadedFile("organisations.xlsx", data.getvalue())
    editor_client = client_for(editor)
    previewed = editor_client.post(
        reverse("admin:trusts_organisation_import"), {"format": "1", "resource": "0", "import_file": upload}
    )
    assert previewed.context["result"].totals["new"] == 1
    editor_client.post(reverse("admin:trusts_organisation_process_import"), previewed.context["confirm_form"].initial)
    from organisations.models import Organisation

    assert Organisation.objects.get(code="RXX").history.first().history_user == editor


def entitlement(ods_code: str, system: str, revision: str = "ccn3") -> Entitlement:
    return Entitlement.objects.get(revision__code=revision, organisation__code=ods_code, system__slug=system)


def history_size() -> int:
    return Entitlement.history.count()


HARD_TEXT = {
    "withdrawal_reason": "Line one\r\nLine two\rLine three",
    "delivery_model": "'Twas agreed",
    "deployment_slot": "=SUM(A1)\tthen -1",
}


def test_an_unchanged_export_imports_as_nothing_to_change(client, editor):
    """Text typed in a browser (CR LF), a value with its own leading apostrophe, formula-like and tabbed cells and
    non-ASCII text all come back exactly as they are stored."""
    rnoh = entitlement("RAN", "cerner-millennium")
    editor_client = client_for(editor)
    url = reverse("admin:contracts_entitlement_change", args=[rnoh.pk])
    from tests.helpers import admin_form_data

    form = admin_form_data(editor_client.get(url))
    form.update(HARD_TEXT)
    assert editor_client.post(url, form).status_code == 302
    rnoh.refresh_from_db()
    assert rnoh.withdrawal_reason == "Line one\nLine two\nLine three"  # normalised once, as it was stored
    other = entitlement("RJ7", "cerner-millennium")
    other.delivery_model = "Guy’s and St Thomas’ — £112m, “é”"
    other.save()
    before = history_size()

    rows = exported(client, revision="ccn3")
    previewed = preview(editor_client, rows)
    assert previewed.context["nothing_to_change"] is True
    assert "Nothing to change" in previewed.content.decode() and "confirm_form" not in previewed.context
    assert previewed.context["result"].totals["skip"] == len(rows)
    assert history_size() == before


def test_cr_and_crlf_in_a_file_are_the_line_endings_stored(client, editor):
    rnoh = entitlement("RAN", "cerner-millennium")
    rows = exported(client, revision="ccn3", organisation="RAN")
    row = next(row for row in rows if row["system"] == "cerner-millennium")
    stored = rnoh.withdrawal_reason
    assert "\n" not in stored
    for written in ("First line\r\nsecond line", "First line\rsecond line"):
        rnoh.withdrawal_reason = "First line\nsecond line"
        rnoh.save()
        row["reason"] = written
        previewed = preview(client_for(editor), rows)
        assert previewed.context["nothing_to_change"] is True, written


def test_an_unchanged_export_saved_as_xlsx_imports_as_nothing_to_change(client, editor):
    from openpyxl import Workbook

    rows = exported(client, revision="ccn3", system="rio")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    data = io.BytesIO()
    workbook.save(data)
    upload = SimpleUploadedFile("entitlements.xlsx", data.getvalue())
    previewed = client_for(editor).post(IMPORT_URL, {"format": "1", "resource": "0", "import_file": upload})
    assert previewed.context["nothing_to_change"] is True


def test_a_file_naming_one_entitlement_twice_is_refused_naming_both_lines(client, editor):
    rows = exported(client, revision="ccn3", system="rio")
    rows.append({**rows[1], "status": "declined"})
    previewed = preview(client_for(editor), rows)
    page = visible_text(previewed)
    assert "Nothing can be imported from this file" in page
    expected = f"line 3 and line {len(rows) + 1} both name london-lsp · ccn3 · {rows[1]['identifier']} · rio"
    assert expected in page
    assert "confirm_form" not in previewed.context and "Traceback" not in page
    assert status_of(rows[1]["identifier"], "rio") != "declined"


def test_an_xlsx_formula_is_refused_with_its_cell(client, editor):
    from openpyxl import Workbook

    rows = exported(client, revision="ccn3", system="rio")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    sheet["H3"] = '=CONCATENATE("not ", "entitled")'
    data = io.BytesIO()
    workbook.save(data)
    upload = SimpleUploadedFile("entitlements.xlsx", data.getvalue())
    previewed = client_for(editor).post(IMPORT_URL, {"format": "1", "resource": "0", "import_file": upload})
    page = visible_text(previewed)
    assert 'Cell H3 (=CONCATENATE("not ", "entitled")) holds a formula. An import takes values, not formulas' in page
    assert previewed.context.get("result") is None


@pytest.mark.parametrize(
    "content, name, message",
    [
        (
            "contract,revision,identifier,organisation,kind,sector,system,status,delivery_model,slot,reason,sources\n"
            "london-lsp,ccn3,RAN,Royal National Orthop\xe6dic,specialist_acute,,rio,unknown,,,,\n".encode("latin-1"),
            "latin1.csv",
            "This file is not UTF-8 text: line 2, column 42 holds the byte 0xE6, which UTF-8 cannot read.",
        ),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "picture.csv", "This is not a CSV file: it is a PNG image."),
        (
            b"contract,revision\nlondon-lsp,ccn3\n",
            "short.csv",
            "The file's header is not right: it has no “identifier”, “system”",
        ),
        (
            b"contract,revision\n",
            "header-only.csv",
            "The file has a header but no rows under it: there is nothing to import.",
        ),
        (
            b"contract,revision,identifier,sytem,status,delivery_model,slot,reason\nlondon-lsp,ccn3,RAN,rio,unknown,,,\n",
            "misspelt.csv",
            "“sytem” is not a column of this import",
        ),
        (
            (
                "contract,revision,identifier,system,status,delivery_model,slot,reason\n"
                f"london-lsp,ccn3,RAN,rio,unknown,,,{'x' * 200_000}\n"
            ).encode(),
            "huge.csv",
            "Line 2, column “reason”: this cell holds 200,000 characters; a cell may hold at most 100,000.",
        ),
        (
            b'contract,revision,identifier,system,status,delivery_model,slot,reason\nlondon-lsp,ccn3,"RAN\n',
            "unclosed.csv",
            "Line 2 cannot be read as CSV: unexpected end of data.",
        ),
        (
            b"contract,revision,identifier,system,status,delivery_model,slot,reason\nlondon-lsp,ccn3,RAN\n",
            "ragged.csv",
            "Line 2 has 3 cells, but the header names 8 columns.",
        ),
        (
            b"contract,revision,identifier,system,status,delivery_model,slot,reason\n"
            + b"london-lsp,ccn3,RAN,rio,unknown,,,ok\n" * 2000
            + b"london-lsp,ccn3,RAN,rio,unknown,,,a\x00b\n",
            "nul.csv",
            "Line 2002 holds a NUL character, which no value may hold.",
        ),
        (b"", "empty.csv", "The submitted file is empty."),
        (b"\n\n", "blank.csv", "The first line is empty: it must name the columns."),
    ],
)
def test_a_file_that_cannot_be_read_gets_a_plain_message(editor, content, name, message):
    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    page = client_for(editor).post(IMPORT_URL, {"format": "0", "resource": "0", "import_file": upload})
    text = visible_text(page)
    assert message in text, text[:3000]
    assert "Traceback" not in text and "Error' encountered" not in text and "Exception" not in text


def test_a_record_saved_after_the_preview_stops_the_import_with_409(client, editor, second_editor):
    rows = exported(client, revision="ccn3", system="rio")
    first = rows[0]
    cite(first)["status"] = "declined"
    previewed = preview(client_for(editor), rows)
    assert previewed.context["result"].totals["update"] == 1
    # Another editor changes a row this file leaves as it is.
    untouched = entitlement(rows[1]["identifier"], "rio")
    untouched.delivery_model = "Set by the second editor"
    untouched.save()
    confirmed = confirm(client_for(editor), previewed)
    assert confirmed.status_code == 409
    assert "Nothing was imported: 1 of the records this file changes was saved" in visible_text(confirmed)
    assert status_of(first["identifier"], "rio") != "declined"
    assert entitlement(rows[1]["identifier"], "rio").delivery_model == "Set by the second editor"


def test_a_failed_confirmation_is_not_reported_as_a_success(client, editor):
    rows = exported(client, revision="ccn3", system="rio")
    cite(rows[0])["status"] = "declined"
    good = preview(client_for(editor), rows)
    rows[1]["status"] = "bogus"
    replace_stored_file(good, as_csv(rows))
    response = confirm(client_for(editor), good)
    assert response.status_code == 400
    text = visible_text(response)
    assert "Some rows are not valid" in text and "Line 3" in text and "Import finished" not in text
    assert status_of(rows[0]["identifier"], "rio") != "declined"


def test_a_tampered_confirmation_writes_nothing(client, editor):
    rows = exported(client, revision="ccn3", system="rio")
    cite(rows[0])["status"] = "declined"
    previewed = preview(client_for(editor), rows)
    data = {**previewed.context["confirm_form"].initial, "versions": "forged"}
    response = client_for(editor).post(CONFIRM_URL, data)
    assert response.status_code == 400
    assert "This confirmation is not one this site made" in visible_text(response)
    assert status_of(rows[0]["identifier"], "rio") != "declined"


def test_an_import_that_changes_a_status_without_a_new_source_is_refused(client, editor):
    """The row still names the sources of the old status, which do not say the new one."""
    rows = exported(client, revision="ccn3", system="cerner-millennium", organisation="RAS")
    (row,) = rows
    assert row["status"] == "unknown"
    row.update(status="withdrawn", reason="Budget cuts")
    previewed = preview(client_for(editor), rows)
    (invalid,) = previewed.context["result"].invalid_rows
    assert invalid.place == "line 2"
    assert invalid.field_specific_errors["sources"] == [
        "the status changes: add to this column the key of the source that gives the new value (keys separated by "
        "“; ”, as the export writes them), and its words in a quote column; or, if no source gives it, say "
        "“unsourced” in a grade column and why in a reasoning column."
    ]
    assert status_of("RAS", "cerner-millennium") == "unknown"


def test_an_imported_change_no_source_gives_is_recorded_as_unsourced_with_its_reason(client, editor):
    (row,) = exported(client, revision="ccn3", system="cerner-millennium", organisation="RAS")
    row.update(status="withdrawn", reason="Budget cuts", grade="unsourced", reasoning="Told by the trust's CIO.")
    editor_client = client_for(editor)
    assert confirm(editor_client, preview(editor_client, [row])).status_code == 302
    record = entitlement("RAS", "cerner-millennium")
    (new,) = record.citations.filter(current=True)
    assert (new.grade, new.source, new.reasoning) == ("unsourced", None, "Told by the trust's CIO.")
    (again,) = exported(client, revision="ccn3", system="cerner-millennium", organisation="RAS")
    assert (again["status"], again["sources"], again["evidence"]) == ("withdrawn", "", "unsourced")


def test_an_unsourced_change_without_a_reason_is_refused(client, editor):
    (row,) = exported(client, revision="ccn3", system="cerner-millennium", organisation="RAS")
    row.update(status="withdrawn", reason="Budget cuts", grade="unsourced")
    (invalid,) = preview(client_for(editor), [row]).context["result"].invalid_rows
    assert invalid.field_specific_errors["reasoning"] == [
        "the grade is “unsourced”: say here why no source gives the new value."
    ]
    assert status_of("RAS", "cerner-millennium") == "unknown"


def test_an_inferred_citation_needs_its_reasoning_and_keeps_it(client, editor):
    (row,) = exported(client, revision="ccn3", system="cerner-millennium", organisation="RAS")
    cite(row, "Only the Royal Free keeps Cerner.").update(status="withdrawn", reason="Budget cuts", grade="inferred")
    editor_client = client_for(editor)
    (invalid,) = preview(editor_client, [row]).context["result"].invalid_rows
    assert invalid.field_specific_errors["reasoning"] == [
        "the grade is “inferred”: say here how the value follows from what the source says."
    ]
    row["reasoning"] = "The Whittington is not the Royal Free."
    assert confirm(editor_client, preview(editor_client, [row])).status_code == 302
    (new,) = entitlement("RAS", "cerner-millennium").citations.filter(current=True)
    assert (new.grade, new.reasoning) == ("inferred", "The Whittington is not the Royal Free.")
    (again,) = exported(client, revision="ccn3", system="cerner-millennium", organisation="RAS")
    assert again["evidence"] == "inferred"


@pytest.mark.parametrize(
    ("grade", "message"),
    [
        ("probable", "“probable” is not a grade: give one of stated, inferred, derived, unsourced, or leave it empty "
                     "for stated."),
        ("unsourced", "the row names a new source but says “unsourced”: give the grade of what the source says, or "
                      "take the source out of the sources column."),
    ],
)  # fmt: skip
def test_a_grade_that_cannot_be_is_an_error_in_its_column(client, editor, grade, message):
    (row,) = exported(client, revision="ccn3", system="cerner-millennium", organisation="RAS")
    cite(row, "Whittington will not get Cerner.").update(status="withdrawn", reason="Budget cuts", grade=grade)
    (invalid,) = preview(client_for(editor), [row]).context["result"].invalid_rows
    assert invalid.field_specific_errors["grade"] == [message]
    assert status_of("RAS", "cerner-millennium") == "unknown"


def test_an_imported_change_cites_its_new_source_and_keeps_the_old_one_for_the_earlier_value(client, editor):
    rows = exported(client, revision="ccn3", system="cerner-millennium", organisation="RAS")
    cite(rows[0], "Whittington will not get Cerner.").update(status="withdrawn", reason="Budget cuts")
    editor_client = client_for(editor)
    assert confirm(editor_client, preview(editor_client, rows)).status_code == 302
    record = entitlement("RAS", "cerner-millennium")
    assert record.status == "withdrawn"
    (new,) = record.citations.filter(current=True)
    assert (new.source.key, new.quote, new.grade) == (
        "zdnet-2010-04-budget-cuts",
        "Whittington will not get Cerner.",
        "stated",
    )
    old = record.citations.filter(current=False)
    assert old.exists() and all(citation.supports == {"status": "unknown"} for citation in old)
    assert "The article does not name the trusts." in {citation.note for citation in old}


def test_an_unknown_source_key_is_an_error_in_its_column(client, editor):
    rows = exported(client, revision="ccn3", system="rio")
    rows[0]["sources"] += "; no-such-source"
    previewed = preview(client_for(editor), rows)
    (invalid,) = previewed.context["result"].invalid_rows
    assert invalid.field_specific_errors["sources"] == [
        "there is no source “no-such-source”: give the keys of sources as listed."
    ]


def test_a_new_source_key_on_an_unchanged_row_adds_a_citation(client, editor):
    rows = exported(client, revision="ccn3", system="rio", organisation="RV3")
    cite(rows[0], "CNWL and RiO.")
    editor_client = client_for(editor)
    previewed = preview(editor_client, rows)
    assert previewed.context["result"].totals["update"] == 1
    confirm(editor_client, previewed)
    assert entitlement("RV3", "rio").citations.filter(quote="CNWL and RiO.", current=True).exists()
