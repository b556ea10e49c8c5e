"""The changes a follower of a contract, an organisation or a system is told of: each revision as it was
published here, and each correction to published data (a change to a published revision, its entitlements or
its programme lines, recorded with its reason in the history). Drafts and their rows are never among them.

A revision's entry is dated when it was (last) published here, read from its history, not when it was signed:
a follower learns of it then. Its words say both dates."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.text import Truncator

from contracts.models import Contract, Deliverable, Entitlement, Revision, System
from contracts.services.amendment_words import (
    comparison_bases,
    value_change_words,
    withdrawal_words,
    withdrawals_by_revision,
)
from contracts.services.history import UNTRACKED, history_of
from nhsit.lib.money import gbp_display
from organisations.models import Organisation

# At most this many entries in a feed, newest first.
FEED_LENGTH = 50


@dataclass(frozen=True)
class PublishedChange:
    key: str  # stable and unique: what the change is and which history entry recorded it
    when: datetime.datetime
    title: str
    summary: str
    link: str  # the page that shows it (a path)
    reason: str = ""


def _published_revisions(
    *, contract: Contract | None, organisation: Organisation | None, system: System | None
) -> list[Revision]:
    """The published revisions of the contracts that concern the contract, organisation or system."""
    revisions = Revision.objects.visible(drafts=False).select_related("contract")
    if contract is not None:
        revisions = revisions.filter(contract=contract)
    # A contract concerns an organisation or a system when one of its published revisions names it: asked of each
    # contract (an index finds one such row), not by listing the contracts of every row that names it.
    of_the_contract = {"revision__is_published": True, "revision__contract": OuterRef("contract_id")}
    if organisation is not None:
        revisions = revisions.filter(Exists(Entitlement.objects.filter(organisation=organisation, **of_the_contract)))
    if system is not None:
        revisions = revisions.filter(
            Exists(Entitlement.objects.filter(system=system, **of_the_contract))
            | Exists(Deliverable.objects.filter(system=system, **of_the_contract))
        )
    return list(revisions.order_by("contract_id", "sequence"))


def _publication_times(revisions: list[Revision]) -> dict[int, datetime.datetime]:
    """{revision id: when it was last published}: the history entry in which it became published. One query."""
    times: dict[int, datetime.datetime] = {}
    was_published: dict[int, bool] = {}
    entries = (
        history_of(Revision)
        .filter(id__in=[revision.pk for revision in revisions])
        .order_by("id", "history_date", "history_id")
        .values_list("id", "history_date", "is_published")
    )
    for revision_id, when, published in entries:
        if published and not was_published.get(revision_id, False):
            times[revision_id] = when
        was_published[revision_id] = published
    return times


def published_changes(
    *,
    contract: Contract | None = None,
    organisation: Organisation | None = None,
    system: System | None = None,
    limit: int = FEED_LENGTH,
) -> list[PublishedChange]:
    """The published changes concerning a contract, an organisation or a system (or all), newest first. A fixed
    number of queries, however many revisions and corrections there are."""
    revisions = _published_revisions(contract=contract, organisation=organisation, system=system)
    published_at = _publication_times(revisions)
    changes = _publications(revisions, published_at, organisation=organisation, system=system)
    changes += _corrections(revisions, published_at, organisation=organisation, system=system, limit=limit)
    return sorted(changes, key=lambda change: (change.when, change.key), reverse=True)[:limit]


def _publications(
    revisions: list[Revision],
    published_at: dict[int, datetime.datetime],
    *,
    organisation: Organisation | None,
    system: System | None,
) -> list[PublishedChange]:
    bases = comparison_bases(revisions)
    pairs = [
        (found.entitlements, revision)
        for revision in revisions
        for found in [bases[revision.pk]]
        if found.entitlements is not None and found.records_entitlements
    ]
    withdrawn = withdrawals_by_revision(pairs, organisation=organisation, system=system)
    changes = []
    for revision in revisions:
        when = published_at.get(revision.pk)
        if when is None:
            continue
        found = bases[revision.pk]
        contract = revision.contract
        words = withdrawal_words(withdrawn.get(revision.pk, []), organisation=organisation)
        if found.previous is None:
            what = "the contract as first recorded"
        elif revision.pk not in withdrawn:
            what = "no entitlements recorded to compare"
        else:
            what = words or "nothing withdrawn"
            if organisation is not None:
                what = f"for {organisation.short_name or organisation.name}, {what}"
        signed = f"signed {revision.signed_display}" if revision.signed_on else "its signing date is not known"
        summary = [
            f"{revision.title} of the {contract.title} was published here on {when:%d %b %Y at %H:%M} UTC ({signed})."
        ]
        if found.value is not None and revision.total_value is not None:
            summary.append(value_change_words(base=found.value, target=revision))
        if revision.pk in withdrawn and found.entitlements is not None:
            base = found.entitlements.title
            if organisation is not None:
                summary.append(f"For {organisation.name}, against {base}: {words or 'nothing withdrawn'}.")
            elif words:
                summary.append(f"Against {base}: {words}.")
        if revision.summary:
            summary.append(revision.summary)
        changes.append(
            PublishedChange(
                key=f"{contract.slug}/{revision.code}/published/{when:%Y%m%dT%H%M%S%f}",
                when=when,
                title=f"{revision.title} published ({contract.title}): {what}",
                summary=" ".join(summary),
                link=revision.get_absolute_url(),
            )
        )
    return changes


def _shown(field: Any, value: object) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(field, models.DecimalField) and isinstance(value, Decimal):
        return gbp_display(value)
    choices = dict(field.flatchoices) if field.choices else {}
    return str(choices.get(value, value))


def _differences(model: type[models.Model], newer: Any, older: Any, *, shortened: bool = False) -> list[str]:
    """Field by field, "status: withdrawn → entitled", without reading related records (each value cut to a
    few words when `shortened`, for a title)."""
    if older is None:
        return []
    delta = newer.diff_against(older, excluded_fields=UNTRACKED)
    words = []
    for change in delta.changes:
        field = cast(models.Field, model._meta.get_field(change.field))
        old, new = (_shown(field, value) for value in (change.old, change.new))
        if shortened:
            old, new = (Truncator(value).chars(60) for value in (old, new))
        words.append(f"{field.verbose_name}: {old} → {new}")
    return words


def _corrections(
    revisions: list[Revision],
    published_at: dict[int, datetime.datetime],
    *,
    organisation: Organisation | None,
    system: System | None,
    limit: int,
) -> list[PublishedChange]:
    """Changes with a reason recorded after their revision was published: to the revision itself (unless about
    a single organisation or system), its entitlements and its programme lines."""
    by_id = {revision.pk: revision for revision in revisions}
    if not published_at:
        return []
    found: list[tuple[type[models.Model], Any]] = []
    reasoned = Q(history_type__in=["~", "-"]) & Q(history_change_reason__isnull=False) & ~Q(history_change_reason="")

    def since_published(field: str) -> Q:
        """Recorded after the revision (at `field`) was last published: before, it was a draft's change."""
        condition = Q()
        for revision_id, when in published_at.items():
            condition |= Q(**{field: revision_id, "history_date__gt": when})
        return condition

    entitlements = history_of(Entitlement).filter(reasoned, since_published("revision_id"))
    if organisation is not None:
        entitlements = entitlements.filter(organisation_id=organisation.pk)
    if system is not None:
        entitlements = entitlements.filter(system_id=system.pk)
    found += [(Entitlement, entry) for entry in entitlements.order_by("-history_date")[:limit]]
    if organisation is None:
        lines = history_of(Deliverable).filter(reasoned, since_published("revision_id"))
        if system is not None:
            lines = lines.filter(system_id=system.pk)
        found += [(Deliverable, entry) for entry in lines.order_by("-history_date")[:limit]]
    if organisation is None and system is None:
        own = history_of(Revision).filter(reasoned, since_published("id"))
        found += [(Revision, entry) for entry in own.order_by("-history_date")[:limit]]
    found = sorted(found, key=lambda pair: pair[1].history_date, reverse=True)[:limit]
    earlier = _earlier_entries(found)
    organisations = _by_pk(Organisation, {entry.organisation_id for model, entry in found if model is Entitlement})
    systems = _by_pk(System, {entry.system_id for model, entry in found if model is not Revision})
    changes = []
    for model, entry in found:
        revision = by_id[entry.id if model is Revision else entry.revision_id]
        older = earlier.get((model, entry.history_id))
        if model is Entitlement:
            about = f"{organisations[entry.organisation_id].name}: {systems[entry.system_id].name}"
            link = (
                systems[entry.system_id].get_absolute_url()
                if system is not None
                else f"{organisations[entry.organisation_id].get_absolute_url()}#system-{systems[entry.system_id].slug}"
            )
            noun = "entitlement"
        elif model is Deliverable:
            about = f"programme line “{entry.title}”"
            link = f"{systems[entry.system_id].get_absolute_url()}#deliverable-{entry.code}"
            noun = "programme line"
        else:
            about = "the revision's own details"
            link = revision.get_absolute_url()
            noun = "revision"
        if entry.history_type == "~":
            what = "; ".join(_differences(model, entry, older)) or "no field changed"
            briefly = "; ".join(_differences(model, entry, older, shortened=True)) or "no field changed"
        else:
            what = briefly = f"the {noun} was removed"
        reason = entry.history_change_reason
        changes.append(
            PublishedChange(
                key=f"{revision.contract.slug}/{revision.code}/correction/{model._meta.model_name}/{entry.history_id}",
                when=entry.history_date,
                title=f"Correction to {revision.title} ({revision.contract.title}), {about}: {briefly}",
                summary=(
                    f"A correction to published data, made here on {entry.history_date:%d %b %Y at %H:%M} UTC: "
                    f"{about} under {revision.title}: {what}. Reason given: {reason}"
                ),
                link=link,
                reason=reason,
            )
        )
    return changes


def _earlier_entries(found: list[tuple[type[models.Model], Any]]) -> dict[tuple[type[models.Model], int], Any]:
    """{(model, history id): the entry before it of the same record}, one query per model with entries."""
    earlier: dict[tuple[type[models.Model], int], Any] = {}
    for model in {model for model, _entry in found}:
        wanted = {entry.history_id for own, entry in found if own is model}
        records = {entry.id for own, entry in found if own is model}
        last: dict[int, Any] = {}
        for entry in history_of(model).filter(id__in=records).order_by("id", "history_date", "history_id"):
            if entry.history_id in wanted:
                earlier[(model, entry.history_id)] = last.get(entry.id)
            last[entry.id] = entry
    return earlier


def _by_pk(model: type[models.Model], ids: Iterable[int]) -> dict[int, Any]:
    ids = set(ids)
    return {record.pk: record for record in model._default_manager.filter(pk__in=ids)} if ids else {}
