"""Which way imports run (STYLE.md): nhsit/lib ← organisations ← contracts, and inside contracts models ←
selectors ← services ← pages ← everything that answers a request. Checked on every module's own import lines, so
a new module that breaks the rule fails here, not in review."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# A module under the first prefix may not import anything under the others.
RULES = [
    ("nhsit.lib", ["contracts", "organisations", "nhsit.settings", "nhsit.urls", "nhsit.errors", "nhsit.admin"]),
    ("organisations", ["contracts"]),
    ("contracts.models", ["contracts.selectors", "contracts.services", "contracts.pages", "contracts.views",
                          "contracts.admin", "contracts.filters", "contracts.tables", "contracts.exports"]),
    ("contracts.selectors", ["contracts.services", "contracts.pages", "contracts.views", "contracts.admin",
                             "contracts.filters", "contracts.tables", "contracts.exports"]),
    ("contracts.services", ["contracts.pages", "contracts.views", "contracts.admin", "contracts.filters",
                            "contracts.tables", "contracts.exports", "contracts.templatetags"]),
    ("contracts.pages", ["contracts.views", "contracts.admin", "contracts.filters", "contracts.tables",
                         "contracts.exports", "contracts.templatetags"]),
    ("contracts.ocds", ["contracts.views", "contracts.admin", "contracts.feeds"]),
]  # fmt: skip


def modules() -> list[tuple[str, Path]]:
    found = []
    for package in ["nhsit", "organisations", "contracts"]:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
                found.append((name, path))
    return found


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


@pytest.mark.parametrize(("module", "path"), modules(), ids=lambda value: str(value) if isinstance(value, str) else "")
def test_imports_run_one_way(module, path):
    for layer, forbidden in RULES:
        if within(module, layer):
            wrong = sorted(name for name in imported(path) for prefix in forbidden if within(name, prefix))
            assert not wrong, f"{module} ({layer}) imports {wrong}"


def test_the_organisation_register_knows_nothing_of_contracts():
    assert not [name for name, path in modules() if within(name, "organisations") and "contracts" in path.read_text()]
