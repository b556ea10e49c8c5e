"""Uploading a whole contract in the admin: the real London seed, as a zip or a folder, previewed then applied;
bad files named by file, line and rule, writing nothing; the permission checked on every POST; published data
guarded as everywhere else."""

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contracts.models import (
    Citation,
    Contract,
    Deliverable,
    Deployment,
    Entitlement,
    ReportedFigure,
    Revision,
    Source,
    System,
)
from contracts.services.seed import read_seed
from organisations.models import LocalSystem, Organisation, Succession, Supplier
from tests.conftest import LONDON_SEED, client_for
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db

UPLOAD = reverse("admin:contracts_contract_upload")
APPLY = reverse("admin:contracts_contract_upload_apply")
SEED_FILES = {path.name: path.read_bytes() for path in sorted(LONDON_SEED.glob("*.toml"))}
SEED_SECTIONS = read_seed(LONDON_SEED).sections
# How many of each the London seed's files give: an [[entitlements]] entry gives one per organisation it lists.
SEED_ENTITLEMENTS = sum(len(entry["organisations"]) for entry in SEED_SECTIONS["entitlements"])
SEED_DEPLOYMENTS = len(SEED_SECTIONS["deployment"])
SEED_REVISIONS = len(SEED_SECTIONS["revision"])
# Deleted in this order, each before what it refers to.
SEEDED = [
    Citation, ReportedFigure, Entitlement, Deliverable, Deployment, Revision, Contract, System, LocalSystem,
    Succession, Organisation, Source, Supplier,
]  # fmt: skip


def staff_in(username: str, *groups: str) -> User:
    user = User.objects.create_user(username=username, password="a-long-test-password", is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=groups))
    return user


@pytest.fixture
def uploader(db) -> User:
    """Sets up contracts, and publishes (the London seed publishes its revisions)."""
    return staff_in("uploader", "Contract setup", "Publisher")


@pytest.fixture
def empty_database(db) -> None:
    for model in SEEDED:
        model._default_manager.all().delete()


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in SEEDED}


def zipped(files: dict[str, bytes], *, folder: str = "london_lsp/") -> SimpleUploadedFile:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        for name, content in files.items():
            archive.writestr(f"{folder}{name}", content)
    return SimpleUploadedFile("london_lsp.zip", packed.getvalue(), content_type="application/zip")


def seed_with(name: str, change) -> dict[str, bytes]:
    """The London seed with one file's text changed."""
    return {**SEED_FILES, name: change(SEED_FILES[name].decode()).encode()}


def line_of(text: str, needle: str, *, after: int = 0) -> int:
    lines = text.splitlines()
    return next(number for number, line in enumerate(lines, start=1) if number > after and needle in line)


def preview_row(response, kind: str) -> list[str]:
    """A row of the preview table: the kind, then how many are created, changed and unchanged."""
    match = re.search(rf"<th scope=\"row\">{kind}</th>\s*<td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>", response.text)
    assert match, f"no preview row for {kind}"
    return list(match.groups())


def test_a_zip_of_the_london_seed_is_previewed_then_written_into_an_empty_database(uploader, empty_database):
    client = client_for(uploader)
    preview = client.post(UPLOAD, {"archive": zipped(SEED_FILES)})
    assert preview.status_code == 200
    assert preview_row(preview, "Entitlements") == [str(SEED_ENTITLEMENTS), "0", "0"]
    assert preview_row(preview, "Organisations") == ["47", "0", "0"]
    assert preview_row(preview, "Revisions") == [str(SEED_REVISIONS), "0", "0"]
    text = visible_text(preview)
    assert "This is a preview: nothing has been written yet." in text
    assert "Created: London Local Service Provider contract." in text
    assert f"and {SEED_ENTITLEMENTS - 10} more." in text  # 10 entitlements named, then the count of the rest
    assert set(counts().values()) == {0}

    applied = client.post(APPLY, {"token": preview.context["token"]}, follow=True)
    assert "The upload was written" in visible_text(applied)
    london = Contract.objects.get(slug="london-lsp")
    assert Entitlement.objects.filter(revision__contract=london).count() == SEED_ENTITLEMENTS
    assert Citation.objects.count() > 200
    entry = Entitlement.objects.get(revision__code="ccn3", organisation__code="RAN").history.first()
    assert (entry.history_user, entry.history_change_reason) == (uploader, "Uploaded in the admin as a whole contract")

    again = client.post(UPLOAD, {"archive": zipped(SEED_FILES)})
    assert preview_row(again, "Entitlements") == ["0", "0", str(SEED_ENTITLEMENTS)]
    assert "Nothing to change" in visible_text(again)
    assert "token" not in again.context


