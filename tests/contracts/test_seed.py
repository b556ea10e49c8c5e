import shutil
from decimal import Decimal

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.db.models import Count

from contracts.models import (
    Citation,
    Deliverable,
    Deployment,
    Entitlement,
    EntitlementStatus,
    ReportedFigure,
    Revision,
)
from contracts.pages.overview import value_change
from contracts.services.seed import SeedError, seed_load
from organisations.models import Organisation
from tests.conftest import LONDON_SEED

ARTICLE = (LONDON_SEED / "texts" / "ehi-2010-04-london-it-programme-slashed.txt").read_text()
ARTICLE_SOURCE = "ehi-2010-04-london-it-programme-slashed"

SEEDED_MODELS = [model for app in ("trusts", "contracts") for model in apps.get_app_config(app).get_models()]


def snapshot() -> str:
    return "".join(serializers.serialize("json", model._default_manager.order_by("pk")) for model in SEEDED_MODELS)


def test_loading_the_seed_twice_changes_nothing(db):
    before = snapshot()
    report = seed_load(directory=LONDON_SEED)
    assert report.changed == 0
    assert sum(report.unchanged.values()) > 400
    assert snapshot() == before


def test_the_load_seed_command_says_what_it_did(db, capsys):
    call_command("load_seed")
    out = capsys.readouterr().out
    assert "Loaded london_lsp" in out
    london_entitlements = Entitlement.objects.filter(revision__contract__slug="london-lsp").count()
    assert f"entitlements: 0 created, 0 updated, {london_entitlements} unchanged" in out


def test_the_load_seed_command_can_leave_a_loaded_database_alone(db, capsys):
    call_command("load_seed", "--if-empty")
    assert "seed not loaded" in capsys.readouterr().out


def test_the_seed_holds_the_contract_values_of_the_article(original, ccn3):
    assert original.total_value == Decimal("1100000000")
    assert ccn3.total_value == original.total_value - Decimal("112000000")
    assert value_change(original, ccn3) == (Decimal("-112000000"), Decimal("-112000000") * 100 / original.total_value)
    assert ccn3.citations.filter(source__key=ARTICLE_SOURCE, quote__contains="cuts £112m").exists()
    assert original.citations.filter(source__key=ARTICLE_SOURCE, quote__contains="£1.1 billion").exists()


def test_the_2006_and_2007_revisions_sit_between_the_original_and_ccn3_with_no_total_no_source_states(london):
    revisions = london.revisions.with_value_change().order_by("sequence")
    assert [(revision.code, revision.total_value) for revision in revisions] == [
        ("original", Decimal("1100000000")),
        ("isoft7-2006", None),
        ("reset-2007", None),
        ("ccn3", Decimal("988000000")),
    ]
    # Each change is against the revision before; with no stated total for the 2007 re-set, CCN3's is unknown.
    assert [revision.value_change for revision in revisions] == [None, None, None, None]
    reset = london.revisions.get(code="reset-2007")
    assert (reset.signed_on.year, reset.signed_precision) == (2007, "year")
    assert "received an extra £55m" in reset.citations.get().quote
    isoft7 = london.revisions.get(code="isoft7-2006")
    assert "no change-note number or text is known" in isoft7.summary
    assert isoft7.citations.filter(source__key="ehi-2012-03-30-isoft7-contract-extension").exists()


def test_the_seed_holds_the_programme_lines_the_article_states(ccn3, original):
    gp = Deliverable.objects.get(revision=ccn3, code="gp-systems")
    assert (gp.status, gp.quantity, gp.unit) == ("removed", 1500, "practices")
    assert (gp.delivered_quantity, gp.delivered_qualifier) == (100, "at_most")
    assert gp.citations.filter(quote="It delivered barely 100.").exists()
    assert Deliverable.objects.get(revision=original, code="gp-systems").quantity == 1500

    assert Deliverable.objects.get(revision=ccn3, code="ambulance").status == "removed"

    map_of_medicine = Deliverable.objects.get(revision=ccn3, code="map-of-medicine")
    assert map_of_medicine.status == "not_renewed"
    assert map_of_medicine.end_display == "Apr 2011"

    releases = Deliverable.objects.get(revision=ccn3, code="rio-software-releases")
    assert (releases.status, releases.quantity, releases.unit) == ("added", 2, "software releases")
    rio = Deliverable.objects.get(revision=ccn3, code="rio")
    assert (rio.status, rio.quantity, rio.quantity_qualifier, rio.unit) == ("reduced", 50000, "exact", "users")
    assert releases.citations.filter(quote__contains="two further software releases").exists()


