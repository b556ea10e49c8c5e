"""The OCDS 1.1 release and record packages of a contract, validated against the standard's 1.1.5 schemas (the
copies in contracts/ocds/schema/) and this project's extension, with nothing fetched from a network."""

import json
from decimal import Decimal

import pytest
from django.conf import settings
from jsonschema import Draft4Validator
from referencing.exceptions import Unresolvable

from contracts.models import Contract, Entitlement, Source
from contracts.ocds.schemas import (
    EXTENSION_DIR,
    extended_release_schema,
    extension_patch,
    merge_patch,
    schema_registry,
    standard_schema,
)
from contracts.outcomes import Outcome
from contracts.services.citing import ChangeSupport
from contracts.services.compare import revision_compare
from contracts.services.revision_copy import revision_copy
from contracts.services.seed import seed_load

pytestmark = pytest.mark.django_db

RELEASES = "/contracts/london-lsp/ocds.json"
RECORDS = "/contracts/london-lsp/ocds-record.json"


def validator(name: str, *, extended: bool = True) -> Draft4Validator:
    """A draft-04 validator of the named standard schema, with format checking, reading every `$ref` from the
    local copies (the release schema with the extension applied, unless `extended` is false)."""
    release_schema = extended_release_schema() if extended else standard_schema("release-schema.json")
    schema = release_schema if name == "release-schema.json" else standard_schema(name)
    return Draft4Validator(
        schema,
        registry=schema_registry(release_schema=release_schema),
        format_checker=Draft4Validator.FORMAT_CHECKER,
    )


def problems(validator: Draft4Validator, instance: dict) -> list[str]:
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(instance)]


def fetched(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.getvalue()[:500]
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.getvalue())


def lost_words(rows) -> dict[str, str]:
    """{system name: how a reader is told it was lost}: "withdrawn from 1 organisation", "declined by 5
    organisations, keeping their own systems", or both."""
    by_system: dict[str, dict[str, int]] = {}
    for row in rows:
        kind = "declined" if row["target_status"] == "declined" else "withdrawn"
        counts = by_system.setdefault(row["system_name"], {"withdrawn": 0, "declined": 0})
        counts[kind] += 1
    words = {}
    for name, counts in by_system.items():
        how = []
        for kind, preposition in [("withdrawn", "from"), ("declined", "by")]:
            if counts[kind]:
                how.append(f"{kind} {preposition} {counts[kind]} organisation{'' if counts[kind] == 1 else 's'}")
        kept = {0: "", 1: ", keeping its own system"}.get(counts["declined"], ", keeping their own systems")
        words[name] = " and ".join(how) + kept
    return words


def release(package: dict, code: str) -> dict:
    return next(found for found in package["releases"] if found["id"].endswith(f"-{code}"))


def test_the_extension_patched_release_schema_is_a_valid_draft4_schema():
    Draft4Validator.check_schema(extended_release_schema())
    definitions = extended_release_schema()["definitions"]
    assert "entitlement" in definitions["Item"]["properties"]
    assert "id" in definitions["Item"]["properties"]  # the patch adds to Item, it does not replace it
    assert "dateMetPrecision" in definitions["Milestone"]["properties"]


def test_a_merge_patch_adds_replaces_and_removes_as_rfc_7386_says():
    target = {"a": {"b": 1, "c": 2}, "d": [1], "e": "x"}
    assert merge_patch(target, {"a": {"b": None, "f": 3}, "d": [2], "g": True}) == {
        "a": {"c": 2, "f": 3}, "d": [2], "e": "x", "g": True
    }  # fmt: skip
    assert target == {"a": {"b": 1, "c": 2}, "d": [1], "e": "x"}


def test_the_release_package_validates_against_ocds_1_1_5_and_the_extension(client):
    package = fetched(client, RELEASES)
    assert problems(validator("release-package-schema.json"), package) == []
    assert problems(validator("release-package-schema.json", extended=False), package) == []
    for each in package["releases"]:
        assert problems(validator("release-schema.json"), each) == [], each["id"]


def test_the_baseline_is_a_contract_release_and_each_change_note_a_contract_amendment(client, london):
    package = fetched(client, RELEASES)
    codes = list(london.revisions.filter(is_published=True).order_by("sequence").values_list("code", flat=True))
    assert [found["id"] for found in package["releases"] if found["tag"] != ["implementation"]] == [
        f"ocds-nhsit0-london-lsp-{code}" for code in codes
    ]
    assert release(package, codes[0])["tag"] == ["contract"]
    for code in codes[1:]:
        assert release(package, code)["tag"] == ["contractAmendment"]
    assert {found["ocid"] for found in package["releases"]} == {"ocds-nhsit0-london-lsp"}
    assert package["extensions"] == ["http://testserver/ocds/extension/extension.json"]


