"""The data-quality page's counts, read from the status-pair tally and, for evidence, from the facts citations name:
they equal a recount of every fact, show an edit on the next request, and list the organisations a page at a time."""

import re

import pytest

from contracts.evidence import FACTS
from contracts.models import Citation, Entitlement, EvidenceGrade, Source
from contracts.pages import quality
from contracts.selectors.facts import (
    GROUPING,
    FactCounts,
    Scope,
    evidence_totals,
    fact_counts,
    fact_counts_by,
    fact_rows,
)
from organisations.models import Organisation
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db


def recount(scope: Scope, by: str | None = None) -> dict:
    """Every fact's evidence read row by row, as the page once counted them: {group (None without `by`): counts}."""
    grouped: dict = {}
    paths = {model: [None] for model in FACTS} if by is None else GROUPING[by]
    for model, model_paths in paths.items():
        for path in model_paths:
            for row in fact_rows(model, scope=scope).values("pk", "evidence", "has_earlier", *([path] if path else [])):
                key = row[path] if path else None
                if path and key is None:
                    continue
                grouped.setdefault(key, FactCounts(evidence={})).add(row["evidence"], 1, earlier=row["has_earlier"])
    return {key: (without_zeros(counts.evidence), counts.earlier) for key, counts in grouped.items()}


def without_zeros(evidence: dict[str, int]) -> dict[str, int]:
    return {name: number for name, number in evidence.items() if number}


def counted(grouped: dict) -> dict:
    return {key: (without_zeros(counts.evidence), counts.earlier) for key, counts in grouped.items()}


@pytest.fixture
def mixed(ccn3):
    """Facts of every evidence: one entitlement whose status changed with no new source, one cited anew as
    inferred, one saved unsourced, and a citation of an organisation."""
    changed = Entitlement.objects.get(revision=ccn3, organisation__code="RV3", system__slug="rio")
    changed.status = "withdrawn"
    changed.withdrawal_reason = "Told so"
    changed.save()
    source = Source.objects.create(key="a-note", title="A note", kind="news")
    inferred, unsourced = Entitlement.objects.filter(revision=ccn3).exclude(pk=changed.pk).order_by("pk")[:2]
    Citation.objects.filter(entitlement__in=[inferred, unsourced]).delete()
    Citation.objects.create(
        entitlement=inferred,
        source=source,
        grade=EvidenceGrade.INFERRED,
        note="By analogy.",
        reasoning="As its neighbours.",
    )
    Citation.objects.create(entitlement=unsourced, grade=EvidenceGrade.UNSOURCED, reasoning="Heard at a meeting.")
    Citation.objects.create(organisation=Organisation.objects.get(code="RAL"), source=source, note="Named.")
    return changed


@pytest.mark.parametrize("scope", [Scope(), Scope(contract="london-lsp")])
def test_the_counts_equal_a_recount_of_every_fact(mixed, scope):
    assert counted({None: fact_counts(scope=scope)}) == recount(scope)
    assert counted(fact_counts_by("system", scope=scope)) == recount(scope, "system")
    assert counted(fact_counts_by("organisation", scope=scope)) == recount(scope, "organisation")
    some = sorted(recount(scope, "organisation"))[:3]
    assert counted(fact_counts_by("organisation", scope=scope, among=some)) == {
        key: value for key, value in recount(scope, "organisation").items() if key in some
    }


def test_the_footer_counts_what_a_recount_gives(mixed):
    assert evidence_totals() == recount(Scope())[None][0]


def test_an_edit_shows_on_the_next_request(client, ccn3):
    def check(label: str) -> int:
        found = re.search(rf"{re.escape(label)}: ([\d,]+)", visible_text(client.get("/data-quality/")))
        assert found, label
        return int(found.group(1).replace(",", ""))

    unknown, uncited = (
        check("Entitlements whose status no source gives (unknown)"),
        check("Facts with no citation for their values as they now are"),
    )
    entitlement = Entitlement.objects.filter(revision=ccn3).exclude(status="unknown").order_by("pk").first()
    entitlement.status = "unknown"
    entitlement.save()
    assert check("Entitlements whose status no source gives (unknown)") == unknown + 1
    assert check("Facts with no citation for their values as they now are") == uncited + 1

    Citation.objects.create(entitlement=entitlement, grade=EvidenceGrade.UNSOURCED, reasoning="Asked the trust.")
    assert check("Facts with no citation for their values as they now are") == uncited
    assert check("Facts saved without a source, each with its reason") >= 1

    entitlement.delete()
    assert check("Entitlements whose status no source gives (unknown)") == unknown


def organisation_names(response) -> list[str]:
    section = response.content.decode().split('id="by-organisation"')[1].split("</table>")[0]
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>', section)


def test_the_organisations_come_a_page_at_a_time(client, monkeypatch):
    monkeypatch.setattr(quality, "ORGANISATIONS_PER_PAGE", 5)
    everyone = [f"{organisation.name} ({organisation.identifier})" for organisation in
                Organisation.objects.order_by("name", "code")]  # fmt: skip
    first = client.get("/data-quality/")
    assert organisation_names(first) == everyone[:5]
    assert f"Organisations 1 to 5 of {len(everyone)}, by name." in visible_text(first)
    assert 'rel="next" href="?page=2#by-organisation"' in first.content.decode()
    second = client.get("/data-quality/", {"page": "2"})
    assert organisation_names(second) == everyone[5:10]
    last = (len(everyone) + 4) // 5
    assert organisation_names(client.get("/data-quality/", {"page": str(last)})) == everyone[(last - 1) * 5 :]


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ({"page": "9999"}, 404, "There is no page 9999: the organisations fill"),
        ({"page": "two"}, 404, "“two” is not a page number."),
        ({"sort": "name"}, 400, "“sort”: this page takes only “page”"),
    ],
)
def test_a_page_that_does_not_exist_or_a_parameter_it_does_not_take_is_refused(client, query, status, message):
    for url in ["/data-quality/", "/contracts/london-lsp/data-quality/"]:
        page = client.get(url, query)
        assert page.status_code == status
        assert message in visible_text(page)
