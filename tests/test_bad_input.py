"""Whatever a person types into an address or a filter, the answer is a page that says what was wrong."""

import itertools

import pytest

from tests.helpers import visible_text

pytestmark = pytest.mark.django_db

GARBAGE = [
    "",
    "nonsense",
    "0",
    "-1",
    "1e9",
    "9" * 40,
    "ÿ\u202e\u0000",
    "%00",
    "\x00",
    "' OR 1=1 --",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "<script>alert(1)</script>",
    "😀" * 50,
    "x" * 5000,
]

TABLES = {
    "/trusts/": ["q", "kind", "sector", "system", "status", "outcome", "page", "sort", "after", "before"],
    "/entitlements/": ["contract", "revision", "system", "status", "kind", "sector", "organisation", "page", "sort"],
    "/contracts/london-lsp/compare/": [
        "base",
        "target",
        "system",
        "kind",
        "sector",
        "outcome",
        "live",
        "page",
        "sort",
        "matrix_page",
        "after",
        "before",
    ],  # fmt: skip
    "/sources/": ["q", "kind", "page", "sort"],
    "/search/": ["q"],
}

PATHS = ["/trusts/{}/", "/systems/{}/", "/contracts/{}/", "/contracts/{}/compare/", "/sources/{}/"]


@pytest.mark.parametrize(
    "url, parameter", [(url, parameter) for url, parameters in TABLES.items() for parameter in parameters]
)
def test_no_filter_value_breaks_a_page(client, url, parameter):
    for value, export in itertools.product(GARBAGE, [False, True]):
        query = {parameter: value, **({"_export": "csv"} if export else {})}
        response = client.get(url, query)
        assert response.status_code in (200, 302, 400, 404), (url, parameter, value, response.status_code)
        if response.status_code != 302 and not response.streaming:
            body = response.content.decode()
            assert "Traceback" not in body
            assert "<script>alert(1)</script>" not in body


@pytest.mark.parametrize("pattern", PATHS)
def test_no_code_in_an_address_breaks_a_page(client, pattern):
    for value in GARBAGE:
        if not value or "/" in value:
            continue
        response = client.get(pattern.format(value))
        assert response.status_code in (301, 400, 404), (pattern, value, response.status_code)


def test_a_nul_character_in_an_address_is_a_bad_request(client):
    response = client.get("/trusts/R\x00N/")
    assert response.status_code == 400
    assert "NUL character" in visible_text(response)


def test_an_injected_template_is_shown_as_text_never_run(client):
    response = client.get("/trusts/", {"q": "{{ 7|add:7 }}"})
    assert "14" not in visible_text(response).split("Name or code")[0]
    assert response.status_code == 200


@pytest.mark.parametrize("number", ["²", "①", "٣", "１", "3²"])
def test_a_digit_that_is_not_an_ascii_digit_is_no_source_number(client, number):
    """str.isdigit() accepts these; int() refuses some and reads others as another number."""
    response = client.get(f"/sources/{number}/")
    assert response.status_code == 404
    assert "There is no source numbered" in visible_text(response)


@pytest.mark.parametrize("url", ["/trusts/", "/entitlements/", "/contracts/london-lsp/compare/"])
def test_a_bad_value_for_a_filter_with_no_choices_is_still_shown(client, url):
    """No organisation in the seed has a sector, so the sector filter has nothing to offer, but its error shows."""
    response = client.get(url, {"sector": "nope"})
    assert response.status_code == 400
    text = visible_text(response)
    assert "Sector Error: There is no sector called ‘nope’ here. There is nothing to choose from yet." in text
    assert "There is a problem Sector: There is no sector called ‘nope’ here." in text
    assert "/trusts/RAN/" not in response.content.decode()


@pytest.mark.parametrize(
    "url, misspelt, meant",
    [
        ("/trusts/", "sytem", "system"),
        ("/entitlements/", "revsion", "revision"),
        ("/contracts/london-lsp/compare/", "outcomes", "outcome"),
        ("/sources/", "knd", "kind"),
    ],
)
def test_an_unknown_parameter_is_refused_not_ignored(client, url, misspelt, meant):
    response = client.get(url, {misspelt: "rio"})
    text = visible_text(response)
    refused = f"“{misspelt}” (did you mean “{meant}”?) is not a filter on this page, so nothing is shown."
    assert f"No results: {refused}" in text
    assert "/trusts/RAN/" not in response.content.decode()
    export = client.get(url, {misspelt: "rio", "_export": "csv"})
    assert export.status_code == 400
    assert f"“{misspelt}” (did you mean “{meant}”?) is not a filter on this page" in export.text


