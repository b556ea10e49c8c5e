"""The trust list as CSV rows: the same organisations as the table, with a status column per system."""

from collections.abc import Iterator, Sequence

from django.db.models import QuerySet

from contracts.models import System
from contracts.selectors import RevisionPair
from trusts.models import Organisation
from trusts.selectors import organisation_status_rows


def trust_csv_header(systems: Sequence[System]) -> list[str]:
    return ["ods_code", "name", "kind", "sector", "successor_ods_code", *[system.slug for system in systems]]


def trust_csv_rows(
    *, organisations: QuerySet[Organisation], pair: RevisionPair, systems: Sequence[System]
) -> Iterator[list]:
    for organisation, cells in organisation_status_rows(organisations=organisations, pair=pair):
        statuses = [cells[system.slug].status if system.slug in cells else "" for system in systems]
        yield [
            organisation.ods_code,
            organisation.name,
            organisation.kind,
            organisation.sector,
            organisation.successor_ods_code,
            *statuses,
        ]
