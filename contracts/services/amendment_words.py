"""What a revision changed against the one before it, in words: its value, the systems it withdrew from how many
organisations, and the programme lines it removed or reduced. Read by the OCDS amendments' rationale and the
feeds' entries, so both say the same."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Exists, OuterRef, Value

from contracts.models import Deliverable, DeliverableStatus, Entitlement, EntitlementStatus, Revision, System
from contracts.outcomes import Outcome
from contracts.selectors.tally import status_pair_cells, status_pair_counts, tally_outcome_is
from contracts.services.compare import deliverable_compare, revision_compare
from organisations.models import Organisation


def gbp_words(value: Decimal) -> str:
    """A sum as a reader says it: £1.1bn, £988m, £55m, £12,500."""
    amount = abs(value)
    for size, suffix, places in [(Decimal(10) ** 9, "bn", 2), (Decimal(10) ** 6, "m", 1)]:
        if amount >= size:
            shown = f"{amount / size:.{places}f}".rstrip("0").rstrip(".")
            return f"£{shown}{suffix}"
    return f"£{amount:,.0f}"


def value_change_words(*, base: Revision, target: Revision) -> str:
    """ "Value reduced by £112m, from £1.1bn to £988m.", or what the records cannot say."""
    if base.total_value is None or target.total_value is None:
        return "The records do not give both values, so the value change is not known."
    change = target.total_value - base.total_value
    if change == 0:
        return f"Value unchanged at {gbp_words(target.total_value)}."
    direction = "reduced" if change < 0 else "increased"
    return (
        f"Value {direction} by {gbp_words(change)}, "
        f"from {gbp_words(base.total_value)} to {gbp_words(target.total_value)}."
    )


@dataclass(frozen=True)
class Withdrawal:
    """A system some organisations had under the base revision and do not under the target: how many had it
    withdrawn (or are no longer entitled), and how many declined it, keeping their own systems."""

    system: System
    withdrawn: int
    declined: int


def withdrawals(
    *, base: Revision, target: Revision, organisation: Organisation | None = None, system: System | None = None
) -> list[Withdrawal]:
    """Each system organisations lost between the revisions, with how many: two queries."""
    return withdrawals_by_revision([(base, target)], organisation=organisation, system=system)[target.pk]


def withdrawals_by_revision(
    pairs: Sequence[tuple[Revision, Revision]],
    *,
    organisation: Organisation | None = None,
    system: System | None = None,
) -> dict[int, list[Withdrawal]]:
    """{target revision id: what it lost against its base}, for several (base, target) pairs, in two queries
    however many pairs there are: over the status-pair tally, or over the rows of one organisation (which the
    tally does not tell apart)."""
    found: dict[int, list[Withdrawal]] = {target.pk: [] for _base, target in pairs}
    if not pairs:
        return found
    if organisation is None:
        counts = _lost_in_tally(pairs, system=system)
    else:
        counts = _lost_in_rows(pairs, organisation=organisation, system=system)
    lost: dict[tuple[int, str], dict[str, int]] = {}
    for target_id, slug, status, number in counts:
        by_status = lost.setdefault((target_id, slug), {})
        by_status[status] = by_status.get(status, 0) + number
    systems = {found.slug: found for found in System.objects.filter(slug__in={slug for _t, slug in lost})}
    for (target_id, slug), by_status in sorted(lost.items(), key=lambda pair: systems[pair[0][1]].name):
        declined = by_status.pop(EntitlementStatus.DECLINED, 0)
        found[target_id].append(Withdrawal(system=systems[slug], withdrawn=sum(by_status.values()), declined=declined))
    return found


def _lost_in_tally(pairs: Sequence[tuple[Revision, Revision]], *, system: System | None) -> list[tuple]:
    """(target id, system slug, target status, how many) lost, read from the tally's cells of each pair: only its
    cells whose outcome is lost are summed, a tenth of a pair's cells."""
    parts = [
        status_pair_counts(
            status_pair_cells(base=base, target=target, systems=[system] if system is not None else None)
            .filter(tally_outcome_is(Outcome.LOST))
            .annotate(target_id=Value(target.pk)),
            "target_id",
            "system__slug",
        )
        for base, target in pairs
    ]
    cells = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return [
        (target_id, slug, target_status, number)
        for target_id, slug, _base_status, target_status, number in cells
        if number
    ]


def _lost_in_rows(
    pairs: Sequence[tuple[Revision, Revision]], *, organisation: Organisation, system: System | None
) -> list[tuple]:
    """(target id, system slug, target status, how many) lost by one organisation, counted from its rows."""
    parts = [
        revision_compare(
            base=base,
            target=target,
            systems=[system] if system is not None else None,
            organisations=[organisation.pk],
        )
        .rows.order_by()
        .filter(outcome=Outcome.LOST)
        .values("system_slug", "target_status")
        .annotate(target_id=Value(target.pk))
        for base, target in pairs
    ]
    matrix = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    sql, params = matrix.query.sql_with_params()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('target_id')}, {quote('system_slug')}, {quote('target_status')}, COUNT(*) "
            f"FROM ({sql}) lost GROUP BY 1, 2, 3",
            params,
        )
        return list(cursor.fetchall())


