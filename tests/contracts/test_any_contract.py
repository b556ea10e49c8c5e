"""Any contract, any organisation: the London seed beside a council contract from outside the NHS, with codes of
another scheme, a kind of its own, revision codes London's share, and RiO, which London has too."""

import re

import pytest

from contracts.models import Contract
from organisations.models import Organisation
from tests.conftest import client_for
from tests.contracts.council import council_contract
from tests.helpers import admin_form_data, csv_header, csv_rows, shown_count, visible_text


@pytest.fixture
def councils(db):
    return council_contract()


def test_the_home_page_lists_every_contract_with_its_headline_and_features_the_chosen_one(client, councils):
    text = visible_text(client.get("/"))
    assert "London Local Service Provider contract featured" in text
    assert "Councils' care records contract Care Systems Ltd not recorded 3 CCN2 −£10,000,000 (−25.0%)" in text
    assert text.startswith("London Local Service Provider contract") or "<h1>" not in text
    assert client.get("/").context["overview"].contract.slug == "london-lsp"


def test_the_featured_contract_is_an_admin_choice(client, councils, db):
    from django.contrib.auth.models import Group, User

    setup = User.objects.create_user("setup", is_staff=True)
    setup.groups.add(Group.objects.get(name="Contract setup"))
    admin = client_for(setup)
    url = f"/admin/contracts/contract/{councils.pk}/change/"
    data = {**admin_form_data(admin.get(url)), "is_featured": "on"}
    for key in [key for key in data if key.startswith("citations-")]:
        data.pop(key)
    data.update(admin_form_data(admin.get(url)))
    data["is_featured"] = "on"
    response = admin.post(url, data)
    assert response.status_code == 302, visible_text(response)[:2000]
    assert client.get("/").context["overview"].contract == councils
    assert not Contract.objects.get(slug="london-lsp").is_featured
    assert Contract.objects.get(slug="london-lsp").history.first().history_change_reason.endswith("is featured instead")


def test_a_contract_page_is_its_overview_between_any_two_revisions(client, councils):
    text = visible_text(client.get("/contracts/councils-care/"))
    assert "Value under ORIGINAL £40,000,000" in text and "Value under CCN2 £30,000,000" in text
    assert "From ORIGINAL to CCN2, organisation by organisation" in text
    chosen = visible_text(client.get("/contracts/councils-care/", {"base": "ccn1", "target": "ccn2"}))
    assert "Value under CCN1 £36,000,000" in chosen and "−£6,000,000" in chosen
    refused = client.get("/contracts/councils-care/", {"base": "ccn3"})
    assert refused.status_code == 400
    assert "“ccn3” is not a revision of Councils' care records contract; its revisions are: original, ccn1, ccn2" in (
        visible_text(refused)
    )
    assert client.get("/contracts/councils-care/", {"bsae": "ccn1"}).status_code == 400


def test_an_organisation_of_another_scheme_has_its_page_under_its_prefix(client, councils):
    page = client.get("/trusts/GB-LAE-WSM/")
    text = visible_text(page)
    assert "Westminster City Council" in text and "GB-LAE-WSM (Local authorities in England)" in text
    assert "Kind local authority" in text
    assert "Under Councils' care records contract" in text
    assert client.get("/trusts/gb-lae-wsm/")["Location"] == "/trusts/GB-LAE-WSM/"
    assert client.get("/trusts/WSM/").status_code == 404  # not an ODS code
    assert client.get("/trusts/GB-NHS-RAN/")["Location"] == "/trusts/RAN/"


def test_the_organisation_list_shows_every_contract_and_says_which_each_row_is_in(client, councils):
    page = client.get("/trusts/")
    text = visible_text(page)
    assert "Rio (Councils' care records contract)" in text or "RiO (Councils' care records contract)" in text
    assert "RiO (London Local Service Provider contract)" in text
    # Its systems' cells come before its kind: its own contract's three, and London's three, with no record.
    row = re.search(r"GB-LAE-WSM Westminster City Council (.*?) local authority — Councils' care records", text)
    assert row
    assert row.group(1).count("— no record") == 3 and len(row.group(1).split()) == 3 * 2 + 3 * 3
    header = csv_header(client.get("/trusts/", {"_export": "csv"}))
    assert "councils-care:rio" in header and "london-lsp:rio" in header and "contracts" in header
    rows = {row["identifier"]: row for row in csv_rows(client.get("/trusts/", {"_export": "csv"}))}
    assert rows["GB-LAE-WSM"]["contracts"] == "councils-care" and rows["GB-LAE-WSM"]["councils-care:rio"] == "withdrawn"
    assert rows["RAN"]["contracts"] == "london-lsp" and rows["RAN"]["councils-care:rio"] == ""


def test_the_organisation_list_of_one_contract_shows_its_systems_and_filters_them(client, councils):
    page = client.get("/trusts/", {"contract": "councils-care", "system": "rio", "outcome": "lost"})
    assert page.status_code == 200
    assert shown_count(page) == 1
    assert "Westminster City Council" in visible_text(page)
    refused = client.get("/trusts/", {"system": "rio", "outcome": "lost"})
    assert "Choose a contract: system, outcome are read within one contract, and there are 2." in visible_text(refused)
    assert client.get("/trusts/", {"system": "rio", "_export": "csv"}).status_code == 400


