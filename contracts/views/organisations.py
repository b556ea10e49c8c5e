from django.core.exceptions import BadRequest
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from contracts.exports import organisation_columns, organisation_csv_body
from contracts.filters import TrustFilter
from contracts.models import Contract
from contracts.pages.compare import compare_picture
from contracts.pages.facets import OrganisationListCounts, labelled
from contracts.pages.organisations import organisation_statuses, trust_profile
from contracts.selectors.organisations import (
    SORT_FIELDS,
    organisation_contracts,
    organisation_list_order,
    organisation_rows,
    status_sort_key,
)
from contracts.selectors.revisions import UnknownRevision, latest_pairs
from contracts.selectors.systems import contract_system_columns
from contracts.services.recorded import entitlements_as_recorded
from contracts.tables import TrustTable, system_sort_name
from contracts.views.choosing import CHOICE_PARAMETERS, refuse_unknown_parameters
from contracts.views.days import DAY_PARAMETERS, asked_day, refuse_as_of_with_a_choice
from contracts.views.preview import shows_drafts
from nhsit.lib.csv_export import csv_filename, wants_csv
from nhsit.lib.filtering import filter_words, strict_rows
from nhsit.lib.keyset import seek
from nhsit.lib.tables import Download, Seek, numbered_pages_only, sortable_columns, table_response
from organisations.models import Organisation


@require_safe
def trust_list(request: HttpRequest) -> HttpResponseBase:
    """Every organisation, with its status for each system of each contract (or of the chosen one) in that
    contract's latest revision, and the outcome since the one before."""
    drafts = shows_drafts(request)
    contracts = list(Contract.objects.order_by("signed_on", "title", "pk"))
    pairs = latest_pairs(contracts, drafts=drafts)
    all_columns = contract_system_columns(contracts=contracts, drafts=drafts)
    filterset = TrustFilter(
        request.GET or None,
        queryset=organisation_rows(),
        contracts=contracts,
        pairs=pairs,
        columns=all_columns,
        drafts=drafts,
        sortable=sortable_columns(TrustTable) | {system_sort_name(owner, system) for owner, system in all_columns},
    )
    contract = filterset.contract
    columns = [(owner, system) for owner, system in all_columns if contract is None or owner == contract]
    several = len({owner for owner, _system in columns}) > 1
    table = TrustTable(
        by_status_if_asked(request, strict_rows(filterset), pairs=pairs, columns=all_columns),
        columns=columns, label_contracts=several,
    )  # fmt: skip

    def with_statuses(table: TrustTable) -> dict:
        on_page = [row.record for row in table.page.object_list]
        table.cells = organisation_statuses(
            pairs=[pairs[owner.pk] for owner in {owner for owner, _system in columns}], organisations=on_page
        )
        table.contracts_of = organisation_contracts(on_page, drafts=drafts)
        narrowed = filterset.narrowed_comparison()
        picture = None
        if narrowed is not None:
            chosen = [filterset.systems[slug] for slug in filterset.form.cleaned_data.get("system") or []]
            counts = narrowed.outcome_counts()
            picture = compare_picture(
                comparison=narrowed, counts=counts, systems=chosen or None, narrowed=True, drafts=drafts
            )
        facets = labelled(filterset, list_counts.facets())
        return {
            "contract": contract, "pair": filterset.pair, "picture": picture, "comparison": narrowed, "facets": facets,
            "counts_need_one_system": list_counts.needs_one_system,
        }  # fmt: skip

    download = Download(
        filename=csv_filename(contract.slug if contract else "", "trusts", *filter_words(filterset)),
        header=organisation_columns(columns, label_contracts=several),
        body=lambda rows: organisation_csv_body(organisations=rows, pairs=pairs, columns=columns, drafts=drafts),
    )
    list_counts = OrganisationListCounts(filterset)
    statuses = {system_sort_name(owner, system) for owner, system in all_columns}
    seek = trust_seek(request, statuses=statuses)
    if seek is None and not wants_csv(request, filterset):
        numbered_pages_only(request, table)  # each page sorts every organisation the filters leave
    return table_response(
        request, filterset=filterset, table=table, download=download, template="trusts/trust_list.html",
        context=with_statuses, seek=seek,
        count=lambda: organisations_counted(list_counts, filterset),
    )  # fmt: skip


def organisations_counted(counts: OrganisationListCounts, filterset: TrustFilter) -> int:
    """How many organisations the filters leave: from the tally where it can say, else counted."""
    total = counts.total()
    return strict_rows(filterset).count() if total is None else total


def trust_seek(request: HttpRequest, *, statuses: set[str]) -> Seek | None:
    """How the list is paged by cursor in the order `?sort=` asks (by name unless it asks): each sort by a column of
    its own, one at a time. Sorted by several columns at once, or by a status (computed for every organisation to
    sort them, so no index can serve it), it has numbered pages only, as far as MOST_NUMBERED_PAGES."""
    sorts = request.GET.getlist("sort")
    if len(sorts) > 1 or (sorts and sorts[0].removeprefix("-") in statuses):
        return None
    order = sorts[0] if sorts else "name"
    if order.removeprefix("-") not in SORT_FIELDS:
        # Blank, or no column at all: the numbered pages say what the list sorts by.
        return None
    fields = organisation_list_order(order)
    # Each value of the key is a string but the id.
    types = tuple(int if field.removeprefix("-") == "pk" else str for field in fields)
    return Seek(
        types,
        lambda rows, cursor, per_page: seek(rows, fields=fields, cursor=cursor, per_page=per_page, order=order),
        order=order,
    )


def by_status_if_asked(request: HttpRequest, rows: QuerySet, *, pairs, columns) -> QuerySet:
    """The rows with the status `?sort=` asks them to be sorted by (for one system of one contract, in its latest
    revision), under the status column's name; the table then sorts by it."""
    asked = {key.removeprefix("-") for key in request.GET.getlist("sort")}
    for contract, system in columns:
        name = system_sort_name(contract, system)
        if name in asked:
            rows = rows.annotate(**{name: status_sort_key(pairs[contract.pk].latest, system)})
    return rows


@require_safe
def trust_detail(request: HttpRequest, ods: str) -> HttpResponse:
    organisation = Organisation.objects.by_identifier(ods[:60])
    if organisation is None:
        raise Http404(f"No organisation has the code “{ods[:60]}”.")
    if ods != organisation.identifier:
        return redirect(organisation, permanent=True)
    refuse_unknown_parameters(request, CHOICE_PARAMETERS | DAY_PARAMETERS | {"contract"})
    refuse_as_of_with_a_choice(request)
    as_of, recorded_on = asked_day(request, "as_of"), asked_day(request, "recorded_on")
    slug, base, target = (request.GET.get(name, "").strip() for name in ["contract", "base", "target"])
    chosen = {slug: (base, target)} if (slug or base or target) else {}
    try:
        profile = trust_profile(organisation=organisation, drafts=shows_drafts(request), chosen=chosen, as_of=as_of)
    except UnknownRevision as error:
        raise BadRequest(str(error)) from error
    recorded = None
    if recorded_on is not None:
        bodies = [organisation, *(succession.predecessor for succession in profile.merged_in)]
        recorded = entitlements_as_recorded(organisations=bodies, day=recorded_on)
    context = {"profile": profile, "recorded_on": recorded_on, "recorded": recorded}
    return render(request, "trusts/trust_detail.html", context)
