from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from nhsit.lib.backup import backup_stream, backup_write


class Command(BaseCommand):
    help = (
        "Write every record, citation, history entry, user and group to a backup (JSON lines), exactly as stored; "
        "restore it with restore_data into an empty, migrated database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", help="File to write, e.g. backup.jsonl (default: standard output). It is replaced "
            "only once the new backup is complete."
        )  # fmt: skip

    def handle(self, *args, output=None, **options):
        if output is None:
            backup_stream(self.stdout)  # an OutputWrapper, which writes text
            return
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"There is no folder {path.parent} to write {path.name} in.")
        written = backup_write(path)
        self.stderr.write(f"Wrote {written:,} rows to {path}.")
