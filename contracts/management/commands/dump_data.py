from django.core.management import call_command
from django.core.management.base import BaseCommand

# Rebuilt by migrations, or worthless after a restore.
NOT_DUMPED = ["contenttypes", "auth.permission", "sessions", "axes"]


class Command(BaseCommand):
    help = (
        "Write every record, citation, history entry, user and group to an XML backup "
        "(restore it with restore_data into an empty, migrated database)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write, ending .xml (default: standard output).")

    def handle(self, *args, output=None, **options):
        call_command(
            "dumpdata",
            # XML keeps times to the microsecond; Django's JSON would round them to milliseconds.
            format="xml",
            natural_foreign=True,
            exclude=NOT_DUMPED,
            output=output,
            stdout=self.stdout,
            verbosity=0,
        )