def test_a_folder_of_the_london_seed_is_uploaded_with_its_other_files_set_aside(uploader, empty_database):
    client = client_for(uploader)
    folder = [SimpleUploadedFile(name, content) for name, content in SEED_FILES.items()]
    folder.append(SimpleUploadedFile("ehi-2010-04-london-it-programme-slashed.txt", b"The article."))
    preview = client.post(UPLOAD, {"folder": folder})
    assert preview.status_code == 200
    assert preview_row(preview, "Deployments") == [str(SEED_DEPLOYMENTS), "0", "0"]
    assert "Set aside: ehi-2010-04-london-it-programme-slashed.txt (not a .toml seed file)." in visible_text(preview)
    assert Contract.objects.count() == 0
    client.post(APPLY, {"token": preview.context["token"]})
    assert Deployment.objects.count() == SEED_DEPLOYMENTS


def test_a_changed_value_is_previewed_by_name_with_its_field(uploader, seed_drafts):
    files = seed_with(
        "contract.toml", lambda text: text.replace('title = "Original contract"', 'title = "The original"')
    )
    preview = client_for(uploader).post(UPLOAD, {"archive": zipped(files)})
    # The drafts are published again too, as the seed gives them.
    drafts = Revision.objects.filter(contract__slug="london-lsp", is_published=False)
    assert preview_row(preview, "Revisions") == ["0", str(drafts.count()), "0"]
    others = [f"london-lsp: {revision.title} (published)" for revision in drafts.exclude(code="original")]
    changed = "; ".join(["london-lsp: The original (title, published)", *others])
    assert f"Changed: {changed}." in visible_text(preview)
    assert Revision.objects.filter(title="Original contract").exists()


def test_an_entry_missing_a_required_key_is_named_by_file_line_and_rule(uploader, empty_database):
    text = SEED_FILES["organisations.toml"].decode()
    third = [number for number, line in enumerate(text.splitlines(), start=1) if line == "[[organisation]]"][2]
    files = seed_with("organisations.toml", lambda text: text.replace('code = "RQX"\n', "", 1))
    response = client_for(uploader).post(UPLOAD, {"archive": zipped(files)})
    assert response.status_code == 400
    text_shown = visible_text(response)
    assert "Nothing can be loaded from these files" in text_shown
    assert f"organisations.toml {third} [[organisation]] entry 3 'code' is required" in text_shown
    assert set(counts().values()) == {0}


def test_a_value_of_the_wrong_type_is_named_by_file_line_and_rule(uploader, empty_database):
    text = SEED_FILES["contract.toml"].decode()
    files = seed_with("contract.toml", lambda text: text.replace("sequence = 2", 'sequence = "2"', 1))
    response = client_for(uploader).post(UPLOAD, {"archive": zipped(files)})
    line = line_of(text, "sequence = 2")
    assert response.status_code == 400
    assert (
        f"contract.toml {line} [[revision]] entry 2 'sequence' should be a whole number, not text (\"2\")"
        in visible_text(response)
    )
    assert set(counts().values()) == {0}


