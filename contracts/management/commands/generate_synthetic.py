import sys
import time

from django.core.management.base import BaseCommand, CommandError

from contracts.services.synthetic import SyntheticError, synthetic_generate


class Command(BaseCommand):
    help = (
        "Fill an empty database with a deterministic synthetic contract for measuring the tool at scale, e.g. "
        "--organisations 10000 --systems 20 --revisions 5 (a million entitlements). Never mixed with real data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisations", type=int, default=10_000)
        parser.add_argument("--systems", type=int, default=20)
        parser.add_argument("--revisions", type=int, default=5)
        parser.add_argument("--seed", type=int, default=1, help="The same seed always gives the same data.")

    def handle(self, *args, organisations, systems, revisions, seed, **options):
        started = time.monotonic()
        show = self.progress_bar if options["verbosity"] > 0 else None
        try:
            report = synthetic_generate(
                organisations=organisations, systems=systems, revisions=revisions, seed=seed, progress=show
            )
        except SyntheticError as error:
            raise CommandError(f"{error} Nothing was written.") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {report.organisations:,} organisations, {report.systems} systems, {report.revisions} "
                f"revisions, {report.entitlements:,} entitlements and {report.deployments:,} live deployments "
                f"in {time.monotonic() - started:.1f} s."
            )
        )

    def progress_bar(self, stage: str, done: int, total: int) -> None:
        width = 40
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r{stage:>13} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()
