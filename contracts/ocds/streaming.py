"""A contract's release package written out as its rows are read: the same text as
json.dumps(release_package(...), ensure_ascii=False, indent=2), in pieces, holding a chunk of items at a time
rather than a document that at a million entitlements would take gigabytes."""

import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from itertools import groupby
from typing import Any

from contracts.models import Contract, Revision
from contracts.ocds.releases import package_metadata, published_revisions, release_outlines, revision_items

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


def _spliced(text: str, marker: str, array: Iterable[Any]) -> Iterator[str]:
    """`text` with the JSON string `marker` in it replaced by `array`, at the depth the marker's line is."""
    before, after = text.split(marker)
    line = before[before.rfind("\n") + 1 :]
    yield before
    yield from _array(array, (len(line) - len(line.lstrip(" "))) // 2)
    yield after


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
    """The release package of `contract` as UTF-8 JSON, in a fixed number of queries: the items are read as they
    are written, in one of them, and the releases are made one at a time, so that only one release's parties
    are held at once (and the deployments, in the implementation release)."""
    revisions = published_revisions(contract)
    token = f"\0{uuid.uuid4().hex}"  # in no record: the records' strings are text, never a NUL

    def marker(name: str) -> str:
        return f"{token}{name}"

    def quoted(name: str) -> str:
        return json.dumps(marker(name), ensure_ascii=False)

    releases = release_outlines(contract, revisions, items=lambda revision: marker(str(revision.pk)))
    package = {**package_metadata(uri=uri, extension_url=extension_url), "releases": marker("releases")}
    return _joined(_package_pieces(_dumped(package, 0), quoted, releases, revisions))


def _package_pieces(
    text: str, quoted: Callable[[str], str], releases: Iterable[dict[str, Any]], revisions: list[Revision]
) -> Iterator[str]:
    items = groupby(revision_items(revisions), key=lambda pair: pair[0])
    before, after = text.split(quoted("releases"))
    line = before[before.rfind("\n") + 1 :]
    level = (len(line) - len(line.lstrip(" "))) // 2
    yield before
    inner = "\n" + "  " * (level + 1)
    index = -1
    for index, release in enumerate(releases):
        yield ("," if index else "[") + inner
        written = _dumped(release, level + 1)
        # A release per revision, in order, then the implementation release.
        own = revisions[index] if index < len(revisions) else None
        if own is None or quoted(str(own.pk)) not in written:
            yield written
            continue
        revision_id, rows = next(items)
        if revision_id != own.pk:
            raise RuntimeError(f"Items of revision {revision_id} came where {own.pk}'s were expected.")
        yield from _spliced(written, quoted(str(own.pk)), (found for _revision, found in rows))
    yield "\n" + "  " * level + "]" if index >= 0 else "[]"
    yield after
