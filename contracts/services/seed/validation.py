"""Every seed file checked against the seed's JSON Schema (schema.json, described in docs/seed-format.md), each
problem said in words a data editor understands, with the file, the line and the entry it is in."""

import datetime
import difflib
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

from contracts.services.seed.loader import SeedProblem
from contracts.services.seed.places import SeedText

SCHEMA_PATH = Path(__file__).with_name("schema.json")
REQUIRED_MESSAGE = re.compile(r"^'(?P<name>[^']+)' is a required property$")

# What a JSON type is called in a TOML file.
TYPE_WORDS = {
    "string": "text (in quotes)",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a table",
}


@cache
def seed_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text())


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(seed_schema())


def seed_file_validate(*, name: str, text: str, content: dict[str, Any]) -> list[SeedProblem]:
    """What is wrong with one parsed seed file, by the schema; empty when nothing is."""
    where = SeedText(text)
    problems = []
    for error in sorted(_validator().iter_errors(content), key=lambda error: [str(part) for part in error.path]):
        for path, rule in _in_words(error):
            place = where.place(path)
            problems.append(SeedProblem(rule, file=name, line=place.line, entry=place.entry))
    return sorted(problems, key=lambda problem: problem.line or 0)


def _in_words(error: SchemaError) -> list[tuple[list[str | int], str]]:
    """Each problem the error stands for: the path to it and the rule it breaks, in words."""
    path: list[str | int] = list(error.absolute_path)
    value = error.instance
    key = next((part for part in reversed(path) if isinstance(part, str)), "")
    schema = error.schema if isinstance(error.schema, dict) else {}
    described = schema.get("description", "")
    kind = error.validator
    if kind == "additionalProperties":
        known = list(schema.get("properties", {}))
        extras = sorted(name for name in value if name not in known)
        if not path:
            return [([name], f"unknown section [[{name}]]{_did_you_mean(name, known)}") for name in extras]
        table = _table_of(path)
        return [([*path, name], f"'{name}' is not a key of {table}{_did_you_mean(name, known)}") for name in extras]
    if kind == "required":
        # One error per missing key, its name first in the library's message ("'kind' is a required property").
        named = REQUIRED_MESSAGE.match(error.message)
        missing = [named["name"]] if named else [name for name in error.validator_value if name not in value]
        # A conditional rule (an inferred citation's reasoning, say) says why; a table's own description does not.
        why = described if "type" not in schema else ""
        return [(path, _required(name, path, why)) for name in missing]
    if kind == "type":
        if len(path) == 1:
            return [(path, f"[[{key}]] should be a list of tables, each under its own [[{key}]] header")]
        expected = error.validator_value
        wanted = " or ".join(
            TYPE_WORDS.get(name, name) for name in ([expected] if isinstance(expected, str) else expected)
        )
        return [(path, f"{_named(path)} should be {wanted}, not {_what(value)}")]
    if kind in ("enum", "const"):
        allowed = error.validator_value if kind == "enum" else [error.validator_value]
        choices = ", ".join(str(choice) for choice in allowed)
        hint = _did_you_mean(value, [str(choice) for choice in allowed]) if isinstance(value, str) else ""
        return [(path, f"{_named(path)} is {_shown(value)}, which is not one of: {choices}{hint}")]
    if kind == "pattern":
        return [(path, f"{_named(path)} is {_shown(value)}, which is not {described or 'in the expected form'}")]
    if kind == "maxLength":
        return [(path, f"{_named(path)} is {len(value)} characters long; at most {error.validator_value} are kept")]
    if kind == "minLength":
        return [(path, f"{_named(path)} is empty{f': {described}' if described else ''}")]
    if kind == "minimum":
        return [(path, f"{_named(path)} is {value}; it should be {error.validator_value} or more")]
    if kind == "minItems":
        if key == "cite":
            return [(path, f"'cite' lists no citation: this fact cites no source ({described})")]
        return [(path, f"{_named(path)} lists nothing; it needs at least {error.validator_value}")]
    if kind == "dependentRequired":
        needed = error.validator_value
        pairs = [(name, needs) for name, needs in needed.items() if name in value]
        return [
            (path, f"'{name}' needs '{other}' beside it")
            for name, needs in pairs
            for other in needs
            if other not in value
        ]
    if kind in ("anyOf", "oneOf") and described:
        return [(path, described)]
    return [(path, error.message)]


def _required(name: str, path: list[str | int], described: str) -> str:
    if name == "cite":
        return (
            f"'cite' is required: this fact cites no source (every fact cites one: add a [[{_table_name(path)}.cite]] "
            "with its source, its words or a note, and its grade)"
        )
    if name == "grade":
        return "'grade' is required: a citation needs a grade: stated, inferred or derived"
    return f"'{name}' is required{f': {described}' if described else ''}"


def _table_name(path: list[str | int]) -> str:
    return ".".join(part for part in path if isinstance(part, str))


def _table_of(path: list[str | int]) -> str:
    return f"[[{_table_name(path)}]]"


def _named(path: list[str | int]) -> str:
    """A key by its name; an item of a list by its place in it."""
    if path and isinstance(path[-1], int) and len(path) >= 2 and isinstance(path[-2], str):
        return f"item {path[-1] + 1} of '{path[-2]}'"
    return f"'{next((part for part in reversed(path) if isinstance(part, str)), '')}'"


def _what(value: object) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, datetime.date | datetime.time):
        return f'a bare date or time ({value}): write it in quotes, e.g. "2010-04-13"'
    if isinstance(value, str):
        return f"text ({_shown(value)})"
    if isinstance(value, int):
        return f"a whole number ({value})"
    if isinstance(value, float):
        return f"a number ({value})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _shown(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else f"{text[:77]}…"


def _did_you_mean(name: object, known: list[str]) -> str:
    close = difflib.get_close_matches(str(name), known, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
