"""What a filtered page's title and heading say it shows: "Acute organisations that lost Cerner Millennium:
Original → CCN3", "Entitlements: RiO, unknown"."""

from django_filters import FilterSet

from contracts.models import Revision
from nhsit.lib.filtering import chosen_labels

OUTCOME_WORDS = {
    "kept": "kept",
    "lost": "lost",
    "gained": "gained",
    "never": "never had",
    "unknown": "have an unknown outcome for",
}


def _either(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def compare_heading(filterset: FilterSet, base: Revision | None, target: Revision | None) -> str:
    revisions = f"{base.title} → {target.title}" if base and target else "Compare revisions"
    if not filterset.is_bound or not filterset.is_valid():
        return revisions
    kinds = chosen_labels(filterset, "kind")
    outcomes = filterset.form.cleaned_data.get("outcome") or []
    systems = chosen_labels(filterset, "system")
    if not (kinds or outcomes or systems or filterset.form.cleaned_data.get("live")):
        return revisions
    subject = f"{_either(kinds).capitalize()} organisations" if kinds else "Organisations"
    live = {"yes": " where it is live", "no": " where it is not live"}.get(filterset.form.cleaned_data.get("live"), "")
    what = _either(systems) if systems else "a system"
    if outcomes:
        return f"{subject} that {_either([OUTCOME_WORDS[o] for o in outcomes])} {what}{live}: {revisions}"
    return f"{subject} and {what}{live}: {revisions}"


def list_heading(noun_plural: str, filterset: FilterSet) -> str:
    """The list's name, then the values its filters choose: "Entitlements: RiO, unknown"."""
    shown = [label for name in filterset.filters for label in chosen_labels(filterset, name)]
    return f"{noun_plural}: {', '.join(shown)}" if shown else noun_plural
