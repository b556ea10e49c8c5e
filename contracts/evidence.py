"""What a fact rests on: which of each record's values are facts a source must support, and whether a citation
still supports the record as it now stands.

A citation is given for the record's sourced values as they were when it was made (its `supports`). When one of
those values changes, by any path that saves a record (a form, an inline row, an import, the seed, a revert),
the citation is kept but is no longer `current`: it supports an earlier value. If the value changes back, it is
current again. The receivers here keep `current` true to the records, in the same transaction as the save.
"""

from collections.abc import Iterable
from typing import cast

from django.db import models

from contracts.models import (
    CITABLE,
    Citation,
    Contract,
    Deliverable,
    Deployment,
    Entitlement,
    EvidenceGrade,
    ReportedFigure,
    Revision,
    System,
)
from organisations.models import LocalSystem, Organisation, Succession

# The values of each kind of record that a source has to support. Changing one needs a citation for the new
# value, or the change saved explicitly as unsourced, with a reason.
SOURCED_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Contract: ("signed_on", "signed_precision"),
    Revision: ("signed_on", "signed_precision", "total_value"),
    System: (),
    Entitlement: ("status",),
    Deliverable: (
        "status", "quantity", "quantity_qualifier", "delivered_quantity", "delivered_qualifier", "end_on",
        "end_precision",
    ),
    Deployment: ("status", "go_live_on", "go_live_precision", "delivered_by"),
    ReportedFigure: ("value", "qualifier"),
    Organisation: ("scheme", "code", "kind", "opened_on", "opened_precision", "closed_on", "closed_precision"),
    Succession: ("successor", "effective_on", "effective_precision"),
    LocalSystem: ("status", "contract_expiry"),
}  # fmt: skip
# The kinds of record that are facts: each must cite a source (a system's description may go without).
FACTS: tuple[type[models.Model], ...] = tuple(model for model in SOURCED_FIELDS if model is not System)
CITATION_FIELD = {model: name for name, model in CITABLE}
# Grades from the strongest support to the weakest.
GRADE_ORDER = [EvidenceGrade.STATED, EvidenceGrade.INFERRED, EvidenceGrade.DERIVED, EvidenceGrade.UNSOURCED]
# What a fact's evidence is: the strongest grade of the citations of its values as they now are, or none at all.
UNCITED = "uncited"
EVIDENCE_CHOICES = [*EvidenceGrade.choices, (UNCITED, "uncited")]


def sourced_values(record: models.Model) -> dict[str, str]:
    """The record's sourced values, as text (what a citation's `supports` holds)."""
    fields = (cast(models.Field, record._meta.get_field(name)) for name in SOURCED_FIELDS.get(type(record), ()))
    return {field.name: field.value_to_string(record) for field in fields}


def sourced_changes(record: models.Model) -> list[str]:
    """Which of the record's sourced values differ from what is stored (all of them for a new record)."""
    fields = SOURCED_FIELDS.get(type(record), ())
    if record.pk is None:
        return list(fields)
    stored = type(record)._base_manager.filter(pk=record.pk).first()
    if stored is None:
        return list(fields)
    now, before = sourced_values(record), sourced_values(stored)
    return [name for name in fields if now[name] != before[name]]


def supports_now(citation: Citation, values: dict[str, str]) -> bool:
    """Whether the citation was given for these values (a citation given for nothing in particular always is)."""
    return all(values.get(name) == value for name, value in (citation.supports or {}).items())


def snapshot_on_citing(sender: type[Citation], instance: Citation, raw: bool = False, **kwargs: object) -> None:
    """pre_save: a new citation supports its record's values as they are now; any citation's `current` is worked
    out against them."""
    if raw:
        return
    target = instance.target
    if target is None:
        return
    values = sourced_values(target)
    if instance.pk is None and not instance.supports:
        instance.supports = values
    instance.current = supports_now(instance, values)


def refresh_citations(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: object) -> None:
    """post_save of a fact: its citations are current exactly when they support its values as now saved."""
    if raw or not SOURCED_FIELDS.get(sender):
        return
    values = sourced_values(instance)
    field = CITATION_FIELD[sender]
    changed = []
    for citation in Citation.objects.filter(**{field: instance}).only("id", "supports", "current"):
        current = supports_now(citation, values)
        if current != citation.current:
            citation.current = current
            changed.append(citation)
    if changed:
        # No history entry: whether a citation is current follows from its record, whose change is recorded.
        Citation.objects.bulk_update(changed, ["current"])


def connect_receivers() -> None:
    models.signals.pre_save.connect(snapshot_on_citing, sender=Citation, dispatch_uid="evidence:citation")
    for model in SOURCED_FIELDS:
        models.signals.post_save.connect(refresh_citations, sender=model, dispatch_uid=f"evidence:{model._meta.label}")


def best_grade(grades: Iterable[str]) -> str | None:
    """The strongest of a fact's current grades; None when nothing supports it."""
    present = set(grades)
    return next((grade for grade in GRADE_ORDER if grade in present), None)
