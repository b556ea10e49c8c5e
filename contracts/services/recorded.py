"""What the records said on a day: each entitlement as it stood at the end of that day, from its history, beside
what it says now.

Only revisions published both then and now are shown: one that was a draft then was on no public page that day,
and one unpublished since has been withdrawn from every public page, so it does not come back by this route.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone

from contracts.models import Entitlement, Revision, System
from contracts.services.history import history_of
from organisations.models import Organisation


@dataclass(frozen=True)
class RecordedStatus:
    """One entitlement's status as recorded on the day, and now (None when it has been deleted since)."""

    entitlement: Entitlement  # as it stood then
    revision: Revision
    status_now: str | None
    # The reason given with the latest change since the day, and when it was made (for a row since corrected).
    reason: str = ""
    corrected_at: datetime.datetime | None = None

    @property
    def since_corrected(self) -> bool:
        return self.status_now != self.entitlement.status


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last moment of `day` in the site's time zone (UK time), the one its pages show times in."""
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=timezone.get_current_timezone())


def _as_of(model: type[Model], moment: datetime.datetime) -> QuerySet:
    """The model's records as they stood at `moment`, each its latest saved version then (simple-history)."""
    history: Any = history_of(model)
    return history.as_of(moment)


def entitlements_as_recorded(*, organisations: list[Organisation], day: datetime.date) -> list[RecordedStatus]:
    """The organisations' entitlements as the records stood at the end of `day`, in five queries."""
    moment = end_of_day(day)
    published_then = _as_of(Revision, moment).filter(is_published=True).values_list("id", flat=True)
    revisions = {
        revision.pk: revision
        for revision in Revision.objects.filter(is_published=True, pk__in=list(published_then)).select_related(
            "contract"
        )
    }
    then = list(
        _as_of(Entitlement, moment).filter(
            organisation_id__in=[organisation.pk for organisation in organisations], revision_id__in=revisions
        )
    )
    now = dict(Entitlement.objects.filter(pk__in=[entitlement.pk for entitlement in then]).values_list("pk", "status"))
    systems = System.objects.in_bulk({entitlement.system_id for entitlement in then})
    status_then = {entitlement.pk: entitlement.status for entitlement in then}
    changed = [pk for pk, status in now.items() if status != status_then[pk]]
    latest_change: dict[int, Any] = {}
    for entry in history_of(Entitlement).filter(id__in=changed, history_date__gt=moment).order_by("history_date"):
        latest_change[entry.id] = entry
    by_id = {organisation.pk: organisation for organisation in organisations}
    recorded = []
    for entitlement in then:
        entitlement.system = systems[entitlement.system_id]
        entitlement.organisation = by_id[entitlement.organisation_id]
        revision = revisions[entitlement.revision_id]
        change = latest_change.get(entitlement.pk)
        recorded.append(
            RecordedStatus(
                entitlement=entitlement,
                revision=revision,
                status_now=now.get(entitlement.pk),
                reason=(change.history_change_reason or "") if change else "",
                corrected_at=change.history_date if change else None,
            )
        )
    recorded.sort(
        key=lambda row: (row.revision.contract.slug, row.entitlement.system.name, row.entitlement.organisation.name,
                         row.revision.sequence)
    )  # fmt: skip
    return recorded
