"""Where an entry of a seed file is, by line: tomllib gives no line numbers, so they are found in the file's text.

The n-th entry of a section starts at the n-th `[[section]]` header; a citation inside it at its own
`[[section.cite]]` header; a key at the line that assigns it, within its table.
"""

import re
from dataclasses import dataclass

HEADER = re.compile(r"""^[ \t]*\[\[[ \t]*([^\]\n]+?)[ \t]*\]\][ \t]*(?:#.*)?$""")


def _table_name(header: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in header.split("."))


@dataclass(frozen=True)
class Place:
    line: int | None
    entry: str


class SeedText:
    """One seed file's text, read for the lines of its entries and keys."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.headers = [
            (number, _table_name(match.group(1)))
            for number, line in enumerate(self.lines, start=1)
            if (match := HEADER.match(line))
        ]

    def section_line(self, section: str) -> int | None:
        """The first line of a section: its first header, or where it is assigned as an array."""
        for number, name in self.headers:
            if name == section:
                return number
        return self._key_line(section, 1, len(self.lines) + 1)

    def place(self, path: list[str | int]) -> Place:
        """The line and the name of what `path` (section, entry index, key, citation index, key...) points to."""
        if not path or not isinstance(path[0], str):
            return Place(None, "")
        section = path[0]
        if len(path) < 2 or not isinstance(path[1], int):
            return Place(self.section_line(section), f"[[{section}]]")
        index = path[1]
        entry = f"[[{section}]] entry {index + 1}"
        start, end = self._table(section, index, 1, len(self.lines) + 1)
        if start is None:
            return Place(self.section_line(section), entry)
        line = start
        rest = path[2:]
        table = section
        while rest and isinstance(rest[0], str):
            key = rest[0]
            if len(rest) >= 2 and isinstance(rest[1], int):
                sub_start, sub_end = self._table(f"{table}.{key}", rest[1], start + 1, end)
                if sub_start is not None:
                    entry += f", [[{table}.{key}]] {rest[1] + 1}"
                    table, start, end, line = f"{table}.{key}", sub_start, sub_end, sub_start
                    rest = rest[2:]
                    continue
            line = self._key_line(key, start + 1, self._first_subtable(start + 1, end)) or line
            break
        return Place(line, entry)

    def _table(self, name: str, index: int, start: int, end: int) -> tuple[int | None, int]:
        """The first line of the index-th table headed [[name]] between lines start and end, and the line its
        contents end before (the next header that is not one of its own sub-tables)."""
        found = [number for number, header in self.headers if header == name and start <= number < end]
        if index >= len(found):
            return None, end
        first = found[index]
        after = next(
            (
                number
                for number, header in self.headers
                if number > first and number < end and not header.startswith(f"{name}.")
            ),
            end,
        )
        return first, after

    def _first_subtable(self, start: int, end: int) -> int:
        return next((number for number, _name in self.headers if start <= number < end), end)

    def _key_line(self, key: str, start: int, end: int) -> int | None:
        pattern = re.compile(rf"""^[ \t]*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')[ \t]*=""")
        for number in range(start, min(end, len(self.lines) + 1)):
            if pattern.match(self.lines[number - 1]):
                return number
        return None
