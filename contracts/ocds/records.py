"""A contract's releases as an OCDS record package: the releases, the compiled release (the latest value of
every field) and the versioned release (every field's history), both merged by ocdsmerge under the merge rules
of the local, extended release schema."""

from typing import Any

import ocdsmerge  # type: ignore[import-untyped]  # no type hints shipped

from contracts.models import Contract
from contracts.ocds.releases import contract_releases, ocid, package_metadata
from contracts.ocds.schemas import extended_release_schema


def record_package(contract: Contract, *, uri: str, extension_url: str) -> dict[str, Any]:
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
