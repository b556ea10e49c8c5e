"""A contract's release package written out as its rows are read: the same text as
json.dumps(release_package(...), ensure_ascii=False, indent=2), in pieces, holding a chunk of items at a time
rather than a document that at a million entitlements would take gigabytes."""

import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, groupby
from typing import Any

from contracts.models import Contract, Revision
from contracts.ocds.releases import (
    contract_deployments,
    deployment_parties,
    milestone,
    organisation_party,
    package_metadata,
    published_revisions,
    release_outlines,
    revision_items,
    revision_parties,
    supplier_party,
)

# Rows are read this many at a time.
CHUNK_SIZE = 2000

# Pieces are joined to about this many characters before they are sent.
PIECE_SIZE = 64 * 1024


def _dumped(value: Any, level: int) -> str:
    """`value` as json.dumps(indent=2) writes it `level` deep: every line but the first indented so far. (Its
    strings hold no newline of their own: JSON escapes them.)"""
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * level)


def _array(elements: Iterable[Any], level: int) -> Iterator[str]:
    """A JSON array `level` deep, as json.dumps(indent=2) writes it, one element at a time."""
    inner = "\n" + "  " * (level + 1)
    opened = False
    for element in elements:
        yield ("," if opened else "[") + inner + _dumped(element, level + 1)
        opened = True
    yield "\n" + "  " * level + "]" if opened else "[]"


def _level(before: str) -> int:
    """How deep the line that `before` ends in is."""
    line = before[before.rfind("\n") + 1 :]
    return (len(line) - len(line.lstrip(" "))) // 2


def _spliced(text: str, arrays: list[tuple[str, Iterable[Any]]]) -> Iterator[str]:
    """`text` with each JSON string marker in `arrays` (in the order they appear) replaced by its array, at the
    depth of the marker's line."""
    for marker, array in arrays:
        before, text = text.split(marker)
        yield before
        yield from _array(array, _level(before))
    yield text


def _joined(pieces: Iterable[str]) -> Iterator[bytes]:
    waiting: list[str] = []
    size = 0
    for piece in pieces:
        waiting.append(piece)
        size += len(piece)
        if size >= PIECE_SIZE:
            yield "".join(waiting).encode()
            waiting, size = [], 0
    if waiting:
        yield "".join(waiting).encode()


def release_package_json(contract: Contract, *, uri: str, extension_url: str) -> Iterator[bytes]:
    """The release package of `contract` as UTF-8 JSON. The releases are made one at a time, and each one's
    parties and items are read as they are written, a chunk at a time: a query for the items of every revision,
    one for each revision's parties, and a fixed number besides."""
    revisions = published_revisions(contract)
    token = f"\0{uuid.uuid4().hex}"  # in no record: the records' strings are text, never a NUL

    def marker(name: str) -> str:
        return f"{token}{name}"

    releases = release_outlines(
        contract,
        revisions,
        parties=lambda revision: marker(f"parties-{revision.pk}"),
        items=lambda revision: marker(f"items-{revision.pk}"),
        implementation={"parties": lambda: marker("deployed"), "milestones": lambda: marker("milestones")},
    )
    package = {**package_metadata(uri=uri, extension_url=extension_url), "releases": marker("releases")}
    return _joined(_package_pieces(contract, _dumped(package, 0), marker, releases, revisions))


def _package_pieces(
    contract: Contract,
    text: str,
    marker: Callable[[str], str],
    releases: Iterable[dict[str, Any]],
    revisions: list[Revision],
) -> Iterator[str]:
    def quoted(name: str) -> str:
        return json.dumps(marker(name), ensure_ascii=False)

    items = groupby(revision_items(revisions), key=lambda pair: pair[0])
    before, after = text.split(quoted("releases"))
    level = _level(before)
    yield before
    inner = "\n" + "  " * (level + 1)
    index = -1
    for index, release in enumerate(releases):
        yield ("," if index else "[") + inner
        written = _dumped(release, level + 1)
        # A release per revision, in order, then the implementation release.
        if index >= len(revisions):
            deployed = deployment_parties(contract).iterator(chunk_size=CHUNK_SIZE)
            deployments = contract_deployments(contract).iterator(chunk_size=CHUNK_SIZE)
            yield from _spliced(
                written,
                [
                    (quoted("deployed"), map(organisation_party, deployed)),
                    (quoted("milestones"), map(milestone, deployments)),
                ],
            )
            continue
        own = revisions[index]
        parties = chain([supplier_party(contract.supplier)], map(organisation_party, revision_parties(own)))
        arrays: list[tuple[str, Iterable[Any]]] = [(quoted(f"parties-{own.pk}"), parties)]
        if quoted(f"items-{own.pk}") in written:
            revision_id, rows = next(items)
            if revision_id != own.pk:
                raise RuntimeError(f"Items of revision {revision_id} came where {own.pk}'s were expected.")
            arrays.append((quoted(f"items-{own.pk}"), (found for _revision, found in rows)))
        yield from _spliced(written, arrays)
    yield "\n" + "  " * level + "]" if index >= 0 else "[]"
    yield after
