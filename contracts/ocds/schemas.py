"""The OCDS 1.1.5 schemas, read from the copies in this repository, and the release schema with this project's
extension applied: nothing is downloaded at run time."""

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMA_DIR = Path(__file__).parent / "schema" / "1.1.5"
EXTENSION_DIR = Path(__file__).parent / "extension"

# The files of the extension a package's `extensions` URL leads to, as served by contracts.views.ocds.
EXTENSION_FILES = frozenset({"extension.json", "release-schema.json", "README.md"})


def _read(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


@cache
def _standard(name: str) -> dict[str, Any]:
    return _read(SCHEMA_DIR / name)


def standard_schema(name: str) -> dict[str, Any]:
    """One of the standard's schemas as published: release-schema.json, release-package-schema.json,
    record-package-schema.json (a copy, free to change)."""
    return copy.deepcopy(_standard(name))


def extension_patch() -> dict[str, Any]:
    """The extension's release-schema.json: a JSON Merge Patch (RFC 7386) onto the release schema."""
    return _read(EXTENSION_DIR / "release-schema.json")


def merge_patch(target: Any, patch: Any) -> Any:
    """`target` with `patch` applied as RFC 7386 says: objects merge key by key, null removes, anything else
    replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


@cache
def _extended_release_schema() -> dict[str, Any]:
    return merge_patch(_standard("release-schema.json"), extension_patch())


def extended_release_schema() -> dict[str, Any]:
    """The release schema with this project's extension applied (a copy, free to change)."""
    return copy.deepcopy(_extended_release_schema())


def schema_registry(*, release_schema: dict[str, Any] | None = None) -> Registry:
    """Every local schema under its `id`, so that a `$ref` to the standard's address reads the local copy; the
    release schema given (the extended one, say) stands in for the standard's."""
    resources = []
    for name in ["release-schema.json", "release-package-schema.json", "record-package-schema.json"]:
        schema = release_schema if name == "release-schema.json" and release_schema is not None else _standard(name)
        resources.append((schema["id"], Resource.from_contents(schema, default_specification=DRAFT4)))
    return Registry().with_resources(resources)
