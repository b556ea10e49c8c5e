"""The data-quality page: each count equals the rows its link shows, on the seed and after edits that leave facts
uncited, unsourced or cited only for an earlier value."""

import re
from decimal import ROUND_HALF_UP, Decimal
from html import unescape

import pytest

from contracts.models import Citation, Deployment, Entitlement, EvidenceGrade, Source
from contracts.selectors.facts import FACT_KINDS, Scope, fact_counts, fact_counts_by, fact_rows, narrowed
from contracts.services.reconcile import contract_figures, reported_figure_reconcile
from tests.helpers import csv_rows, shown_count, visible_text

pytestmark = pytest.mark.django_db

QUALITY_PAGES = ["/data-quality/", "/contracts/london-lsp/data-quality/"]


def linked_counts(response) -> list[tuple[str, int]]:
    """Each (link, number) of the page's content whose link text is a count."""
    html = response.content.decode().split('<footer class="site-footer">')[0]
    return [
        (unescape(url), int(number.replace(",", "")))
        for url, number in re.findall(r'<a href="([^"]+)">([\d,]+)</a>', html)
    ]


@pytest.fixture
def edited(ccn3):
    """A status changed with no new source (its old citations now support an earlier value, and nothing the new
    one), a deployment re-dated and saved unsourced with a reason, and a source nothing cites."""
    entitlement = Entitlement.objects.get(revision=ccn3, organisation__code="RV3", system__slug="rio")
    entitlement.status = "withdrawn"
    entitlement.withdrawal_reason = "Told so"
    entitlement.save()
    deployment = Deployment.objects.filter(organisation__code="RAL").first()
    deployment.go_live_on = deployment.go_live_on.replace(day=2)
    deployment.save()
    Citation.objects.create(deployment=deployment, grade=EvidenceGrade.UNSOURCED, reasoning="Heard at a conference.")
    Source.objects.create(key="never-cited", title="A source nothing cites", kind="news")
    return entitlement, deployment


@pytest.mark.parametrize("url", QUALITY_PAGES)
def test_each_count_on_the_seed_equals_the_rows_its_link_shows(client, url):
    counts = linked_counts(client.get(url))
    assert len(counts) > 40
    for link, number in counts:
        if "/systems/" in link or "/trusts/" in link and "?" not in link:
            continue
        assert shown_count(client.get(link)) == number, link


@pytest.mark.parametrize("url", QUALITY_PAGES)
def test_each_count_after_edits_equals_the_rows_its_link_shows(client, edited, url):
    counts = linked_counts(client.get(url))
    for link, number in counts:
        if "/systems/" in link or "/trusts/" in link and "?" not in link:
            continue
        assert shown_count(client.get(link)) == number, link


def test_the_seed_has_every_fact_cited_and_says_what_it_does_not_know(client, london):
    text = visible_text(client.get("/data-quality/"))
    assert f"How the {fact_counts().total:,} facts are supported" in text
    assert "uncited : with no citation for their values as they now are 0 0.0%" in text
    unknown = Entitlement.objects.filter(status="unknown").count()
    assert unknown > 0 and f"Entitlements whose status no source gives (unknown): {unknown}" in text
    figures = reported_figure_reconcile(figures=contract_figures(contract=london))
    open_figures = sum(result.verdict == "open" for result in figures)
    assert (
        open_figures >= 5 and f"Reported figures the records cannot tell (unknowns either way): {open_figures}" in text
    )


def test_an_edit_without_a_source_shows_as_uncited_and_as_citing_an_earlier_value(client, edited):
    entitlement, deployment = edited
    text = visible_text(client.get("/data-quality/"))
    assert "Facts with no citation for their values as they now are: 1" in text
    assert "Facts with a citation that supports an earlier value: 2" in text
    assert "Facts saved without a source, each with its reason: 1" in text
    uncited = visible_text(client.get("/data-quality/facts/", {"evidence": "uncited"}))
    assert "RV3: RiO under Contract Change Note 3 (CCN3): withdrawn uncited" in uncited
    unsourced = csv_rows(client.get("/data-quality/facts/", {"evidence": "unsourced", "_export": "csv"}))
    assert [(row["kind"], row["address"], row["evidence"]) for row in unsourced] == [
        ("deployment", "/trusts/RAL/#deployments", "unsourced")
    ]
    rows = csv_rows(client.get("/data-quality/citations/", {"current": "earlier", "_export": "csv"}))
    assert {row["supports"] for row in rows} >= {"RV3: RiO under Contract Change Note 3 (CCN3): withdrawn"}


def test_the_organisation_page_marks_the_uncited_status_and_keeps_the_old_citation_apart(client, edited):
    text = visible_text(client.get("/trusts/RV3/"))
    assert "withdrawn [uncited]" in text
    assert "Sources of earlier values" in text
    assert (
        "Supported RV3: RiO under Contract Change Note 3 (CCN3): withdrawn when it read: status unknown (sources do "
        "not say) (now withdrawn) stated : the source says it. “She said seven out of ten mental trusts have RiO’s "
        "mental health system"
    ) in text


def test_a_source_nothing_cites_is_counted_and_listed(client, edited):
    text = visible_text(client.get("/data-quality/"))
    idle = int(re.search(r"Sources that support nothing shown: (\d+)", text).group(1))
    listed = client.get("/sources/", {"supports": "nothing"})
    assert shown_count(listed) == idle
    assert "A source nothing cites" in visible_text(listed)


