"""Load the sourced seed data from TOML files, idempotently.

Each record is matched on its natural key (ODS code, slug, revision code...) and written only if it is new or
differs, so loading twice changes nothing. Every record cites at least one source, systems aside (their
descriptions may), or nothing is loaded; the whole load is one transaction.
"""

import tomllib
from pathlib import Path

from django.db import transaction

from contracts.models import Contract
from contracts.services.seed.loader import SeedError, SeedLoader, SeedReport
from contracts.services.seed.sections import SECTIONS
from contracts.services.synthetic import CONTRACT_SLUG as SYNTHETIC_CONTRACT

__all__ = ["SeedError", "SeedReport", "read_seed", "seed_load"]


def read_seed(directory: Path) -> dict[str, list[dict]]:
    sections: dict[str, list[dict]] = {name: [] for name, _load in SECTIONS}
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise SeedError(f"No seed files (*.toml) in {directory}")
    for path in files:
        with path.open("rb") as handle:
            try:
                content = tomllib.load(handle)
            except tomllib.TOMLDecodeError as error:
                raise SeedError(f"{path.name}: {error}") from error
        for name, entries in content.items():
            if name not in sections:
                raise SeedError(f"{path.name}: unknown section [[{name}]]")
            sections[name].extend(entries)
    return sections


def seed_load(*, directory: Path) -> SeedReport:
    """Load every *.toml file in `directory` in one transaction; on any error nothing is written."""
    if Contract.objects.filter(slug=SYNTHETIC_CONTRACT).exists():
        raise SeedError("this database holds synthetic data, which is never mixed with real data")
    sections = read_seed(directory)
    report = SeedReport()
    loader = SeedLoader(report)
    with transaction.atomic():
        for name, load in SECTIONS:
            try:
                load(loader, sections[name])
            except KeyError as error:
                raise SeedError(f"[[{name}]]: an entry lacks {error}") from error
    return report
