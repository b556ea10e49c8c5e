from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from contracts.services.seed import SeedError, seed_load


class Command(BaseCommand):
    help = "Load the sourced seed data (every dataset folder under fixtures/). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "datasets", nargs="*", help="Dataset folders under fixtures/ (default: all of them), e.g. london_lsp"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the database already holds contracts."
        )

    def handle(self, *args, datasets, if_empty, **options):
        from contracts.models import Contract

        if if_empty and Contract.objects.exists():
            self.stdout.write("The database already holds data; seed not loaded.")
            return
        seed_dir = Path(settings.SEED_DIR)
        folders = [seed_dir / name for name in datasets] or sorted(p for p in seed_dir.iterdir() if p.is_dir())
        for folder in folders:
            if not folder.is_dir():
                raise CommandError(f"No dataset folder {folder}")
            try:
                report = seed_load(directory=folder)
            except SeedError as error:
                raise CommandError(f"{folder.name}: {error}. Nothing was loaded.") from error
            self.stdout.write(self.style.SUCCESS(f"Loaded {folder.name}:"))
            for line in report.lines():
                self.stdout.write(f"  {line}")