def test_every_fact_cites_a_source(db):
    for model in (Entitlement, Deliverable, Deployment, ReportedFigure, Organisation, Revision):
        uncited = model.objects.annotate(n=Count("citations")).filter(n=0)
        assert list(uncited) == [], f"{model.__name__} without a citation"


def test_every_quote_from_the_article_is_exact(db):
    quotes = Citation.objects.filter(source__key=ARTICLE_SOURCE).exclude(quote="").values_list("quote", flat=True)
    assert len(quotes) > 30
    for quote in quotes:
        assert quote in ARTICLE, quote


def test_every_other_quote_is_in_its_sources_stored_text(db):
    quotes = Citation.objects.exclude(source__key=ARTICLE_SOURCE).exclude(quote="").values_list("source__key", "quote")
    assert len(quotes) > 50
    for key, quote in quotes:
        text = (LONDON_SEED / "texts" / f"{key}.txt").read_text()
        assert all(part in text for part in quote.split(" … ")), (key, quote)


def test_the_seed_does_not_guess_which_trusts_lost_cerner(ccn3):
    statuses = dict(
        Entitlement.objects.filter(revision=ccn3, system__slug="cerner-millennium").values_list(
            "organisation__code", "status"
        )
    )
    assert len(statuses) == 29
    assert [code for code, status in statuses.items() if status == "withdrawn"] == ["RAN"]
    # Whipps Cross: BT delivered Cerner to it under the London contract with Barts Health in 2013.
    assert {code for code, status in statuses.items() if status == "entitled"} == {
        "RNJ",
        "RAL",
        "RYQ",
        "RAX",
        "RJ7",
        "RYJ",
        "RJ6",
        "RGC",
    }
    # The five 'iSoft7' trusts kept their own systems.
    assert {code for code, status in statuses.items() if status == "declined"} == {"RP4", "RJZ", "RJ1", "RVR", "RJ2"}
    assert sum(status == EntitlementStatus.UNKNOWN for status in statuses.values()) == 15


def test_what_the_sources_only_infer_is_left_unknown(ccn3):
    for ods_code in ("RQX", "RNH"):
        deployment = Deployment.objects.get(organisation__code=ods_code, system__slug="cerner-millennium")
        assert deployment.delivered_by is None
    for ods_code in ("RV5", "RV3"):
        entitlement = Entitlement.objects.get(revision=ccn3, organisation__code=ods_code, system__slug="rio")
        assert entitlement.status == EntitlementStatus.UNKNOWN


def test_the_seed_records_rnoh_as_the_article_describes_it(ccn3):
    rnoh = Organisation.objects.get(code="RAN")
    assert rnoh.kind_id == "specialist_acute"
    pas = rnoh.local_systems.get()
    # The research notes mark the PAS contract's expiry as not verified against the article, so none is recorded.
    assert (pas.product, pas.vendor.slug, pas.contract_expiry) == ("Silverlink PAS (iSoft-badged)", "isoft", "")
    withdrawn = rnoh.entitlements.get(revision=ccn3, system__slug="cerner-millennium")
    assert withdrawn.status == "withdrawn"
    assert "budget cuts" in withdrawn.withdrawal_reason.lower()


def test_the_seed_records_mergers_and_splits(db):
    south_london = Organisation.objects.get(code="RYQ")
    assert sorted(south_london.predecessions.values_list("predecessor__code", flat=True)) == ["RG2", "RG3", "RGZ"]
    assert sorted(south_london.successions.values_list("successor__code", flat=True)) == ["RJ2", "RJZ", "RPG"]
    assert south_london.closed_display == "1 Oct 2013"


def test_every_original_row_has_a_row_in_each_later_revision(london):
    revisions = list(london.revisions.order_by("sequence"))
    original_rows = set(
        Entitlement.objects.filter(revision=revisions[0]).values_list("organisation__code", "system__slug")
    )
    for revision in revisions[1:]:
        rows = set(Entitlement.objects.filter(revision=revision).values_list("organisation__code", "system__slug"))
        assert original_rows - rows == set(), revision.code


def test_the_2006_deal_takes_the_five_isoft7_trusts_off_cerner_and_the_rest_carry_forward(london):
    isoft7 = {"RP4", "RJZ", "RJ1", "RVR", "RJ2"}
    rows = Entitlement.objects.filter(revision__contract=london, revision__code="isoft7-2006")
    cerner = dict(rows.filter(system__slug="cerner-millennium").values_list("organisation__code", "status"))
    assert {code for code, status in cerner.items() if status == "declined"} == isoft7
    declined = rows.get(organisation__code="RJ2", system__slug="cerner-millennium")
    assert declined.citations.filter(
        grade="stated", quote__contains="stay with their existing systems instead of moving to Cerner Millennium"
    ).exists()
    carried = rows.exclude(organisation__code__in=isoft7, system__slug="cerner-millennium")
    assert carried.exists()
    for entitlement in carried:
        original = Entitlement.objects.get(
            revision__contract=london,
            revision__code="original",
            organisation=entitlement.organisation,
            system=entitlement.system,
        )
        assert entitlement.status == original.status
        assert {citation.grade for citation in entitlement.citations.all()} == {"inferred"}


