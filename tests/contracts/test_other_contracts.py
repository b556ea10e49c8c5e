"""Nothing assumes London, BT, five systems or two revisions: an unrelated contract beside the seed."""

from decimal import Decimal

import pytest
from model_bakery import baker

from contracts.models import ReportedFigure, Revision, System
from contracts.services.compare import deliverable_compare, revision_compare
from contracts.services.reconcile import contract_figures, reported_figure_reconcile
from tests.contracts.factories import contract_with_revisions, entitle, organisation, revision, system


@pytest.fixture
def northern(db):
    """Another programme, another supplier, three systems and three revisions."""
    contract = contract_with_revisions(
        "northern-care-records", ["v1", "v2", "v3"], [500_000_000, 450_000_000, 480_000_000]
    )
    contract.region = "North"
    contract.save()
    v1, v2, v3 = (revision(contract, code) for code in ("v1", "v2", "v3"))
    ward, labs, scheduling = system("ward-system"), system("lab-results"), system("theatre-scheduling")
    a, b, c = (organisation(code, region="North") for code in ("NTH1", "NTH2", "NTH3"))
    for trust in (a, b, c):
        entitle(v1, trust, ward, "entitled")
    entitle(v2, a, ward, "entitled")
    entitle(v2, b, ward, "withdrawn")
    entitle(v2, c, ward, "unknown")
    entitle(v3, a, ward, "entitled")
    entitle(v3, b, ward, "entitled")
    entitle(v3, c, ward, "declined")
    entitle(v1, a, labs, "not_entitled")
    entitle(v3, a, labs, "entitled")
    entitle(v2, b, scheduling, "entitled")
    entitle(v3, b, scheduling, "not_entitled")
    baker.make("contracts.Deployment", organisation=a, system=ward, status="live")
    baker.make("contracts.Deliverable", revision=v1, system=labs, code="labs", status="included", quantity=30)
    baker.make("contracts.Deliverable", revision=v3, system=labs, code="labs", status="reduced", quantity=12)
    return contract


def outcomes(comparison):
    return {(row["identifier"], row["system_slug"]): row["outcome"] for row in comparison.rows}


def test_it_compares_any_two_of_three_revisions(northern):
    v1, v2, v3 = (revision(northern, code) for code in ("v1", "v2", "v3"))
    assert outcomes(revision_compare(base=v1, target=v2)) == {
        ("NTH1", "ward-system"): "kept",
        ("NTH2", "ward-system"): "lost",
        ("NTH3", "ward-system"): "unknown",
        ("NTH1", "lab-results"): "unknown",
        ("NTH2", "theatre-scheduling"): "unknown",
    }
    assert outcomes(revision_compare(base=v2, target=v3)) == {
        ("NTH1", "ward-system"): "kept",
        ("NTH2", "ward-system"): "gained",
        ("NTH3", "ward-system"): "unknown",
        ("NTH1", "lab-results"): "unknown",
        ("NTH2", "theatre-scheduling"): "lost",
    }
    assert outcomes(
        revision_compare(base=v1, target=v3, systems=System.objects.filter(slug__in=["ward-system", "lab-results"]))
    ) == {
        ("NTH1", "ward-system"): "kept",
        ("NTH2", "ward-system"): "kept",
        ("NTH3", "ward-system"): "lost",
        ("NTH1", "lab-results"): "gained",
    }
    (line,) = deliverable_compare(base=v1, target=v3)
    assert (line["outcome"], line["reduced"]) == ("kept", True)


def test_value_changes_follow_each_revisions_predecessor(northern):
    changes = {r.code: r.value_change for r in Revision.objects.filter(contract=northern).with_value_change()}
    assert changes == {"v1": None, "v2": Decimal(-50_000_000), "v3": Decimal(30_000_000)}


def test_reconciliation_counts_within_the_contracts_own_region(northern, original, ccn3):
    ward = System.objects.get(slug="ward-system")
    figure = baker.make(
        ReportedFigure,
        contract=northern,
        key="live",
        statement="One trust runs the ward system",
        value=1,
        qualifier="exact",
        unit="trusts",
        measure="live_deployments",
        system=ward,
    )
    (result,) = reported_figure_reconcile(figures=contract_figures(contract=northern))
    assert (result.figure, result.recorded, result.verdict) == (figure, Decimal(1), "agrees")


def test_the_london_seed_answers_the_same_beside_it(northern, original, ccn3):
    counts = revision_compare(base=original, target=ccn3).outcome_counts()
    # As without it: RNOH and the five iSoft7 trusts lost Cerner between the original and CCN3.
    assert counts["cerner-millennium"] == {"kept": 8, "lost": 6, "unknown": 15}
    assert "ward-system" not in counts


@pytest.mark.django_db
def test_a_contract_with_one_revision_says_there_is_nothing_to_compare(client):
    contract_with_revisions("single-revision", ["original"], [100])
    response = client.get("/contracts/single-revision/compare/")
    assert response.status_code == 200
    assert "fewer than two revisions" in response.content.decode()
    assert client.get("/contracts/single-revision/").status_code == 200


def test_its_pages_compare_any_two_revisions_by_their_codes(client, northern):
    from tests.helpers import csv_rows, visible_text

    url = "/contracts/northern-care-records/compare/"
    rows = csv_rows(client.get(url, {"base": "v1", "target": "v3", "system": "ward-system", "_export": "csv"}))
    assert {(row["identifier"], row["outcome"]) for row in rows} == {
        ("NTH1", "kept"),
        ("NTH2", "kept"),
        ("NTH3", "lost"),
    }
    assert {row["base_revision"] for row in rows} == {"v1"} and {row["target_revision"] for row in rows} == {"v3"}
    refused = client.get(url, {"base": "original"})  # London's code: refused, with the codes there are
    assert refused.status_code == 400
    codes = ", ".join(Revision.objects.filter(contract=northern).order_by("sequence").values_list("code", flat=True))
    assert f"From revision: There is no revision called ‘original’ here. Choose one of: {codes}." in visible_text(
        refused
    )


def test_its_timeline_shows_every_revision_and_each_value_change(client, northern):
    text = client.get("/contracts/northern-care-records/").content.decode()
    assert "−£50,000,000" in text and "+£30,000,000" in text


def test_its_trust_page_shows_three_revisions(client, northern):
    text = client.get("/trusts/NTH2/").content.decode()
    assert text.count('<th scope="col">v') == 3
