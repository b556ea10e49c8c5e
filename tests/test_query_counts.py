"""Every page costs the same number of queries on the seed and on ten times the seed (its footer's count of the
facts by evidence included: one query, when nothing is cached)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nhsit.lib.keyset import cursor_text
from tests.scale import london_grown_tenfold

pytestmark = pytest.mark.django_db

# Constant in the rows: pages that set the sources' figures beside the records still read a few queries per
# reported figure, and the tables' filter counts take one grouped query (the organisations list four), which on
# PostgreSQL runs in a savepoint under its time limit: four statements more there than on SQLite.
PAGES = {
    "/": 25,
    "/trusts/": 19,
    "/trusts/?kind=acute&system=cerner-millennium&outcome=unknown": 30,
    "/trusts/?status=withdrawn&page=1&sort=-identifier": 33,
    # Paged by cursor in the order asked: a page deep in the list costs what the first does.
    f"/trusts/?after={cursor_text(['M', '', 0], order='name')}": 19,
    f"/trusts/?sort=-identifier&before={cursor_text(['M', 'M', 0], order='-identifier')}": 19,
    # Sorted by a status: numbered pages, the status computed in the query that reads the page.
    "/trusts/?sort=system_london_lsp_cerner_millennium&per_page=5&page=2": 19,
    "/trusts/?contract=london-lsp&system=cerner-millennium&status=entitled&kind=acute": 30,
    # Its statuses: its rows of each contract's latest two revisions, then its live systems.
    "/trusts/RAN/": 11,
    "/systems/": 6,
    "/systems/cerner-millennium/": 19,
    "/contracts/": 3,
    "/contracts/london-lsp/": 30,
    "/contracts/london-lsp/compare/": 30,
    # One system: the matrix's organisations are its rows, already counted.
    "/contracts/london-lsp/compare/?system=cerner-millennium&outcome=unknown&kind=acute": 27,
    # The matrix paged by cursor: its page of organisations is read from where it starts, never counted.
    f"/contracts/london-lsp/compare/?after={cursor_text(['M', '', 0])}": 30,
    f"/contracts/london-lsp/compare/?system=rio&system=cerner-millennium&before={cursor_text(['M', '', 0])}": 30,
    # Its table of rows paged by cursor too, in parameters of its own.
    f"/contracts/london-lsp/compare/?rows_after={cursor_text(['M', '', 0, '', 0])}": 30,
    # Paged by cursor: the revisions in order, each one's part of the page in one query, then the page's rows;
    # and the filter counts, one grouped query.
    "/entitlements/": 15,
    "/entitlements/?contract=london-lsp&revision=ccn3&system=rio&status=entitled": 16,
    "/sources/": 9,
    "/sources/1/": 3,
    # On PostgreSQL the names holding the words typed are read first (their names, then the records kept whole:
    # two queries for whole words, two for the starts of words), and scored loose matches looked for only where
    # those are too few to fill the list.
    "/search/?q=Hospital": 10,
    "/data-quality/": 44,
    "/contracts/london-lsp/data-quality/": 42,
    "/data-quality/facts/?evidence=inferred": 17,
    "/data-quality/citations/?quote=none": 5,
    "/figures/?verdict=open": 20,
}


def queries_for(client, url: str) -> int:
    """The queries of a page served with nothing cached (its footer's counts included)."""
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code in (200, 302), (url, response.status_code)
    return len(queries)


@pytest.mark.parametrize("url, most", PAGES.items())
def test_a_page_costs_the_same_queries_on_ten_times_the_data(client, london, django_assert_max_num_queries, url, most):
    from contracts.models import Source

    url = url.replace(
        "/sources/1/", f"/sources/{Source.objects.get(key='ehi-2010-04-london-it-programme-slashed').pk}/"
    )
    on_seed = queries_for(client, url)
    london_grown_tenfold(london)
    with django_assert_max_num_queries(most):
        on_ten_times = queries_for(client, url)
    assert on_ten_times == on_seed


def test_a_grown_trust_page_costs_what_a_seeded_one_does(client, london):
    on_seed = queries_for(client, "/trusts/RAN/")
    london_grown_tenfold(london)
    assert queries_for(client, "/trusts/Z0001/") == on_seed


@pytest.mark.parametrize(
    "url",
    [
        "/trusts/?_export=csv",
        "/entitlements/?_export=csv",
        "/contracts/london-lsp/compare/?_export=csv",
        "/sources/?_export=csv",
    ],
)
def test_an_export_of_ten_times_the_rows_costs_at_most_a_query_per_chunk(client, london, url):
    london_grown_tenfold(london)
    assert queries_for(client, url) <= 12


CONTRACT_PAGES = [
    "/", "/contracts/", "/contracts/councils-care/", "/contracts/councils-care/compare/?roll_up=yes",
    "/trusts/", "/trusts/?contract=councils-care&system=rio&outcome=lost", "/trusts/GB-LAE-WSM/", "/trusts/R1H/",
    "/systems/", "/systems/rio/", "/entitlements/", "/entitlements/?contract=councils-care&revision=original",
    "/data-quality/", "/trusts/?_export=csv",
]  # fmt: skip


@pytest.mark.parametrize("url", CONTRACT_PAGES)
def test_a_page_costs_the_same_queries_with_two_contracts_and_with_ten(client, london, url):
    from tests.contracts.council import council_contract

    council_contract()
    with_two = queries_for(client, url)
    for number in range(8):
        council_contract(f"councils-care-{number}", title=f"Councils' care records contract, lot {number}")
    assert queries_for(client, url) == with_two