@pytest.mark.parametrize(
    "url, column",
    [
        ("/trusts/", "name"),
        ("/entitlements/", "organisation"),
        ("/sources/", "title"),
        ("/contracts/london-lsp/compare/", "organisation_name"),
    ],
)
def test_the_tables_own_parameters_are_not_refused(client, url, column):
    for sort in [column, f"-{column}", ""]:
        response = client.get(url, {"page": "1", "per_page": "5", "sort": sort})
        assert response.status_code == 200
        text = visible_text(response)
        assert "is not a filter" not in text and "this table sorts by" not in text
        assert "/trusts/" in response.content.decode()


@pytest.mark.parametrize(
    "url, sort",
    [
        ("/trusts/", "nmae"),
        ("/entitlements/", "-organisation__name"),
        ("/sources/", "citations"),
        ("/contracts/london-lsp/compare/", "password"),
    ],
)
def test_a_sort_key_that_is_not_a_column_is_refused_not_ignored(client, url, sort):
    response = client.get(url, {"sort": sort})
    text = visible_text(response)
    assert f"sort: “{sort}” is not a column this table sorts by, so nothing is shown. It sorts by: " in text
    assert "/trusts/RAN/" not in response.content.decode()
    export = client.get(url, {"sort": sort, "_export": "csv"})
    assert export.status_code == 400
    assert f"“{sort}” is not a column this table sorts by" in export.text


def test_a_revision_code_from_another_contract_is_refused(client):
    from contracts.models import Revision
    from tests.contracts.factories import contract_with_revisions

    contract_with_revisions("yorkshire-lsp", ["baseline", "ccn9"])
    assert Revision.objects.filter(code="ccn9").exists()
    response = client.get("/entitlements/", {"contract": "london-lsp", "revision": "ccn9"})
    assert response.status_code == 400
    text = visible_text(response)
    london = Revision.objects.filter(contract__slug="london-lsp").visible().order_by("sequence")
    assert (
        "Revision Error: “ccn9” is not a revision of London Local Service Provider contract; its revisions are: "
        f"{', '.join(london.values_list('code', flat=True))}." in text
    )
    assert "No results" in text and "/trusts/RAN/" not in response.content.decode()
    export = client.get("/entitlements/", {"contract": "london-lsp", "revision": "ccn9", "_export": "csv"})
    assert export.status_code == 400 and "“ccn9” is not a revision of" in export.text
    assert client.get("/entitlements/", {"contract": "london-lsp", "revision": "ccn3"}).status_code == 200


@pytest.mark.parametrize("per_page", ["0", "501", "x", "²", "-5"])
def test_rows_per_page_out_of_range_is_a_bad_request(client, per_page):
    response = client.get("/entitlements/", {"per_page": per_page})
    assert response.status_code == 400
    assert "is not a number of rows per page: give a whole number from 1 to 500." in visible_text(response)


def test_rows_per_page_changes_the_page_size(client):
    response = client.get("/entitlements/", {"per_page": "10"})
    assert response.content.decode().count('href="/trusts/') >= 10
    assert "Next →" in visible_text(response)
    from contracts.models import Entitlement

    pages = -(-Entitlement.objects.filter(revision__is_published=True).count() // 10)
    assert f"page 1 of {pages}" in visible_text(client.get("/entitlements/", {"per_page": "10", "page": "1"}))


@pytest.mark.parametrize("url", ["/trusts/?nope=1", "/contracts/london-lsp/?base=nope", "/systems/?contract=nope"])
def test_a_refused_request_shows_the_sites_own_page_with_debug_on_too(client, settings, url):
    """`make run` runs with DEBUG on: a refused request shows the page production shows, not Django's debug page."""
    settings.DEBUG = True
    response = client.get(url)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Traceback" not in page and "technical" not in page.lower()
    assert '<main id="main"' in page
