"""Reading seed files, from a folder or from memory (an upload): each file parsed as TOML and checked against the
schema, its entries gathered by section with where each one is, for the messages about it."""

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from contracts.services.seed.loader import SeedError, SeedProblem
from contracts.services.seed.places import SeedText
from contracts.services.seed.sections import SECTIONS
from contracts.services.seed.validation import seed_file_validate

# tomllib's messages end with where it stopped reading: "Invalid value (at line 3, column 9)".
TOML_PLACE = re.compile(r"^(?P<message>.*?) \(at line (?P<line>\d+), column (?P<column>\d+)\)$")


@dataclass
class SeedContent:
    """Every section's entries, in the order of the files, and where each entry is (by the entry's id)."""

    sections: dict[str, list[dict]]
    places: dict[int, SeedProblem] = field(default_factory=dict)

    def place_of(self, entry: dict) -> SeedProblem:
        return self.places.get(id(entry), SeedProblem(""))


def seed_read(*, files: Mapping[str, str]) -> SeedContent:
    """The content of seed files given as name → text; every problem of every file at once as a SeedError."""
    if not files:
        raise SeedError("No seed files (*.toml) to load")
    content = SeedContent(sections={name: [] for name, _load in SECTIONS})
    problems: list[SeedProblem] = []
    for name in sorted(files):
        text = files[name]
        try:
            parsed = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            problems.append(_syntax_problem(name, error))
            continue
        found = seed_file_validate(name=name, text=text, content=parsed)
        problems += found
        if found:
            continue
        where = SeedText(text)
        for section, entries in parsed.items():
            for index, entry in enumerate(entries):
                place = where.place([section, index])
                content.places[id(entry)] = SeedProblem("", file=name, line=place.line, entry=place.entry)
            content.sections[section].extend(entries)
    if problems:
        raise SeedError(problems)
    return content


def read_seed(directory: Path) -> SeedContent:
    """The seed files (*.toml) of a dataset folder."""
    paths = sorted(directory.glob("*.toml"))
    if not paths:
        raise SeedError(f"No seed files (*.toml) in {directory}")
    return seed_read(files={path.name: path.read_text(encoding="utf-8") for path in paths})


def _syntax_problem(name: str, error: tomllib.TOMLDecodeError) -> SeedProblem:
    match = TOML_PLACE.match(str(error))
    if match is None:
        return SeedProblem(f"this is not valid TOML: {error}", file=name)
    return SeedProblem(
        f"this is not valid TOML: {match['message']} (column {match['column']})", file=name, line=int(match["line"])
    )
