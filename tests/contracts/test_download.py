"""The whole-dataset download: a Frictionless Data Package per contract and of everything, streamed, never a draft."""

import csv
import io
import socket
import zipfile
from decimal import Decimal
from pathlib import Path

import frictionless
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.models import (
    Citation,
    Contract,
    Deliverable,
    Deployment,
    Entitlement,
    EvidenceGrade,
    ReportedFigure,
    Revision,
    Source,
    System,
)
from contracts.services.citing import ChangeSupport
from contracts.services.reconcile import contract_figures
from contracts.services.revision_copy import revision_copy
from nhsit.lib.csv_export import unescape
from organisations.models import LocalSystem, Organisation, Succession, Supplier
from tests.conftest import previewing_drafts
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db

DRAFT_QUOTE = "Words only the draft change note holds."


def unzipped(response, folder: Path) -> Path:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/zip"
    assert response.streaming
    zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).extractall(folder)
    return folder


def rows(folder: Path, table: str) -> list[dict]:
    with (folder / f"{table}.csv").open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


@pytest.fixture
def offline(monkeypatch):
    """No connection can be opened: validating a package must not download a profile or a schema."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"a connection was attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def validated(folder: Path) -> frictionless.Report:
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["taskName", "rowNumber", "fieldName", "type", "note"])[:20]
    return report


@pytest.fixture
def draft(ccn3):
    """CCN4, drafted from CCN3: Hillingdon (RAS) gains Cerner, with a citation and a figure of its own."""
    source = Source.objects.order_by("pk").first()
    support = ChangeSupport(source=source, quote=DRAFT_QUOTE)
    draft = revision_copy(revision=ccn3, code="ccn4", title="Draft CCN4", total_value=Decimal(1), support=support)
    entitlement = draft.entitlements.get(organisation__code="RAS", system__slug="cerner-millennium")
    entitlement.status = "entitled"
    entitlement.save()
    Citation.objects.create(entitlement=entitlement, source=source, quote=DRAFT_QUOTE, grade=EvidenceGrade.STATED)
    ReportedFigure.objects.create(
        contract=ccn3.contract, key="draft-only", statement="A figure only the draft speaks of", value=1,
        unit="trusts", measure="status_count", system=entitlement.system, revision=draft, status="entitled",
    )  # fmt: skip
    return draft


def test_the_download_page_offers_each_contract_and_everything_with_what_each_holds(client, london):
    response = client.get("/download/")
    assert response.status_code == 200
    text = visible_text(response)
    assert 'href="/download/london-lsp.zip"' in response.content.decode()
    assert 'href="/download/all.zip"' in response.content.decode()
    entitlements = Entitlement.objects.filter(revision__contract=london, revision__is_published=True).count()
    assert f"{entitlements} entitlements" in text
    assert f"{Citation.objects.count()} citations" in text
    assert "The data last changed on" in text
    assert "published under the Creative Commons Attribution 4.0 licence" in text
    assert 'href="/download/"' in client.get("/").content.decode()  # every page's footer links to it


def test_the_entitlements_counted_follow_a_removal_and_leave_out_a_draft(client, london, ccn3, draft):
    removed, _by_kind = ccn3.entitlements.filter(organisation__code="RAS").delete()
    assert removed
    published = Entitlement.objects.filter(revision__contract=london, revision__is_published=True).count()
    assert Entitlement.objects.filter(revision=draft).exists()
    text = visible_text(client.get("/download/"))
    assert text.count(f"{published} entitlements") == 2  # london's package, and everything's (its only contract)


def test_each_package_is_valid_and_holds_what_the_database_does(client, london, tmp_path, offline):
    everything = validated(unzipped(client.get("/download/all.zip"), tmp_path / "all"))
    assert everything.stats["tasks"] == 13
    folder = tmp_path / "all"
    expected = {
        "organisations": Organisation.objects.count(),
        "successions": Succession.objects.count(),
        "local_systems": LocalSystem.objects.count(),
        "suppliers": Supplier.objects.count(),
        "contracts": Contract.objects.count(),
        "revisions": Revision.objects.filter(is_published=True).count(),
        "systems": System.objects.count(),
        "entitlements": Entitlement.objects.filter(revision__is_published=True).count(),
        "deliverables": Deliverable.objects.filter(revision__is_published=True).count(),
        "deployments": Deployment.objects.count(),
        "sources": Source.objects.count(),
        "citations": Citation.objects.count(),  # the seed has no draft, so every citation is of a published record
        "reported_figures": ReportedFigure.objects.count(),
    }
    assert {table: len(rows(folder, table)) for table in expected} == expected

    own = validated(unzipped(client.get("/download/london-lsp.zip"), tmp_path / "london"))
    assert own.valid
    london_rows = {
        table: len(rows(tmp_path / "london", table)) for table in ["revisions", "entitlements", "deployments"]
    }
    assert london_rows == {
        "revisions": london.revisions.filter(is_published=True).count(),
        "entitlements": Entitlement.objects.filter(revision__contract=london, revision__is_published=True).count(),
        "deployments": Deployment.objects.filter(contract=london).count(),
    }


def test_records_are_named_as_on_the_site(client, london, ccn3, tmp_path):
    folder = unzipped(client.get("/download/london-lsp.zip"), tmp_path)
    entitlement = Entitlement.objects.select_related("organisation", "system").filter(revision=ccn3).first()
    assert {
        "contract": "london-lsp", "revision": "ccn3", "organisation": entitlement.organisation.identifier,
        "system": entitlement.system.slug, "status": entitlement.status,
    }.items() <= next(
        row for row in rows(folder, "entitlements")
        if row["revision"] == "ccn3" and row["organisation"] == entitlement.organisation.identifier
        and row["system"] == entitlement.system.slug
    ).items()  # fmt: skip
    cited = rows(folder, "citations")
    assert {"supports_kind": "entitlement", "supports": f"london-lsp/ccn3/{entitlement.organisation.identifier}/"
            f"{entitlement.system.slug}"}.items() <= next(row for row in cited if row["supports_kind"] == "entitlement"
            and row["supports"].endswith(f"/ccn3/{entitlement.organisation.identifier}/{entitlement.system.slug}")
    ).items()  # fmt: skip
    figures = {row["key"]: row for row in rows(folder, "reported_figures")}
    assert set(figures) == set(contract_figures(contract=london).values_list("key", flat=True))
    assert {row["verdict"] for row in figures.values()} <= {"agrees", "disagrees", "open", "not_compared"}


def test_an_unpublished_revision_and_its_rows_are_in_no_download(client, editor, draft, tmp_path, offline):
    for name, response in [
        ("all", client.get("/download/all.zip")),
        ("london", client.get("/download/london-lsp.zip")),
        # An editor previewing drafts downloads what everyone does: a download is shared on.
        ("preview", previewing_drafts(editor).get("/download/london-lsp.zip")),
    ]:
        folder = unzipped(response, tmp_path / name)
        validated(folder)
        assert "ccn4" not in {row["code"] for row in rows(folder, "revisions")}
        assert "ccn4" not in {row["revision"] for row in rows(folder, "entitlements")}
        assert "ccn4" not in {row["revision"] for row in rows(folder, "deliverables")}
        assert "draft-only" not in {row["key"] for row in rows(folder, "reported_figures")}
        assert not [row for row in rows(folder, "citations") if "/ccn4" in row["supports"]]
        assert DRAFT_QUOTE not in (folder / "citations.csv").read_text()
        published = Entitlement.objects.filter(revision__is_published=True, revision__contract__slug="london-lsp")
        assert len(rows(folder, "entitlements")) == published.count()


def test_formula_like_cells_are_guarded_and_the_package_still_valid(client, london, tmp_path, offline):
    organisation = Organisation.objects.get(code="RAN")
    organisation.name = '=HYPERLINK("http://example.com","RNOH")'
    organisation.save()
    figure = ReportedFigure.objects.filter(contract=london).order_by("key").first()
    figure.value = Decimal("-5")
    figure.save()
    folder = unzipped(client.get("/download/london-lsp.zip"), tmp_path)
    validated(folder)
    named = next(row for row in rows(folder, "organisations") if row["identifier"] == "RAN")
    assert named["name"] == "'" + organisation.name
    assert unescape(named["name"]) == organisation.name
    stated = next(row for row in rows(folder, "reported_figures") if row["key"] == figure.key)
    assert stated["value"] == "'-5.00"
    # The schema says a reader strips what is before the number (bareNumber: false), so the value reads as -5.
    package = frictionless.Package(str(folder / "datapackage.json"))
    read = {row["key"]: row["value"] for row in package.get_resource("reported_figures").read_rows()}
    assert read[figure.key] == Decimal("-5")


def test_unknown_parameters_and_contracts_are_refused(client):
    refused = client.get("/download/", {"format": "json"})
    assert refused.status_code == 400
    assert "format" in refused.content.decode()
    assert client.get("/download/london-lsp.zip", {"drafts": "1"}).status_code == 400
    missing = client.get("/download/no-such-contract.zip")
    assert missing.status_code == 404
    assert "no-such-contract" in missing.content.decode()


def queries_for(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        for _chunk in response.streaming_content:
            pass
    return len(captured)


def test_a_download_costs_the_same_queries_however_many_rows(client, london, ccn3):
    before = {path: queries_for(client, path) for path in ["/download/all.zip", "/download/london-lsp.zip"]}
    systems = list(System.objects.filter(entitlements__revision=ccn3).distinct())
    organisations = Organisation.objects.bulk_create(
        Organisation(code=f"Q{number:04d}", name=f"Query Trust {number}", kind_id="acute") for number in range(200)
    )
    Entitlement.objects.bulk_create(
        Entitlement(revision=ccn3, organisation=organisation, system=system, status="unknown", version=1)
        for organisation in organisations
        for system in systems
    )
    after = {path: queries_for(client, path) for path in before}
    assert after == before
    # A query or two per table, and a few per reported figure (reconciling each counts its records).
    assert before["/download/all.zip"] <= 30 + 3 * ReportedFigure.objects.count()


def test_the_download_page_costs_the_same_queries_with_more_contracts(client, django_assert_max_num_queries, london):
    with CaptureQueriesContext(connection) as one:
        client.get("/download/")
    for number in range(3):
        Contract.objects.create(slug=f"another-{number}", title=f"Another {number}", supplier=london.supplier)
    with django_assert_max_num_queries(len(one)):
        assert client.get("/download/").status_code == 200


def test_the_package_states_the_records_licence(client, tmp_path, offline):
    import io
    import json
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get("/download/london-lsp.zip").streaming_content)))
    descriptor = json.loads(archive.read("datapackage.json"))
    assert descriptor["licenses"] == [
        {
            "name": "CC-BY-4.0",
            "title": "Creative Commons Attribution 4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
        }
    ]
