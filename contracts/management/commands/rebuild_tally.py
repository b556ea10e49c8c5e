from django.core.management.base import BaseCommand

from contracts.services.tally import tally_cells, tally_rebuild, tally_recount


class Command(BaseCommand):
    help = (
        "Recompute the status-pair tally (the outcome counts' summary) from the entitlements. The database keeps it "
        "current on every write; this is for after a TRUNCATE or a restore that skipped the triggers."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Rebuild nothing: recount from the rows and say whether the tally agrees.",
        )

    def handle(self, *args, check, **options):
        if check:
            held, counted = tally_cells(), tally_recount()
            if held != counted:
                wrong = len(set(held.items()) ^ set(counted.items()))
                self.stderr.write(f"The tally disagrees with the rows in {wrong} cells: run rebuild_tally.")
                raise SystemExit(1)
            self.stdout.write(f"The tally agrees with the rows: {len(held):,} cells.")
            return
        cells = tally_rebuild()
        self.stdout.write(f"Rebuilt the tally: {cells:,} cells.")