def withdrawal_words(found: list[Withdrawal], *, organisation: Organisation | None = None) -> str:
    """ "Cerner Millennium withdrawn from 16 organisations and RiO withdrawn from 3", or for one organisation
    "Cerner Millennium withdrawn"; those that kept their own systems "declined"; "" when nothing was lost."""
    parts = []
    for withdrawal in found:
        name = withdrawal.system.name
        if organisation is not None:
            parts.append(f"{name} withdrawn" if withdrawal.withdrawn else f"{name} declined (kept its own system)")
            continue
        how = [f"withdrawn from {_organisations(withdrawal.withdrawn)}"] if withdrawal.withdrawn else []
        if withdrawal.declined:
            kept = "keeping its own system" if withdrawal.declined == 1 else "keeping their own systems"
            how.append(f"declined by {_organisations(withdrawal.declined)}, {kept}")
        parts.append(f"{name} {' and '.join(how)}")
    return _listed(parts) if parts else ""


def _organisations(number: int) -> str:
    return f"{number} organisation{'' if number == 1 else 's'}"


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{'; '.join(parts[:-1])} and {parts[-1]}"


def line_change_words(*, base: Revision, target: Revision, system: System | None = None) -> str:
    """The programme lines the target removed, did not renew or reduced, in one sentence ("" if none)."""
    lines = deliverable_compare(base=base, target=target, systems=[system.slug] if system is not None else None)
    removed, reduced = [], []
    for line in lines:
        if line["outcome"] == Outcome.LOST:
            how = "not renewed" if line["target_status"] == DeliverableStatus.NOT_RENEWED else "removed"
            removed.append(f"{line['title']} ({how})")
        elif line["reduced"]:
            reduced.append(line["title"])
    sentences = []
    if removed:
        sentences.append(f"Programme lines taken out: {'; '.join(removed)}.")
    if reduced:
        sentences.append(f"Reduced: {'; '.join(reduced)}.")
    return " ".join(sentences)


@dataclass(frozen=True)
class Bases:
    """What a revision is compared with, each the latest earlier revision that records it: a revision known only
    from a press report may give no value, no entitlements or no programme lines, and comparing with it would
    make every outcome unknown."""

    previous: Revision | None
    value: Revision | None
    entitlements: Revision | None
    lines: Revision | None
    records_entitlements: bool  # whether the revision itself records any


def comparison_bases(revisions: Sequence[Revision]) -> dict[int, Bases]:
    """{revision id: its Bases}, for revisions of one or several contracts: one query, asking of each revision only
    whether it has a row and a line (which an index answers), not how many."""
    counts = (
        Revision.objects.filter(pk__in=[revision.pk for revision in revisions])
        .annotate(
            rows=Exists(Entitlement.objects.filter(revision=OuterRef("pk"))),
            lines=Exists(Deliverable.objects.filter(revision=OuterRef("pk"))),
        )
        .values_list("pk", "rows", "lines")
    )
    counted = {pk: (rows, lines) for pk, rows, lines in counts}
    bases: dict[int, Bases] = {}
    latest: dict[int, dict[str, Revision]] = {}  # per contract, the latest so far of each kind
    for revision in sorted(revisions, key=lambda revision: (revision.contract_id, revision.sequence)):
        own_rows, own_lines = counted.get(revision.pk, (False, False))
        seen = latest.setdefault(revision.contract_id, {})
        bases[revision.pk] = Bases(
            previous=seen.get("previous"),
            value=seen.get("value"),
            entitlements=seen.get("entitlements"),
            lines=seen.get("lines"),
            records_entitlements=own_rows,
        )
        seen["previous"] = revision
        if revision.total_value is not None:
            seen["value"] = revision
        if own_rows:
            seen["entitlements"] = revision
        if own_lines:
            seen["lines"] = revision
    return bases


def _against(base: Revision, bases: Bases, what: str) -> str:
    """Which revision a comparison is against, when it is not the one just before."""
    return "" if base == bases.previous else f" (against {base.title}, the latest earlier revision giving {what})"


def amendment_rationale(*, target: Revision, bases: Bases, lost: list[Withdrawal] | None = None) -> str:
    """The value change, the systems withdrawn from how many organisations, and the lines taken out or reduced,
    each against the latest earlier revision that records it (and saying which, when it is not the one before).
    `lost` is what withdrawals() gives against `bases.entitlements`, when the caller has read it already."""
    parts = []
    if bases.value is None or target.total_value is None:
        parts.append("The records do not give this revision's value and an earlier one: its value change is not known.")
    else:
        words = value_change_words(base=bases.value, target=target).removesuffix(".")
        parts.append(f"{words}{_against(bases.value, bases, 'a value')}.")
    if bases.entitlements is None or not bases.records_entitlements:
        parts.append("The records give no entitlements to compare, so what it withdrew from whom is not known.")
    else:
        if lost is None:
            lost = withdrawals(base=bases.entitlements, target=target)
        withdrawn = withdrawal_words(lost)
        against = _against(bases.entitlements, bases, "entitlements")
        parts.append(
            f"{withdrawn[0].upper()}{withdrawn[1:]}{against}."
            if withdrawn
            else f"No system withdrawn from any organisation{against}."
        )
    if bases.lines is not None:
        parts.append(line_change_words(base=bases.lines, target=target))
    return " ".join(part for part in parts if part)
