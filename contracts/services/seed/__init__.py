"""Load the sourced seed data from TOML files, idempotently.

Each record is matched on its natural key (ODS code, slug, revision code...) and written only if it is new or
differs, so loading twice changes nothing. Every file is checked against the seed's schema (schema.json,
docs/seed-format.md) before anything is loaded. Every record cites at least one source, systems aside (their
descriptions may), or nothing is loaded; the whole load is one transaction. The same load serves a dataset folder
(load_seed), files uploaded in the admin and the tests; a preview is the load, rolled back.
"""

from collections.abc import Iterator, Mapping
from pathlib import Path

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import DatabaseError, transaction

from contracts.models import Contract
from contracts.services.seed.guard import upload_guard
from contracts.services.seed.loader import SeedChanged, SeedError, SeedLoader, SeedProblem, SeedReport
from contracts.services.seed.reading import SeedContent, read_seed, seed_read
from contracts.services.seed.sections import SECTIONS
from contracts.services.synthetic import CONTRACT_SLUG as SYNTHETIC_CONTRACT

__all__ = [
    "SeedChanged", "SeedError", "SeedProblem", "SeedReport", "read_seed", "seed_load", "seed_preview", "seed_read",
]  # fmt: skip

SEED_REASON = "Loaded from the seed data"


def seed_load(
    *,
    directory: Path | None = None,
    files: Mapping[str, str] | None = None,
    user: AbstractBaseUser | None = None,
    reason: str = SEED_REASON,
    expected: dict[str, dict[str, list[str]]] | None = None,
) -> SeedReport:
    """Load every *.toml file in `directory`, or the files given as name → text, in one transaction; on any error
    nothing is written. With a `user`, the load is theirs (in each record's history) and refused whole if it
    changes anything they may not (guard.py). With `expected` (a preview's summary), it is refused whole unless it
    creates and changes exactly what the preview said it would."""
    with transaction.atomic():
        report = _load(_content(directory, files), user=user, reason=reason)
        if report.refused:
            raise SeedError(report.refused)
        if expected is not None and report.summary() != expected:
            raise SeedChanged(
                "Some of the records these files touch were changed, added or deleted by someone else after your "
                "preview, so nothing was written. Upload the files again to see a fresh preview."
            )
    return report


def seed_preview(*, files: Mapping[str, str], user: AbstractBaseUser | None = None) -> SeedReport:
    """What loading these files would create, change and leave alone, and what `user` may not change: the same
    load, rolled back. Nothing is written."""
    content = _content(None, files)
    with transaction.atomic():
        report = _load(content, user=user, reason=SEED_REASON)
        transaction.set_rollback(True)
    return report


def _content(directory: Path | None, files: Mapping[str, str] | None) -> SeedContent:
    if files is not None:
        return seed_read(files=files)
    if directory is None:
        raise SeedError("No seed files to load")
    return read_seed(directory)


def _load(content: SeedContent, *, user: AbstractBaseUser | None, reason: str) -> SeedReport:
    if Contract.objects.filter(slug=SYNTHETIC_CONTRACT).exists():
        raise SeedError("this database holds synthetic data, which is never mixed with real data")
    report = SeedReport()
    guard = upload_guard(user=user) if user is not None else None
    loader = SeedLoader(report, reason=reason, user=user, guard=guard)
    for name, load in SECTIONS:
        try:
            load(loader, _PlacedEntries(content, name, loader))
        except SeedError as error:
            raise SeedError([_placed(problem, loader.place) for problem in error.problems]) from error
        except KeyError as error:
            raise SeedError(_placed(SeedProblem(f"[[{name}]]: an entry lacks {error}"), loader.place)) from error
        except (ValueError, TypeError, DatabaseError) as error:
            raise SeedError(_placed(SeedProblem(f"this entry cannot be loaded: {error}"), loader.place)) from error
    return report


def _placed(problem: SeedProblem, place: SeedProblem) -> SeedProblem:
    if problem.file:
        return problem
    return SeedProblem(problem.rule, file=place.file, line=place.line, entry=place.entry)


class _PlacedEntries(list):
    """A section's entries that, as they are read one by one, tell the loader where each is."""

    def __init__(self, content: SeedContent, name: str, loader: SeedLoader):
        super().__init__(content.sections.get(name, []))
        self.content = content
        self.loader = loader
        loader.place = SeedProblem("")

    def __iter__(self) -> Iterator[dict]:
        for entry in super().__iter__():
            self.loader.place = self.content.place_of(entry)
            yield entry
