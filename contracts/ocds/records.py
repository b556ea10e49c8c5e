"""A contract's releases as an OCDS record package: the releases, the compiled release (the latest value of
every field) and the versioned release (every field's history), both merged by ocdsmerge under the merge rules
of the local, extended release schema."""

from typing import Any

import ocdsmerge  # type: ignore[import-untyped]  # no type hints shipped

from contracts.models import Contract
from contracts.ocds.releases import contract_releases, ocid, package_metadata
from contracts.ocds.schemas import extended_release_schema
from contracts.selectors.entitlements import entitlement_tally

# ocdsmerge merges every release in memory at once: past this many items (an entitlement is an item of its
# revision's release) a record would take gigabytes to build, so it is refused and the release package, which is
# streamed, offered instead.
MOST_RECORD_ITEMS = 50_000


class RecordTooLarge(ValueError):
    """The contract's releases hold too many items to merge into a record in one request."""


def record_items(contract: Contract) -> int:
    """How many items the contract's published releases hold, read from the tally."""
    return sum(cell[-1] for cell in entitlement_tally() if cell[0] == contract.slug)


def record_package(contract: Contract, *, uri: str, extension_url: str) -> dict[str, Any]:
    items = record_items(contract)
    if items > MOST_RECORD_ITEMS:
        raise RecordTooLarge(
            f"{contract.title}'s releases hold {items:,} items, more than the {MOST_RECORD_ITEMS:,} a record is "
            "merged from in one request. Its release package holds every one of them, streamed."
        )
    releases = contract_releases(contract)
    package = package_metadata(uri=uri, extension_url=extension_url)
    if not releases:
        return {**package, "records": []}
    # Given the schema, ocdsmerge reads its merge rules from it instead of downloading the standard's.
    merger = ocdsmerge.Merger(schema=extended_release_schema())
    record = {
        "ocid": ocid(contract),
        "releases": releases,
        "compiledRelease": merger.create_compiled_release(releases),
        "versionedRelease": merger.create_versioned_release(releases),
    }
    return {**package, "records": [record]}
