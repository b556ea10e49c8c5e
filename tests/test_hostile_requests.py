"""Thousands of generated requests, hostile and malformed, across every public URL: none breaks a page.

How many: the Hypothesis profile in tests/conftest.py (300 locally, 2,000 in CI)."""

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

PATHS = [
    "/", "/trusts/", "/trusts/{code}/", "/systems/", "/systems/{code}/", "/contracts/", "/contracts/{code}/",
    "/contracts/{code}/compare/", "/contracts/london-lsp/compare/", "/entitlements/", "/sources/", "/sources/{code}/",
    "/search/",
]  # fmt: skip
PARAMETERS = [
    "q", "kind", "sector", "system", "status", "outcome", "page", "sort", "base", "target", "live", "contract",
    "revision", "organisation", "matrix_page", "_export", "per_page", "after", "before",
]  # fmt: skip
KNOWN = [
    "RAN", "ran", "RJ7", "london-lsp", "ccn3", "original", "cerner-millennium", "rio", "acute", "lost", "kept",
    "withdrawn", "yes", "no", "csv", "-identifier", "name", "1", "2",
]  # fmt: skip
HOSTILE = [
    "' OR '1'='1", "1; DROP TABLE contracts_entitlement; --", "{{ settings.SECRET_KEY }}", "{% debug %}",
    "<script>alert(1)</script>", "../../etc/passwd", "%00", "\u202e", "9" * 30, "-1", "0", "1e308", "NaN",
    "__proto__", "😀" * 20, "x" * 3000, "=HYPERLINK(\"http://x\")",
]  # fmt: skip

values = st.one_of(
    st.sampled_from(KNOWN),
    st.sampled_from(HOSTILE),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=60),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)
codes = st.one_of(
    st.sampled_from(KNOWN),
    st.sampled_from([value for value in HOSTILE if "/" not in value and "%" not in value]),
    st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="/\x00?#"), min_size=1, max_size=40
    ),
)


@st.composite
def requests(draw):
    path = draw(st.sampled_from(PATHS)).format(code=draw(codes))
    query = draw(st.lists(st.tuples(st.sampled_from(PARAMETERS), values), max_size=5))
    return path, query


@given(request=requests())
def test_no_generated_request_gets_a_server_error(request):
    path, query = request
    client = Client(raise_request_exception=False)
    response = client.get(path, {name: [value for key, value in query if key == name] for name, _ in query})
    assert response.status_code < 500, (path, query, response.status_code)
    if not response.streaming:
        body = response.content.decode("utf-8", errors="replace")
        assert "Traceback" not in body
        assert "<script>alert(1)</script>" not in body
    else:
        b"".join(response.streaming_content)
