from django.db import models
from django.db.models import F, Q

from contracts.models.system import System


class StatusPairCount(models.Model):
    """How many (organisation, system)s of a contract have one pair of statuses in two of its revisions.

    One row per cell: the revisions (first_revision_id <= second_revision_id, the diagonal counting one revision's
    own statuses), the system, the organisation's kind and sector, whether the system is live there, and the
    statuses ('' where that revision has no row). The database's triggers keep it current in the same transaction
    as every write to entitlements, deployments, organisations and revisions (contracts/services/tally_sql.py);
    nothing else writes it but the rebuild.
    """

    # Plain ids, not foreign keys: the triggers remove a revision's cells, and a constraint would only slow them.
    first_revision_id = models.IntegerField()
    second_revision_id = models.IntegerField()
    # A foreign key for the join to the system's slug, without a constraint: systems are protected by their rows.
    system = models.ForeignKey(System, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    kind = models.CharField(max_length=40, blank=True)
    sector = models.CharField(max_length=80, blank=True)
    live = models.BooleanField()
    first_status = models.CharField(max_length=12, blank=True)
    second_status = models.CharField(max_length=12, blank=True)
    count = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "first_revision_id",
                    "second_revision_id",
                    "system",
                    "kind",
                    "sector",
                    "live",
                    "first_status",
                    "second_status",
                ],
                name="status_pair_count_one_per_cell",
            ),
            models.CheckConstraint(
                condition=Q(first_revision_id__lte=models.F("second_revision_id")), name="status_pair_count_ordered"
            ),
        ]
        indexes = [
            # Every page reads the cells of one pair of revisions.
            models.Index(fields=["first_revision_id", "second_revision_id"], name="status_pair_count_pair"),
            # After each write the triggers remove the cells it emptied.
            models.Index(fields=["count"], condition=Q(count=0), name="status_pair_count_empty"),
            # Removing a revision removes the cells naming it second.
            models.Index(fields=["second_revision_id"], name="status_pair_count_second"),
            # The counts of one revision's own rows (the entitlement list's) read the pairs of a revision with
            # itself: a fifth of the cells or fewer.
            models.Index(
                fields=["first_revision_id", "system", "kind", "sector", "live", "first_status"],
                condition=Q(first_revision_id=F("second_revision_id")),
                name="status_pair_count_one",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.first_revision_id}/{self.second_revision_id} system {self.system_id} {self.kind or '-'}"
            f" {self.sector or '-'} {'live' if self.live else 'not live'}:"
            f" {self.first_status or '-'} -> {self.second_status or '-'}: {self.count}"
        )
