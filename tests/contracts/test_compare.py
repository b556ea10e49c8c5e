from collections import Counter

import pytest
from model_bakery import baker

from contracts.models import Entitlement, EntitlementStatus, System
from contracts.outcomes import Outcome
from contracts.services.compare import RevisionMismatch, deliverable_compare, revision_compare
from organisations.models import Organisation
from tests.contracts.factories import contract_with_revisions, entitle, organisation, revision, system


@pytest.fixture
def two_revisions(db):
    contract = contract_with_revisions("test-lsp", ["before", "after"])
    return revision(contract, "before"), revision(contract, "after")


def ids(*codes):
    return list(Organisation.objects.filter(code__in=codes).values_list("pk", flat=True))


def outcome_of(comparison, ods_code, system_slug):
    (row,) = [r for r in comparison.rows if r["identifier"] == ods_code and r["system_slug"] == system_slug]
    return row["outcome"]


@pytest.mark.parametrize(
    ("base_status", "target_status", "outcome"),
    [
        ("entitled", "entitled", "kept"),
        ("entitled", "withdrawn", "lost"),
        ("entitled", "not_entitled", "lost"),
        ("entitled", "declined", "lost"),
        ("not_entitled", "entitled", "gained"),
        ("withdrawn", "entitled", "gained"),
        ("not_entitled", "not_entitled", "never"),
        ("declined", "withdrawn", "never"),
        ("unknown", "entitled", "unknown"),
        ("entitled", "unknown", "unknown"),
        ("unknown", "unknown", "unknown"),
    ],
)
def test_it_derives_the_outcome_from_both_sides(two_revisions, base_status, target_status, outcome):
    base, target = two_revisions
    trust, pas = organisation("TST1"), system("pas")
    entitle(base, trust, pas, base_status)
    entitle(target, trust, pas, target_status)
    comparison = revision_compare(base=base, target=target)
    (row,) = comparison.rows
    assert (row["base_status"], row["target_status"], row["outcome"]) == (base_status, target_status, outcome)


def test_a_side_with_no_record_is_unknown(two_revisions):
    base, target = two_revisions
    pas = system("pas")
    entitle(base, organisation("TST1"), pas, "entitled")
    entitle(target, organisation("TST2"), pas, "entitled")
    comparison = revision_compare(base=base, target=target)
    rows = {row["identifier"]: row for row in comparison.rows}
    assert (rows["TST1"]["target_status"], rows["TST1"]["outcome"]) == ("unknown", "unknown")
    assert (rows["TST2"]["base_status"], rows["TST2"]["outcome"]) == ("unknown", "unknown")


def test_it_shows_whether_the_system_is_live_there(two_revisions):
    base, target = two_revisions
    pas = system("pas")
    running, waiting = organisation("TST1"), organisation("TST2")
    for trust in (running, waiting):
        entitle(base, trust, pas, "entitled")
        entitle(target, trust, pas, "withdrawn")
    baker.make("contracts.Deployment", organisation=running, system=pas, status="live")
    baker.make("contracts.Deployment", organisation=waiting, system=pas, status="scheduled")
    comparison = revision_compare(base=base, target=target)
    assert {row["identifier"]: row["live"] for row in comparison.rows} == {"TST1": True, "TST2": False}
    assert [row["identifier"] for row in revision_compare(base=base, target=target, live=True).rows] == ["TST1"]


def test_it_filters_by_system_kind_outcome_and_organisation(two_revisions):
    base, target = two_revisions
    pas, epr = system("pas"), system("epr")
    acute, mental = organisation("TST1", kind="acute"), organisation("TST2", kind="mental_health")
    for trust in (acute, mental):
        entitle(base, trust, pas, "entitled")
        entitle(target, trust, pas, "withdrawn")
        entitle(base, trust, epr, "entitled")
        entitle(target, trust, epr, "entitled")

    def pairs(**filters):
        return {(r["identifier"], r["system_slug"]) for r in revision_compare(base=base, target=target, **filters).rows}

    assert pairs(systems=[pas]) == {("TST1", "pas"), ("TST2", "pas")}
    assert pairs(kinds=["mental_health"]) == {("TST2", "pas"), ("TST2", "epr")}
    assert pairs(outcomes=["lost"]) == {("TST1", "pas"), ("TST2", "pas")}
    assert pairs(outcomes=["kept"], kinds=["acute"]) == {("TST1", "epr")}
    assert pairs(organisations=ids("TST2"), systems=[epr]) == {("TST2", "epr")}
    assert pairs(systems=[]) == set()


