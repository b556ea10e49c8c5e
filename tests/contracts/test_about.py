"""The About page and the legends: every word the pages use for a status, an outcome, a grade or a verdict is
defined in one sentence, where it appears."""

import pytest

from contracts.models import DeliverableStatus, DeploymentStatus, EntitlementStatus, EvidenceGrade
from contracts.outcomes import Outcome
from contracts.pages.definitions import EVERY_GLOSSARY
from contracts.services.reconcile import Verdict
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db


def test_every_status_outcome_grade_and_verdict_has_a_definition():
    defined = {(glossary.key, term.code) for glossary in EVERY_GLOSSARY for term in glossary.terms}
    for key, choices in [
        ("outcomes", Outcome), ("statuses", EntitlementStatus), ("deployments", DeploymentStatus),
        ("programme-lines", DeliverableStatus), ("grades", EvidenceGrade), ("verdicts", Verdict),
    ]:  # fmt: skip
        assert {(key, code) for code in choices.values} <= defined
    assert all(term.meaning.endswith(".") for glossary in EVERY_GLOSSARY for term in glossary.terms)


def test_the_about_page_defines_the_words_and_says_how_to_cite(client):
    response = client.get("/about/")
    assert response.status_code == 200
    text = visible_text(response)
    assert "Entitled in the first revision, and withdrawn, not entitled or declined in the second." in text
    assert "No source says; shown as unknown rather than guessed." in text
    assert "How to cite a page" in text and "CC BY 4.0" in text
    assert "London Local Service Provider contract" in text


def test_the_about_page_lists_the_sources_that_support_most_first(client):
    sources = client.get("/about/").context["about"].key_sources
    counts = [source.citation_count for source in sources]
    assert counts == sorted(counts, reverse=True) and counts[0] > 1


def test_every_page_links_the_about_page(client):
    assert 'href="/about/"' in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("url", "word"),
    [
        ("/contracts/london-lsp/compare/", "Entitled in both revisions."),
        ("/trusts/RAN/", "The revision explicitly took away a system an earlier one promised."),
        ("/systems/gp-systems/", "Taken out of the contract; the quantity shown is what had been promised."),
        ("/trusts/", "No source says; shown as unknown rather than guessed."),
    ],
)
def test_a_page_defines_the_words_it_uses_in_its_legend(client, url, word):
    page = client.get(url).content.decode()
    legend = page[page.index('<details class="legend">') :]
    assert word in legend


def test_metadata_left_blank_is_not_recorded_never_unknown(client):
    text = visible_text(client.get("/trusts/RAN/"))
    assert "Sector not recorded" in " ".join(text.split()) or "not recorded" in text


def test_an_unknown_parameter_is_refused(client):
    assert client.get("/about/", {"x": "1"}).status_code == 400