def test_an_uncited_fact_is_refused_and_nothing_is_written(uploader, seed_drafts):
    files = {
        **SEED_FILES,
        "zz-extra.toml": b'[[entitlements]]\ncontract = "london-lsp"\nrevision = "ccn3"\nsystem = "ambulance"\n'
        b'status = "entitled"\norganisations = ["RAN"]\n',
    }
    before = counts()
    response = client_for(uploader).post(UPLOAD, {"archive": zipped(files)})
    assert response.status_code == 400
    assert "zz-extra.toml 1 [[entitlements]] entry 1 'cite' is required: this fact cites no source" in visible_text(
        response
    )
    assert counts() == before


def test_a_toml_syntax_error_is_named_by_its_line(uploader, seed_drafts):
    files = {**SEED_FILES, "zz-extra.toml": b'[[supplier]]\nslug = "x"\nname = "unclosed\n'}
    response = client_for(uploader).post(UPLOAD, {"archive": zipped(files)})
    assert response.status_code == 400
    assert "zz-extra.toml 3 — this is not valid TOML:" in visible_text(response)


def test_a_name_leading_out_of_the_folder_is_refused(uploader):
    response = client_for(uploader).post(UPLOAD, {"archive": zipped({"../escape.toml": b"", **SEED_FILES}, folder="")})
    assert response.status_code == 400
    assert "the name '../escape.toml' leads outside the folder: refused" in visible_text(response)


def test_a_file_that_is_not_a_zip_is_refused(uploader):
    upload = SimpleUploadedFile("london_lsp.zip", b"PK but not really a zip", content_type="application/zip")
    response = client_for(uploader).post(UPLOAD, {"archive": upload})
    assert response.status_code == 400
    assert "london_lsp.zip — — this is not a zip file that can be opened" in visible_text(response)


def test_seed_files_in_more_than_one_folder_are_refused(uploader):
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("a/contract.toml", SEED_FILES["contract.toml"])
        archive.writestr("b/sources.toml", SEED_FILES["sources.toml"])
    upload = SimpleUploadedFile("two.zip", packed.getvalue(), content_type="application/zip")
    response = client_for(uploader).post(UPLOAD, {"archive": upload})
    assert response.status_code == 400
    assert "The seed files sit in more than one folder (a/, b/): put them side by side in one." in visible_text(
        response
    )


def test_a_zip_of_too_many_files_is_refused(uploader):
    files = {f"{number:03}.toml": b"" for number in range(101)}
    response = client_for(uploader).post(UPLOAD, {"archive": zipped(files)})
    assert response.status_code == 400
    assert "it holds 101 files; at most 100 are read" in visible_text(response)


def test_without_the_permission_the_upload_is_forbidden_on_get_and_post(editor, uploader, empty_database):
    preview = client_for(uploader).post(UPLOAD, {"archive": zipped(SEED_FILES)})
    token = preview.context["token"]
    client = client_for(editor)
    assert client.get(UPLOAD).status_code == 403
    assert client.post(UPLOAD, {"archive": zipped(SEED_FILES)}).status_code == 403
    assert client.post(APPLY, {"token": token}).status_code == 403
    assert set(counts().values()) == {0}
    listing = client.get(reverse("admin:contracts_contract_changelist"))
    assert "Upload a whole contract" not in listing.text
    assert "Upload a whole contract" in client_for(uploader).get(reverse("admin:contracts_contract_changelist")).text


def test_a_preview_is_applied_only_by_the_session_that_made_it(uploader, empty_database):
    preview = client_for(uploader).post(UPLOAD, {"archive": zipped(SEED_FILES)})
    other = client_for(uploader)  # the same user, another session
    response = other.post(APPLY, {"token": preview.context["token"]})
    assert response.status_code == 400
    assert "This preview is no longer kept" in visible_text(response)
    assert other.post(APPLY, {"token": "../../etc/passwd"}).status_code == 400
    assert set(counts().values()) == {0}


