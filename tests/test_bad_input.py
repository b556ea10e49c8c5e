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
    "/trusts/": ["q", "kind", "sector", "system", "status", "outcome", "page", "sort"],
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
    assert "14" not in visible_text(response).split("Name or ODS code")[0]
    assert response.status_code == 200
