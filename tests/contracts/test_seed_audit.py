"""The audit rules every dataset folder under fixtures/ passes: each quote is in its source's stored text, each ODS
code is in a list a citation names, each graded citation says how, each flag is sourced or left blank.

The source texts are `texts/<source key>.txt` beside the seed files: the passages of each source, as it gives them.
"""

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from contracts.services.seed import read_seed

DATASETS = sorted(path for path in Path(settings.SEED_DIR).iterdir() if path.is_dir())

# What differs between a source's typography and a quote typed from it, and nothing else.
SAME_CHARACTERS = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})
ELISION = re.compile(r"\s*(?:…|\.\.\.)\s*")
FLAG_WORDS = {"is_foundation_trust": "foundation trust", "is_teaching": "teaching"}


def comparable(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(SAME_CHARACTERS)
    return " ".join(text.split())


@dataclass(frozen=True)
class Cited:
    """One citation in a seed file, and the entry it is given for."""

    dataset: str
    section: str
    entry: dict
    cite: dict

    def __str__(self) -> str:
        name = next((str(self.entry[key]) for key in ("key", "code", "slug", "statement") if key in self.entry), "")
        return f"{self.dataset} {self.section} {name[:60]} ← {self.cite['source']}"


def sections_of(dataset: Path) -> dict[str, list[dict]]:
    return read_seed(dataset).sections


def citations_of(dataset: Path) -> list[Cited]:
    return [
        Cited(dataset.name, section, entry, cite)
        for section, entries in sections_of(dataset).items()
        for entry in entries
        for cite in entry.get("cite", [])
    ]


def source_text(dataset: Path, key: str) -> str | None:
    path = dataset / "texts" / f"{key}.txt"
    return comparable(path.read_text(encoding="utf-8")) if path.exists() else None


def quote_found(quote: str, text: str) -> bool:
    """Whether the quote's parts (split at each elision) are all in the text, in order."""
    at = 0
    for part in ELISION.split(comparable(quote)):
        if not part:
            continue
        found = text.find(part, at)
        if found < 0:
            return False
        at = found + len(part)
    return True


EVERY_CITATION = [cited for dataset in DATASETS for cited in citations_of(dataset)]


def test_there_are_datasets_and_citations_to_audit():
    assert [dataset.name for dataset in DATASETS if dataset.name == "london_lsp"] == ["london_lsp"]
    assert len(EVERY_CITATION) > 150


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda path: path.name)
def test_every_quote_is_found_in_its_sources_text(dataset):
    missing_text, not_found = [], []
    for cited in citations_of(dataset):
        if not cited.cite.get("quote"):
            continue
        text = source_text(dataset, cited.cite["source"])
        if text is None:
            missing_text.append(str(cited))
        elif not quote_found(cited.cite["quote"], text):
            not_found.append(f"{cited}: {cited.cite['quote'][:80]}")
    assert missing_text == [], "quoted sources without texts/<key>.txt"
    assert not_found == [], "quotes not found in their source's text"


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda path: path.name)
def test_every_ods_code_is_in_a_list_its_organisation_cites(dataset):
    sections = sections_of(dataset)
    lists = {source["key"] for source in sections["source"] if source.get("kind") == "dataset"}
    unlisted = []
    for organisation in sections["organisation"]:
        if organisation.get("scheme", "GB-NHS") != "GB-NHS":
            continue
        code = organisation["code"]
        row_with_code = re.compile(rf"(?:^|[\s,;\"'|:]){re.escape(code)}(?:$|[\s,;\"'|])", re.MULTILINE)
        cited_lists = [cite["source"] for cite in organisation.get("cite", []) if cite["source"] in lists]
        texts = [(dataset / "texts" / f"{key}.txt") for key in cited_lists]
        if not any(path.exists() and row_with_code.search(path.read_text(encoding="utf-8")) for path in texts):
            unlisted.append(f"{code} (cites lists {cited_lists or 'none'})")
    assert unlisted == []


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda path: path.name)
def test_every_inferred_or_derived_citation_says_how(dataset):
    silent = [
        str(cited)
        for cited in citations_of(dataset)
        if cited.cite["grade"] in ("inferred", "derived") and len(cited.cite.get("reasoning", "").split()) < 4
    ]
    assert silent == []


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda path: path.name)
def test_every_derived_figure_names_the_numbers_it_is_computed_from(dataset):
    unnamed = [
        str(cited)
        for cited in citations_of(dataset)
        if cited.cite["grade"] == "derived" and len(re.findall(r"\d", cited.cite.get("reasoning", ""))) < 2
    ]
    assert unnamed == []


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda path: path.name)
def test_every_flag_is_sourced_or_left_blank(dataset):
    unsourced = []
    for organisation in sections_of(dataset)["organisation"]:
        for flag, words in FLAG_WORDS.items():
            if flag not in organisation:
                continue
            said = " ".join(
                f"{cite.get('quote', '')} {cite.get('note', '')}".lower() for cite in organisation.get("cite", [])
            )
            if words not in said:
                unsourced.append(f"{organisation['code']} {flag}")
    assert unsourced == []


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda path: path.name)
def test_the_seed_grades_nothing_unsourced(dataset):
    assert [str(cited) for cited in citations_of(dataset) if cited.cite["grade"] == "unsourced"] == []


def test_the_quote_check_finds_elided_quotes_and_refuses_altered_ones():
    text = comparable("BT said: “It’s the end – of the programme”, and left.")
    assert quote_found("It's the end - of the programme", text)
    assert quote_found("BT said: … and left.", text)
    assert not quote_found("It's the end of the programme", text)
    assert not quote_found("and left … BT said", text)


SOURCE_NUMBER = re.compile(r"\[\d+[a-z]?\]")
PUBLIC_TEXT = ("notes", "description", "summary", "value_note")


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda path: path.name)
def test_public_text_reads_for_a_reader_without_research_markers(dataset):
    """Notes and descriptions are shown on the pages: source numbers of the research notes ("[43]") and paths of
    the stored texts belong in citations, not in what a reader sees."""
    marked = [
        f"{section} {entry.get('key') or entry.get('code') or entry.get('slug')}: {name}"
        for section, entries in sections_of(dataset).items()
        for entry in entries
        for name in PUBLIC_TEXT
        if isinstance(entry.get(name), str) and (SOURCE_NUMBER.search(entry[name]) or "texts/" in entry[name])
    ]
    assert marked == []