def test_publishing_revisions_by_upload_needs_a_publisher(empty_database):
    setter = staff_in("setter", "Contract setup")
    response = client_for(setter).post(UPLOAD, {"archive": zipped(SEED_FILES)})
    text = visible_text(response)
    assert "You may not apply these files" in text
    assert "it would publish the revision london-lsp: Original contract: only a publisher can" in text
    assert "token" not in response.context
    assert set(counts().values()) == {0}


def test_changing_a_published_revisions_rows_by_upload_needs_a_corrector(uploader):
    files = seed_with("entitlements.toml", lambda text: text.replace('status = "withdrawn"', 'status = "declined"', 1))
    response = client_for(uploader).post(UPLOAD, {"archive": zipped(files)})
    text = visible_text(response)
    assert "You may not apply these files" in text
    assert "the entitlement RAN · cerner-millennium · ccn3: withdrawn belongs to a published revision" in text
    assert Entitlement.objects.get(revision__code="ccn3", organisation__code="RAN", system__slug="cerner-millennium")

    uploader.user_permissions.add(Permission.objects.get(codename="correct_published_data"))
    uploader = User.objects.get(pk=uploader.pk)
    client = client_for(uploader)
    preview = client.post(UPLOAD, {"archive": zipped(files)})
    assert preview_row(preview, "Entitlements") == ["0", "1", str(SEED_ENTITLEMENTS - 1)]
    client.post(APPLY, {"token": preview.context["token"]})
    ran = Entitlement.objects.get(revision__code="ccn3", organisation__code="RAN", system__slug="cerner-millennium")
    assert ran.status == "declined"


def test_an_upload_changed_meanwhile_is_not_applied(uploader, seed_drafts):
    files = seed_with(
        "contract.toml", lambda text: text.replace('title = "Original contract"', 'title = "The original"')
    )
    client = client_for(uploader)
    preview = client.post(UPLOAD, {"archive": zipped(files)})
    Revision.objects.filter(code="ccn3").update(title="Edited meanwhile")
    response = client.post(APPLY, {"token": preview.context["token"]})
    assert response.status_code == 409
    assert "changed, added or deleted by someone else after your preview" in visible_text(response)
    assert Revision.objects.filter(title="Original contract").exists()


COUNCIL_SEED = Path(__file__).resolve().parent.parent / "fixtures" / "council_seed"


def test_a_contract_from_outside_the_nhs_uploads_beside_the_london_seed(uploader, client):
    files = {path.name: path.read_bytes() for path in sorted(COUNCIL_SEED.glob("*.toml"))}
    admin = client_for(uploader)
    preview = admin.post(UPLOAD, {"archive": zipped(files, folder="council_seed/")})
    assert preview.status_code == 200, visible_text(preview)[:2000]
    assert preview_row(preview, "Organisations") == ["2", "0", "0"]
    assert not Organisation.objects.filter(scheme="GB-LAE").exists()
    applied = admin.post(APPLY, {"token": preview.context["token"]}, follow=True)
    assert "The upload was written" in visible_text(applied)
    text = visible_text(client.get("/trusts/GB-LAE-CMD/"))
    assert "Camden Council" in text and "Kind local authority" in text and "lost" in text
    assert "Councils' care records contract" in visible_text(client.get("/"))


def test_a_code_its_scheme_does_not_allow_is_named_by_file_and_line_and_nothing_is_written(uploader):
    files = {path.name: path.read_bytes() for path in sorted(COUNCIL_SEED.glob("*.toml"))}
    text = files["council.toml"].decode().replace('code = "CMD"', 'code = "CAMDEN1"')
    response = client_for(uploader).post(UPLOAD, {"archive": zipped({"council.toml": text.encode()}, folder="c/")})
    assert response.status_code == 400
    message = visible_text(response)
    assert "council.toml" in message and "Not a Local authorities in England code: they look like WSM." in message
    assert not Organisation.objects.filter(scheme="GB-LAE").exists()
