from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from contracts.models import Contract
from contracts.services.history import history_of
from contracts.services.tally import tally_rebuild
from nhsit.lib.backup import backup_restore
from organisations.models import IdentifierScheme, Organisation, OrganisationKind


class Command(BaseCommand):
    help = "Load a dump_data backup into an empty, migrated database, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="A file written by dump_data (.jsonl; an older .xml backup also loads).")

    def handle(self, *args, backup, **options):
        path = Path(backup)
        if not path.is_file():
            raise CommandError(f"There is no backup file {path}.")
        if Contract.objects.exists() or Organisation.objects.exists():
            raise CommandError("This database already holds data: restore into an empty, migrated database.")
        try:
            if path.suffix == ".xml":  # written by earlier versions, through dumpdata
                with transaction.atomic():
                    call_command("loaddata", str(path), verbosity=0)
                    tally_rebuild()
                restored = "every"
            else:
                with transaction.atomic():
                    # A migrated database holds the first kinds and scheme; the backup holds them as they were.
                    for model in (OrganisationKind, IdentifierScheme):
                        model._default_manager.all().delete()
                        history_of(model).all().delete()  # with the entries the deletion itself made
                    restored = f"{backup_restore(path):,}"
                    # Counted from the rows just restored, in whatever order they came: never copied.
                    tally_rebuild()
        except Exception as error:
            raise CommandError(f"The backup could not be restored, and nothing was: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Restored {restored} rows from {path}."))