def test_a_system_in_two_contracts_shows_each(client, councils):
    text = visible_text(client.get("/systems/rio/"))
    assert "Under London Local Service Provider contract" in text and "Under Councils' care records contract" in text
    assert "Westminster City Council (GB-LAE-WSM) : entitled → withdrawn" in text
    one = visible_text(client.get("/systems/rio/", {"contract": "councils-care", "base": "ccn1", "target": "ccn2"}))
    assert "Under London" not in one and "From CCN1 to CCN2" in one
    ambiguous = client.get("/systems/rio/", {"base": "original"})
    assert ambiguous.status_code == 400 and "say which contract" in visible_text(ambiguous)


def test_a_revision_code_means_nothing_without_its_contract(client, councils):
    refused = client.get("/entitlements/", {"revision": "original"})
    assert "Choose a contract: “original” is a revision of 2 contracts" in visible_text(refused)
    rows = csv_rows(
        client.get("/entitlements/", {"contract": "councils-care", "revision": "original", "_export": "csv"})
    )
    assert {row["contract"] for row in rows} == {"councils-care"} and len(rows) == 9
    assert {row["identifier"] for row in rows} >= {"GB-LAE-WSM", "GB-LAE-CMD"}


@pytest.mark.parametrize(
    "url",
    [
        "/", "/contracts/", "/contracts/councils-care/", "/contracts/councils-care/compare/",
        "/contracts/councils-care/compare/?_export=csv", "/contracts/councils-care/data-quality/",
        "/trusts/", "/trusts/?contract=councils-care", "/trusts/?_export=csv", "/trusts/GB-LAE-ISL/",
        "/systems/", "/systems/social-care-record/", "/systems/rio/", "/entitlements/",
        "/entitlements/?_export=csv", "/entitlements/?ods_code=GB-LAE-HCK", "/search/?q=GB-LAE-LBH",
        "/data-quality/", "/data-quality/facts/?organisation=GB-LAE-WSM", "/figures/",
    ],
)  # fmt: skip
def test_every_public_page_and_export_works_for_both_contracts(client, councils, url):
    response = client.get(url)
    assert response.status_code in (200, 302), url
    if response.status_code == 200 and not response.streaming and url != "/search/?q=GB-LAE-LBH":
        assert "Councils" in visible_text(response) or "GB-LAE" in visible_text(response) or "councils" in url


def test_an_editor_adds_an_organisation_of_another_scheme_and_kind(client, councils, editor):
    from organisations.models import OrganisationKind

    editor_client = client_for(editor)
    kinds = editor_client.get("/admin/trusts/organisationkind/add/")
    data = {**admin_form_data(kinds), "name": "combined authority", "slug": "combined_authority"}
    assert editor_client.post("/admin/trusts/organisationkind/add/", data).status_code == 302
    assert OrganisationKind.objects.filter(slug="combined_authority").exists()
    add = "/admin/trusts/organisation/add/"
    data = {**admin_form_data(editor_client.get(add)), "scheme": "GB-LAE", "code": "wrong1",
            "name": "Greater Manchester Combined Authority", "kind": "combined_authority",
            "cite_source": "", "unsourced_reason": "Test: the register lists it"}  # fmt: skip
    refused = editor_client.post(add, data)
    assert refused.status_code == 200
    assert "Not a Local authorities in England code: they look like WSM." in visible_text(refused)
    assert not Organisation.objects.filter(code="WRONG1").exists()
    data["code"] = "gmc"
    assert editor_client.post(add, data).status_code == 302
    organisation = Organisation.objects.get(scheme="GB-LAE", code="GMC")
    assert organisation.kind.name == "combined authority"
    assert client.get("/trusts/GB-LAE-GMC/").status_code == 200


def test_the_same_code_may_be_in_two_schemes(councils):
    from organisations.models import IdentifierScheme

    scheme = IdentifierScheme.objects.create(prefix="GB-COH", name="Companies House", code_pattern="^[A-Z0-9]{8}$",
                                             example="01234567")  # fmt: skip
    Organisation.objects.create(scheme=scheme, code="WSM", name="Not the council", kind_id="other")
    assert Organisation.objects.filter(code="WSM").count() == 2
    assert Organisation.objects.by_identifier("GB-COH-WSM").name == "Not the council"


def test_a_gss_code_and_a_local_authority_kind_are_accepted(councils):
    from organisations.models import IdentifierScheme

    scheme = IdentifierScheme.objects.create(prefix="GB-GSS", name="Government Statistical Service codes",
                                             code_pattern=r"^[EWSN]\d{8}$", example="E09000033")  # fmt: skip
    council = Organisation(scheme=scheme, code="E09000033", name="Westminster (GSS)", kind_id="local_authority")
    council.full_clean()
    council.save()
    assert council.get_absolute_url() == "/trusts/GB-GSS-E09000033/"


def test_the_systems_list_says_which_contracts_deal_with_each_and_takes_one(client, councils):
    text = visible_text(client.get("/systems/"))
    assert re.search(r"RiO .*Councils' care records contract ; London Local Service Provider contract", text)
    one = visible_text(client.get("/systems/", {"contract": "councils-care"}))
    assert "Social Care Record" in one and "Cerner Millennium" not in one
    assert client.get("/systems/", {"contract": "nope"}).status_code == 400