def test_the_quality_page_by_system_and_by_organisation(client):
    text = visible_text(client.get("/data-quality/"))
    unknown = Entitlement.objects.filter(system__slug="cerner-millennium", status="unknown").count()
    evidence = fact_counts_by("system")["cerner-millennium"].evidence
    graded = evidence.get("inferred", 0) + evidence.get("derived", 0)
    assert unknown and graded
    assert "By system" in text and f"Cerner Millennium {unknown} 0 0 {graded} 0" in text
    assert "By organisation" in text
    page = client.get("/data-quality/facts/", {"system": "cerner-millennium", "evidence": ["inferred", "derived"]})
    assert shown_count(page) == graded


@pytest.mark.parametrize(
    ("url", "query", "message"),
    [
        ("/data-quality/facts/", {"organisation": "ZZZ"}, "No organisation has the code “ZZZ”."),
        ("/data-quality/facts/", {"evidence": "guessed"}, "There is no evidence called ‘guessed’ here. Choose one of:"),
        ("/data-quality/facts/", {"evidnce": "uncited"}, "“evidnce” (did you mean “evidence”?) is not a filter"),
        ("/data-quality/citations/", {"grade": "maybe"}, "There is no grade called ‘maybe’ here. Choose one of:"),
        ("/data-quality/facts/", {"sort": "kind"}, "sort: “kind” is not a column this table sorts by"),
        ("/figures/", {"verdict": "wrong"}, "There is no verdict called ‘wrong’ here. Choose one of:"),
        ("/entitlements/", {"ods_code": "ZZZ"}, "No organisation has the code “ZZZ”."),
    ],
)
def test_a_bad_filter_on_a_quality_list_is_refused_with_a_message(client, url, query, message):
    page = client.get(url, query)
    assert page.status_code == 400
    assert message in visible_text(page)
    assert "No results" in visible_text(page)
    assert client.get(url, {**query, "_export": "csv"}).status_code == 400


def test_the_footer_gives_the_shares_it_computes_and_links_to_the_quality_page(client, edited):
    html = client.get("/sources/").content.decode()
    footer = visible_text_of(html.split('<footer class="site-footer">')[1])
    counts = fact_counts()
    stated, uncited = (one_place(counts.evidence.get(grade, 0) * 100 / counts.total) for grade in ("stated", "uncited"))
    assert f"Of the {counts.total:,} facts recorded here, {stated}% are stated by a source" in footer
    assert f"{uncited}% have no citation for their values as they now are" in footer
    # The shares may be a few minutes old in another process: the footer says when they were counted.
    assert re.search(r"\(counted at \d\d:\d\d on \d+ \w{3} \d{4} ?; a change is counted within five minutes\)", footer)
    assert 'href="/data-quality/"' in html.split('<footer class="site-footer">')[1]


def one_place(percent: float) -> str:
    """A share as the footer writes it: to one decimal place, without a trailing .0."""
    rounded = Decimal(str(percent)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return str(rounded.normalize()) if rounded != rounded.to_integral_value() else str(int(rounded))


def visible_text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"contract": "london-lsp"},
        {"system": "rio"},
        {"kind": "entitlement"},
        {"organisation": "RV3"},
        {"evidence": "uncited"},
        {"evidence": ["uncited", "stated"], "contract": "london-lsp"},
        {"evidence": "inferred", "system": "rio", "kind": "entitlement"},
        {"evidence": ["uncited", "inferred"], "organisation": "RV3"},
        {"earlier": "yes"},
        {"earlier": "no", "kind": "entitlement"},
        {"earlier": "yes", "evidence": "uncited", "contract": "london-lsp"},
        {"earlier": "no", "evidence": ["uncited", "stated"], "system": "rio"},
    ],
)
def test_the_facts_list_counts_every_fact_it_lists(client, edited, query):
    """The entitlements counted from the tally where the scope allows (of some evidence, the tally's less the
    cited, and the cited from themselves), the rest from their rows: the count shown, the pages and the CSV agree
    with the facts themselves."""
    scope = Scope(**{name: query[name] for name in ("contract", "system", "organisation") if name in query})
    models = [FACT_KINDS[query["kind"]]] if "kind" in query else list(FACT_KINDS.values())
    evidence = query.get("evidence")
    grades = {"evidence__in": [evidence] if isinstance(evidence, str) else evidence} if evidence else {}
    with_earlier = {"has_earlier": query["earlier"] == "yes"} if "earlier" in query else {}
    kept = {**grades, **with_earlier}
    expected = sum(
        fact_rows(model, scope=scope).filter(**kept).count() for model in models if narrowed(model, scope) is not None
    )
    assert expected
    first = client.get("/data-quality/facts/", {**query, "per_page": 500})
    assert shown_count(first) == expected
    shown = [row.record for number in range(1, -(-expected // 500) + 1) for row in page_rows(client, query, number)]
    assert len(shown) == expected == len({(type(record), record.pk) for record in shown})
    assert len(csv_rows(client.get("/data-quality/facts/", {**query, "_export": "csv"}))) == expected


def page_rows(client, query: dict, number: int) -> list:
    response = client.get("/data-quality/facts/", {**query, "per_page": 500, "page": number})
    assert response.status_code == 200
    return list(response.context["table"].page.object_list)
