"""The revisions a page compares, chosen in its address (`?base=<code>&target=<code>`), and the parameters a page
without a filter form knows: anything else is refused, never ignored."""

from collections.abc import Iterable

from django.core.exceptions import BadRequest
from django.http import HttpRequest

from contracts.models import Contract, Revision
from contracts.selectors.revisions import RevisionChoice, UnknownRevision, revision_choice
from nhsit.lib.filtering import unknown_parameters_message

CHOICE_PARAMETERS = frozenset({"base", "target"})


def refuse_unknown_parameters(request: HttpRequest, known: Iterable[str]) -> None:
    known = set(known)
    unknown = [name for name in request.GET if name not in known]
    if unknown:
        raise BadRequest(unknown_parameters_message(unknown, known))


def refuse_any_parameters(request: HttpRequest) -> None:
    """For an address that takes no parameters (a feed, an OCDS package): any is refused, by name."""
    if request.GET:
        named = ", ".join(f"“{name[:40]}”" for name in request.GET)
        raise BadRequest(f"{named}: this address takes no parameters, so nothing is shown.")


def chosen_revisions(
    request: HttpRequest, contract: Contract, *, drafts: bool, revisions: list[Revision] | None = None
) -> RevisionChoice:
    """The revisions of `contract` the address names, else its first and latest; a code that is not one of its
    revisions is a 400 naming the ones there are."""
    try:
        return revision_choice(
            contract=contract,
            base=request.GET.get("base", "").strip(),
            target=request.GET.get("target", "").strip(),
            drafts=drafts,
            revisions=revisions,
        )
    except UnknownRevision as error:
        raise BadRequest(str(error)) from error