def test_it_refuses_revisions_of_different_contracts(db, original):
    other = contract_with_revisions("other-lsp", ["one"])
    with pytest.raises(RevisionMismatch):
        revision_compare(base=original, target=revision(other, "one"))


def test_it_marks_rnoh_cerner_lost(original, ccn3):
    comparison = revision_compare(
        base=original, target=ccn3, organisations=ids("RAN"), systems=[System.objects.get(slug="cerner-millennium")]
    )
    (row,) = comparison.rows
    assert (row["base_status"], row["target_status"], row["outcome"], row["live"]) == (
        "entitled",
        "withdrawn",
        "lost",
        False,
    )


@pytest.mark.parametrize("ods_code", ["RAL", "RJ7"])
def test_it_marks_royal_free_and_st_georges_cerner_kept_and_live(original, ccn3, ods_code):
    comparison = revision_compare(
        base=original, target=ccn3, organisations=ids(ods_code), systems=[System.objects.get(slug="cerner-millennium")]
    )
    (row,) = comparison.rows
    assert (row["outcome"], row["live"]) == ("kept", True)


def test_it_marks_the_ambulance_service_lost(original, ccn3):
    assert outcome_of(revision_compare(base=original, target=ccn3), "RRU", "ambulance") == "lost"


def test_it_counts_the_seed_outcomes_per_system(original, ccn3):
    comparison = revision_compare(base=original, target=ccn3)
    outcomes: dict[str, dict[str, str]] = {}
    for row in comparison.rows:
        outcomes.setdefault(row["system_slug"], {})[row["identifier"]] = row["outcome"]

    def having(system_slug, outcome):
        return {code for code, found in outcomes[system_slug].items() if found == outcome}

    # RNOH lost Cerner under CCN3; the five iSoft7 trusts, entitled by the original, had declined it since 2006.
    assert having("cerner-millennium", "lost") == {"RAN", "RP4", "RJZ", "RJ1", "RVR", "RJ2"}
    assert having("cerner-millennium", "kept") == {"RNJ", "RAL", "RYQ", "RAX", "RJ7", "RYJ", "RJ6", "RGC"}
    assert having("rio", "kept") == {"RPG", "RQY", "RAT", "RNK"}
    assert having("rio", "unknown") == {"RKL", "RWK", "RRP", "RV5", "RV3"}
    counts = comparison.outcome_counts()
    for system_slug, by_organisation in outcomes.items():
        assert counts[system_slug] == Counter(by_organisation.values()), system_slug
    assert counts["cerner-millennium"]["unknown"] == len(outcomes["cerner-millennium"]) - 14
    assert counts["ambulance"] == {"lost": 1}


def test_it_compares_the_seed_programme_lines(original, ccn3):
    lines = {line["code"]: line for line in deliverable_compare(base=original, target=ccn3)}
    assert (lines["gp-systems"]["outcome"], lines["gp-systems"]["target_status"]) == ("lost", "removed")
    assert (lines["ambulance"]["outcome"], lines["ambulance"]["target_status"]) == ("lost", "removed")
    assert (lines["map-of-medicine"]["outcome"], lines["map-of-medicine"]["target_status"]) == ("lost", "not_renewed")
    assert (lines["cerner-millennium"]["outcome"], lines["cerner-millennium"]["reduced"]) == ("kept", True)
    assert (lines["rio"]["outcome"], lines["rio"]["reduced"]) == ("kept", True)
    assert lines["rio-software-releases"]["outcome"] == "gained"