def test_the_ccn3_amendment_says_the_value_change_and_what_was_withdrawn(client, london, ccn3):
    package = fetched(client, RELEASES)
    before = london.revisions.filter(is_published=True, sequence__lt=ccn3.sequence).order_by("sequence").last()
    amendment = release(package, "ccn3")["contracts"][0]["amendments"][-1]
    assert amendment["id"] == "ccn3"
    assert amendment["releaseID"] == "ocds-nhsit0-london-lsp-ccn3"
    assert amendment["amendsReleaseID"] == f"ocds-nhsit0-london-lsp-{before.code}"
    assert amendment["date"] == f"{ccn3.signed_on.isoformat()}T00:00:00Z"
    assert amendment["datePrecision"] == "onOrBefore"  # "by 8 Apr 2010", as the seed has it
    rationale = amendment["rationale"]
    if before.code == "original":
        assert rationale.startswith("Value reduced by £112m, from £1.1bn to £988m.")
    else:
        assert rationale.startswith("Value reduced by £112m, from £1.1bn to £988m (against Original contract")
    # Outcomes are against the latest earlier revision recording entitlements (not one known from a press report
    # only, which records none).
    with_rows = london.revisions.filter(is_published=True, sequence__lt=ccn3.sequence, entitlements__isnull=False)
    base = with_rows.distinct().order_by("sequence").last()
    lost = revision_compare(base=base, target=ccn3).rows.filter(outcome=Outcome.LOST)
    assert lost, "the seed records systems CCN3 took away"
    for name, words in lost_words(lost).items():
        assert f"{name} {words}" in rationale
    assert "withdrawn from" in rationale
    assert "Map of Medicine (not renewed)" in rationale


def test_parties_carry_their_org_id_identifiers_and_roles(client, ccn3):
    package = fetched(client, RELEASES)
    parties = {party["id"]: party for party in release(package, "ccn3")["parties"]}
    organisations = {entitlement.organisation for entitlement in ccn3.entitlements.select_related("organisation")}
    assert organisations
    for organisation in organisations:
        party = parties[f"GB-NHS-{organisation.code}"]
        assert party["identifier"] == {"scheme": "GB-NHS", "id": organisation.code, "legalName": organisation.name}
        assert party["roles"] == ["beneficiary"]
    supplier = parties["supplier-bt"]
    assert supplier["roles"] == ["supplier"]
    assert "identifier" not in supplier  # the records hold no company number, and none is made up


def test_each_organisation_and_system_is_an_item_with_its_entitlement(client, ccn3):
    package = fetched(client, RELEASES)
    items = {found["id"]: found for found in release(package, "ccn3")["contracts"][0]["items"]}
    ran = ccn3.entitlements.get(organisation__code="RAN", system__slug="cerner-millennium")
    item = items["GB-NHS-RAN/cerner-millennium"]
    assert item["entitlement"]["status"] == ran.status == "withdrawn"
    assert item["entitlement"]["withdrawalReason"] == ran.withdrawal_reason
    assert item["beneficiary"]["id"] == "GB-NHS-RAN"
    assert len(items) == ccn3.entitlements.count()


def test_dates_known_to_the_month_say_so_and_claim_no_day(client, original):
    package = fetched(client, RELEASES)
    baseline = release(package, "original")
    assert original.signed_precision == "month"
    assert baseline["date"] == f"{original.signed_on:%Y-%m}-01T00:00:00Z"
    assert baseline["datePrecision"] == "month"
    milestones = package["releases"][-1]["contracts"][0]["implementation"]["milestones"]
    met = [milestone for milestone in milestones if milestone["status"] == "met" and "dateMet" in milestone]
    assert met and all(milestone["dateMetPrecision"] in {"day", "month", "year", "onOrBefore"} for milestone in met)
    assert any(
        milestone["dateMetPrecision"] == "month" and milestone["dateMet"][8:] == "01T00:00:00Z" for milestone in met
    )


def test_documents_are_the_sources_cited(client, ccn3):
    package = fetched(client, RELEASES)
    documents = {found["id"]: found for found in release(package, "ccn3")["contracts"][0]["documents"]}
    source = Source.objects.get(key="ehi-2010-04-london-it-programme-slashed")
    assert documents[source.key]["title"] == source.title
    assert documents[source.key]["url"] == source.url
    assert documents[source.key]["documentType"] == "newsArticle"
    assert documents[source.key]["datePublishedPrecision"] == "month"


@pytest.fixture
def draft(ccn3):
    """An unpublished change note after CCN3, in which Hillingdon (RAS) gains Cerner."""
    support = ChangeSupport(source=Source.objects.order_by("pk").first(), quote="Words only the draft holds.")
    draft = revision_copy(revision=ccn3, code="ccn4", title="Draft CCN4", total_value=Decimal(1), support=support)
    entitlement = draft.entitlements.get(organisation__code="RAS", system__slug="cerner-millennium")
    entitlement.status = "entitled"
    entitlement.save()
    return draft


def test_an_unpublished_revision_is_in_neither_package(client, draft):
    assert not draft.is_published
    for url in [RELEASES, RECORDS]:
        text = client.get(url).getvalue().decode()
        assert "ccn4" not in text
        assert "Draft CCN4" not in text
        assert "Words only the draft holds." not in text