def test_a_deployment_is_recorded_against_the_trust_that_ran_the_site_then(db):
    sidcup = Deployment.objects.get(site="Queen Mary's Hospital, Sidcup")
    assert (sidcup.organisation.code, sidcup.go_live_display) == ("RGZ", "Nov 2007")
    whipps_cross = Deployment.objects.get(site="Whipps Cross University Hospital")
    assert (whipps_cross.organisation.code, whipps_cross.delivered_by.slug) == ("R1H", "bt")


def _seed_copy(tmp_path, extra: str):
    folder = tmp_path / "seed"
    shutil.copytree(LONDON_SEED, folder)
    (folder / "zz-extra.toml").write_text(extra)
    return folder


def test_a_seed_with_one_bad_row_writes_nothing(db, tmp_path):
    folder = _seed_copy(
        tmp_path,
        """
[[organisation]]
code = "ZZZ1"
name = "A new trust that would be written first"
kind = "acute"
  [[organisation.cite]]
  source = "ehi-2010-04-london-it-programme-slashed"
  note = "test"
  grade = "stated"

[[entitlements]]
contract = "london-lsp"
revision = "ccn3"
system = "rio"
status = "probably"
organisations = ["ZZZ1"]
  [[entitlements.cite]]
  source = "ehi-2010-04-london-it-programme-slashed"
  note = "test"
  grade = "stated"
""",
    )
    before = snapshot()
    with pytest.raises(SeedError, match="status"):
        seed_load(directory=folder)
    assert snapshot() == before
    assert not Organisation.objects.filter(code="ZZZ1").exists()


def test_a_seeded_fact_without_a_source_is_refused(db, tmp_path):
    folder = _seed_copy(
        tmp_path,
        """
[[entitlements]]
contract = "london-lsp"
revision = "ccn3"
system = "ambulance"
status = "entitled"
organisations = ["RAN"]
""",
    )
    with pytest.raises(SeedError, match="cites no source"):
        seed_load(directory=folder)
    assert not Entitlement.objects.filter(organisation__code="RAN", system__slug="ambulance").exists()


@pytest.mark.django_db
def test_seeded_records_say_in_their_history_where_they_came_from():
    from contracts.models import Entitlement

    entry = Entitlement.objects.get(
        revision__code="ccn3", organisation__code="RAN", system__slug="cerner-millennium"
    ).history.first()
    assert entry.history_change_reason == "Loaded from the seed data"


def test_every_seeded_citation_is_graded_and_says_why_when_not_stated(db):
    citations = Citation.objects.all()
    assert citations.count() > 200
    assert set(citations.values_list("grade", flat=True)) <= {"stated", "inferred", "derived"}
    assert not citations.exclude(grade="stated").filter(reasoning="").exists()
    assert citations.filter(grade="inferred").exists() and citations.filter(grade="derived").exists()
    assert not citations.filter(current=False).exists()


def test_ccn3s_value_is_derived_from_the_original_less_the_cut(ccn3):
    derived = ccn3.citations.get(grade="derived")
    assert "£1.1bn less the £112m cut" in derived.reasoning


def test_the_entitlements_read_from_a_list_of_trusts_live_in_2013_are_inferred(ccn3):
    inferred = Citation.objects.filter(entitlement__revision=ccn3, entitlement__organisation__code="RAL")
    assert {citation.grade for citation in inferred} == {"inferred"}


def test_a_seed_citation_without_a_grade_is_refused(db, tmp_path):
    folder = _seed_copy(
        tmp_path,
        """
[[organisation]]
code = "ZZZ2"
name = "Ungraded NHS Trust"
kind = "acute"
  [[organisation.cite]]
  source = "ehi-2010-04-london-it-programme-slashed"
  note = "test"
""",
    )
    with pytest.raises(SeedError, match="needs a grade: stated, inferred or derived"):
        seed_load(directory=folder)
    assert not Organisation.objects.filter(code="ZZZ2").exists()


def test_the_seeded_revisions_are_published(london):
    assert list(london.revisions.order_by("sequence").values_list("code", "is_published")) == [
        ("original", True),
        ("isoft7-2006", True),
        ("reset-2007", True),
        ("ccn3", True),
    ]
