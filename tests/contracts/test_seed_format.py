"""The seed format: its JSON Schema accepts the real seed, agrees with the models and the loader, and every
problem is named with its file, line and rule."""

import json
import tomllib

import pytest
from jsonschema import Draft202012Validator

from contracts.models import Deliverable, Deployment, Entitlement, ReportedFigure, Source, System
from contracts.services.seed import SeedError, seed_load, seed_read
from contracts.services.seed.sections import SECTIONS
from contracts.services.seed.validation import SCHEMA_PATH
from organisations.models import LocalSystem, Organisation
from tests.conftest import LONDON_SEED

SCHEMA = json.loads(SCHEMA_PATH.read_text())
FIXTURES = sorted(LONDON_SEED.glob("*.toml"))


def problems_of(files: dict[str, str]) -> list[str]:
    with pytest.raises(SeedError) as raised:
        seed_read(files=files)
    return [str(problem) for problem in raised.value.problems]


def test_the_schema_is_a_valid_draft_2020_12_schema():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda path: path.name)
def test_the_schema_accepts_every_file_of_the_real_seed(path):
    errors = list(Draft202012Validator(SCHEMA).iter_errors(tomllib.loads(path.read_text())))
    assert [error.message for error in errors] == []


def test_the_schema_knows_exactly_the_sections_the_loader_reads():
    assert set(SCHEMA["properties"]) == {name for name, _load in SECTIONS}


@pytest.mark.parametrize(
    ("definition", "key", "field"),
    [
        ("source", "kind", Source._meta.get_field("kind")),
        ("system", "scope", System._meta.get_field("scope")),
        ("local_system", "status", LocalSystem._meta.get_field("status")),
        ("deliverable", "status", Deliverable._meta.get_field("status")),
        ("deployment", "status", Deployment._meta.get_field("status")),
        ("reported_figure", "measure", ReportedFigure._meta.get_field("measure")),
        ("reported_figure", "outcome", ReportedFigure._meta.get_field("outcome")),
    ],
)
def test_the_schemas_choices_are_the_models(definition, key, field):
    assert SCHEMA["$defs"][definition]["properties"][key]["enum"] == [value for value, _label in field.choices]


def test_the_schemas_statuses_and_qualifiers_are_the_models():
    statuses = [value for value, _label in Entitlement._meta.get_field("status").choices]
    qualifiers = [value for value, _label in Deliverable._meta.get_field("quantity_qualifier").choices]
    assert SCHEMA["$defs"]["entitlement_status"]["enum"] == statuses
    assert SCHEMA["$defs"]["qualifier"]["enum"] == qualifiers


def test_the_seed_read_from_memory_loads_as_from_its_folder(db):
    files = {path.name: path.read_text() for path in FIXTURES}
    report = seed_load(files=files)
    assert report.changed == 0
    assert report.unchanged["entitlements"] == Entitlement.objects.filter(revision__contract__slug="london-lsp").count()


BAD_ORGANISATIONS = """# Two organisations, the second lacking its kind.
[[organisation]]
code = "ZZZ1"
name = "A trust"
kind = "acute"
  [[organisation.cite]]
  source = "ehi-2010-04-london-it-programme-slashed"
  note = "test"
  grade = "stated"

[[organisation]]
code = "ZZZ2"
name = "Another trust"
is_teaching = "no"
  [[organisation.cite]]
  source = "ehi-2010-04-london-it-programme-slashed"
  grade = "inferred"
"""


def test_each_problem_names_its_file_line_entry_and_rule():
    problems = problems_of({"organisations.toml": BAD_ORGANISATIONS})
    assert "organisations.toml line 11: [[organisation]] entry 2: 'kind' is required" in problems
    assert (
        "organisations.toml line 14: [[organisation]] entry 2: 'is_teaching' should be true or false, not text (\"no\")"
    ) in problems
    assert (
        "organisations.toml line 15: [[organisation]] entry 2, [[organisation.cite]] 1: 'reasoning' is required: "
        "an inferred or derived citation says how, in 'reasoning'"
    ) in problems


def test_a_misspelt_key_or_section_is_refused_with_what_was_meant():
    text = (
        '[[suplier]]\nslug = "x"\nname = "X"\n\n'
        '[[system]]\nslug = "x"\nname = "X"\nscope = "per_organisation"\nvendr = "x"\n'
    )
    problems = problems_of({"systems.toml": text})
    assert "systems.toml line 1: [[suplier]]: unknown section [[suplier]] (did you mean 'supplier'?)" in problems
    assert (
        "systems.toml line 9: [[system]] entry 1: 'vendr' is not a key of [[system]] (did you mean 'vendor'?)"
        in problems
    )


def test_a_value_not_among_the_choices_lists_them():
    text = '[[system]]\nslug = "x"\nname = "X"\nscope = "per_trust"\n'
    (problem,) = problems_of({"systems.toml": text})
    assert problem == (
        "systems.toml line 4: [[system]] entry 1: 'scope' is \"per_trust\", which is not one of: per_organisation, "
        "programme_wide"
    )


def test_a_bare_date_is_refused_in_words():
    text = '[[source]]\nkey = "x"\ntitle = "X"\nkind = "report"\npublished = 2010-04-13\n'
    (problem,) = problems_of({"sources.toml": text})
    assert problem.startswith("sources.toml line 5: [[source]] entry 1: 'published' should be text (in quotes)")
    assert 'write it in quotes, e.g. "2010-04-13"' in problem


def test_a_toml_syntax_error_names_its_line():
    (problem,) = problems_of({"sources.toml": '[[source]]\nkey = "x"\ntitle = "unclosed\n'})
    assert problem.startswith("sources.toml line 3: this is not valid TOML:")


def test_a_fact_without_a_citation_says_it_cites_no_source():
    text = '[[succession]]\npredecessor = "RG2"\nsuccessor = "RYQ"\n'
    (problem,) = problems_of({"successions.toml": text})
    assert problem.startswith("successions.toml line 1: [[succession]] entry 1: 'cite' is required: this fact cites")


def test_what_only_the_loader_can_check_is_named_with_its_place_too(db):
    files = {path.name: path.read_text() for path in FIXTURES}
    files["zz-extra.toml"] = (
        '\n[[organisation]]\ncode = "ZZZ9"\nname = "Cited from nowhere"\nkind = "acute"\n'
        '  [[organisation.cite]]\n  source = "no-such-source"\n  note = "test"\n  grade = "stated"\n'
    )
    with pytest.raises(SeedError) as raised:
        seed_load(files=files)
    assert str(raised.value).startswith("zz-extra.toml line 2: [[organisation]] entry 1: No source with")
    assert not Organisation.objects.filter(code="ZZZ9").exists()