def test_a_kept_line_with_a_smaller_quantity_is_reduced(two_revisions):
    base, target = two_revisions
    gp = system("gp")
    baker.make("contracts.Deliverable", revision=base, system=gp, code="gp", status="included", quantity=100)
    baker.make("contracts.Deliverable", revision=target, system=gp, code="gp", status="included", quantity=60)
    (line,) = deliverable_compare(base=base, target=target)
    assert (line["outcome"], line["reduced"], line["base_quantity"], line["target_quantity"]) == ("kept", True, 100, 60)


def test_the_matrix_costs_one_query_however_large(two_revisions, django_assert_num_queries):
    base, target = two_revisions
    systems = [system(f"system-{n}") for n in range(4)]
    trusts = [organisation(f"Q{n:03d}") for n in range(100)]
    rows = []
    for trust in trusts:
        for each in systems:
            rows.append(
                baker.prepare(
                    "contracts.Entitlement", revision=base, organisation=trust, system=each, status="entitled"
                )
            )
            rows.append(
                baker.prepare(
                    "contracts.Entitlement", revision=target, organisation=trust, system=each, status="not_entitled"
                )
            )
    baker.make("contracts.Deployment", organisation=trusts[0], system=systems[0], status="live")
    Entitlement.objects.bulk_create(rows)
    comparison = revision_compare(base=base, target=target)
    with django_assert_num_queries(1):
        matrix = list(comparison.rows)
    assert len(matrix) == 400
    assert sum(row["live"] for row in matrix) == 1
    with django_assert_num_queries(1):
        assert comparison.outcome_counts()["system-0"] == {"lost": 100}


def test_the_organisations_compared_are_those_with_a_row(two_revisions):
    base, target = two_revisions
    pas, epr = system("pas"), system("epr")
    kept, lost, only_before = organisation("TST1"), organisation("TST2"), organisation("TST3")
    entitle(base, kept, pas, "entitled")
    entitle(target, kept, pas, "entitled")
    entitle(base, lost, epr, "entitled")
    entitle(target, lost, epr, "withdrawn")
    entitle(base, only_before, pas, "entitled")

    def compared(**filters):
        comparison = revision_compare(base=base, target=target, **filters)
        in_rows = {row["identifier"] for row in comparison.rows}
        assert {trust.identifier for trust in comparison.organisations} == in_rows
        return in_rows

    assert compared() == {"TST1", "TST2", "TST3"}
    assert compared(systems=[pas]) == {"TST1", "TST3"}
    assert compared(outcomes=["lost"]) == {"TST2"}
    assert compared(outcomes=["unknown"], systems=[pas]) == {"TST3"}
    assert compared(live=True) == set()


@pytest.mark.django_db
def test_an_outcome_chosen_by_the_statuses_is_the_outcome_worked_out():
    """Filtering by outcome reads the two sides' statuses (outcome_is()); for every pair of statuses, or no row on
    one side, it chooses the rows whose worked-out outcome is the one asked."""
    base, target = contract_with_revisions("every-pair", ["base", "target"]).revisions.order_by("sequence")
    made = system("every-pair-system")
    statuses = [*EntitlementStatus.values, None]
    for n, (base_status, target_status) in enumerate((b, t) for b in statuses for t in statuses if b or t):
        owner = organisation(f"EVP{n:02d}")
        for side, status in [(base, base_status), (target, target_status)]:
            if status is not None:
                entitle(side, owner, made, status)
    every_row = list(revision_compare(base=base, target=target).rows)
    assert len(every_row) == len(statuses) ** 2 - 1
    for outcome in Outcome.values:
        chosen = revision_compare(base=base, target=target, outcomes=[outcome]).rows
        worked_out = sorted(row["organisation_code"] for row in every_row if row["outcome"] == outcome)
        assert sorted(row["organisation_code"] for row in chosen) == worked_out != [], outcome
    both = revision_compare(base=base, target=target, outcomes=["lost", "gained"]).rows
    assert sorted(row["outcome"] for row in both) == sorted(
        row["outcome"] for row in every_row if row["outcome"] in {"lost", "gained"}
    )
    assert list(revision_compare(base=base, target=target, outcomes=["no-such-outcome"]).rows) == []