def test_the_record_package_validates_and_its_compiled_release_is_the_latest(client, london):
    package = fetched(client, RECORDS)
    [record] = package["records"]
    # The versioned release's schema (versioned-release-validation-schema.json) is not among the local copies:
    # a reference to it is unresolvable, never fetched.
    with pytest.raises(Unresolvable):
        problems(validator("record-package-schema.json"), package)
    without_versions = {**package, "records": [{k: v for k, v in record.items() if k != "versionedRelease"}]}
    assert problems(validator("record-package-schema.json"), without_versions) == []
    assert problems(validator("release-schema.json"), record["compiledRelease"]) == []
    latest = london.revisions.filter(is_published=True).order_by("sequence").last()
    compiled = record["compiledRelease"]["contracts"][0]
    assert record["compiledRelease"]["tag"] == ["compiled"]
    assert compiled["value"] == {"amount": int(latest.total_value), "currency": "GBP"}
    assert compiled["amendments"][-1]["id"] == latest.code
    statuses = {found["id"]: found["entitlement"]["status"] for found in compiled["items"]}
    for entitlement in Entitlement.objects.filter(revision=latest).select_related("organisation", "system"):
        assert statuses[f"GB-NHS-{entitlement.organisation.code}/{entitlement.system.slug}"] == entitlement.status


def test_the_versioned_release_holds_each_revisions_value_in_order(client, london):
    [record] = fetched(client, RECORDS)["records"]
    versions = record["versionedRelease"]["contracts"][0]["value"]["amount"]
    published = london.revisions.filter(is_published=True).order_by("sequence")
    values = [int(revision.total_value) for revision in published if revision.total_value is not None]
    shown = [version["value"] for version in versions]
    # A version is kept only when the value changes.
    assert shown == [value for index, value in enumerate(values) if index == 0 or values[index - 1] != value]
    assert versions[-1]["releaseID"] == f"ocds-nhsit0-london-lsp-{published.last().code}"


def test_the_extension_is_served_where_the_package_says(client):
    metadata = fetched(client, "/ocds/extension/extension.json")
    assert metadata["schemas"] == ["release-schema.json"]
    assert metadata["documentationUrl"]["en"] == "http://testserver/ocds/extension/README.md"
    assert fetched(client, "/ocds/extension/release-schema.json") == extension_patch()
    for name in metadata["codelists"]:
        response = client.get(f"/ocds/extension/codelists/{name}")
        assert response.status_code == 200
        assert response.content.decode() == (EXTENSION_DIR / "codelists" / name).read_text(encoding="utf-8")
    assert client.get("/ocds/extension/../schemas.py").status_code == 404
    assert client.get("/ocds/extension/codelists/nothing.csv").status_code == 404


@pytest.mark.parametrize("url", [RELEASES, RECORDS, "/ocds/extension/extension.json"])
def test_an_unknown_parameter_is_refused_by_name(client, url):
    response = client.get(f"{url}?format=xml")
    assert response.status_code == 400
    assert "“format”" in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/contracts/no-such-contract/ocds.json", "/contracts/no-such-contract/ocds-record.json"]
)
def test_an_unknown_contract_is_not_found(client, url):
    assert client.get(url).status_code == 404


def test_the_packages_cost_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        response = client.get(RELEASES)
        assert response.status_code == 200 and json.loads(response.getvalue())["releases"]
    with django_assert_max_num_queries(20):
        assert client.get(RECORDS).status_code == 200


def test_a_contract_with_no_published_revision_has_no_package(client, london):
    london.revisions.update(is_published=False)
    for url in [RELEASES, RECORDS]:
        response = client.get(url)
        assert response.status_code == 404
        assert "has no published revision yet" in response.content.decode()


def test_every_contract_of_the_southern_seed_validates_too(client):
    seed_load(directory=settings.SEED_DIR / "southern_lsp")
    contracts = Contract.objects.exclude(slug="london-lsp")
    assert contracts.exists()
    for contract in contracts:
        package = fetched(client, f"/contracts/{contract.slug}/ocds.json")
        assert problems(validator("release-package-schema.json"), package) == [], contract.slug
        [record] = fetched(client, f"/contracts/{contract.slug}/ocds-record.json")["records"]
        assert problems(validator("release-schema.json"), record["compiledRelease"]) == [], contract.slug


def test_a_record_too_large_to_merge_in_one_request_is_refused_with_the_release_package_offered(client, monkeypatch):
    from contracts.ocds import records

    items = records.record_items(Contract.objects.get(slug="london-lsp"))
    assert (
        items == Entitlement.objects.filter(revision__contract__slug="london-lsp", revision__is_published=True).count()
    )
    monkeypatch.setattr(records, "MOST_RECORD_ITEMS", items - 1)
    response = client.get(RECORDS)
    assert response.status_code == 400
    refusal = response.json()
    assert f"{items:,} items" in refusal["detail"] and "streamed" in refusal["detail"]
    assert refusal["releasePackage"].endswith("/contracts/london-lsp/ocds.json")
    assert client.get(refusal["releasePackage"]).status_code == 200
    monkeypatch.setattr(records, "MOST_RECORD_ITEMS", items)
    assert client.get(RECORDS).status_code == 200
