from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from contracts.models import Contract
from trusts.models import Organisation


class Command(BaseCommand):
    help = "Load a dump_data backup into an empty, migrated database, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="A file written by dump_data (.xml).")

    def handle(self, *args, backup, **options):
        if Contract.objects.exists() or Organisation.objects.exists():
            raise CommandError("This database already holds data: restore into an empty, migrated database.")
        try:
            with transaction.atomic():
                call_command("loaddata", backup, verbosity=options["verbosity"])
        except Exception as error:
            raise CommandError(f"The backup could not be restored, and nothing was: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Restored {backup}."))
