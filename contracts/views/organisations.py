from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from contracts.exports import organisation_columns, organisation_csv_body
from contracts.filters import TrustFilter
from contracts.pages.compare import compare_picture
from contracts.pages.organisations import organisation_statuses, trust_profile
from contracts.selectors.organisations import organisation_rows
from contracts.selectors.revisions import RevisionPair, default_contract, latest_pair
from contracts.selectors.systems import contract_systems
from contracts.tables import TrustTable
from contracts.views.preview import shows_drafts
from nhsit.lib.csv_export import csv_filename
from nhsit.lib.filtering import filter_words, strict_rows
from nhsit.lib.tables import Download, sortable_columns, table_response
from organisations.models import Organisation
from organisations.search import organisation_search


@require_safe
def trust_list(request: HttpRequest) -> HttpResponseBase:
    drafts = shows_drafts(request)
    contract = default_contract()
    pair = latest_pair(contract, drafts=drafts) if contract else RevisionPair(previous=None, latest=None)
    systems = list(contract_systems(contract=contract, per_organisation=True, drafts=drafts))
    filterset = TrustFilter(
        request.GET or None,
        queryset=organisation_rows(),
        pair=pair,
        systems=systems,
        sortable=sortable_columns(TrustTable),
    )
    table = TrustTable(strict_rows(filterset), systems=systems)

    def with_statuses(table: TrustTable) -> dict:
        table.cells = organisation_statuses(pair=pair, organisations=[row.record for row in table.page.object_list])
        narrowed = filterset.narrowed_comparison()
        picture = None
        if narrowed is not None:
            chosen = [filterset.systems[slug] for slug in filterset.form.cleaned_data.get("system") or []]
            counts = narrowed.outcome_counts()
            picture = compare_picture(
                comparison=narrowed, counts=counts, systems=chosen or None, narrowed=True, drafts=drafts
            )
        return {"contract": contract, "pair": pair, "picture": picture, "comparison": narrowed}

    download = Download(
        filename=csv_filename(contract.slug if contract else "", "trusts", *filter_words(filterset)),
        header=organisation_columns(systems),
        body=lambda rows: organisation_csv_body(organisations=rows, pair=pair, systems=systems),
    )
    return table_response(
        request, filterset=filterset, table=table, download=download, template="trusts/trust_list.html",
        context=with_statuses,
    )  # fmt: skip


@require_safe
def trust_detail(request: HttpRequest, ods: str) -> HttpResponse:
    organisation = Organisation.objects.filter(ods_code=ods.upper()).first()
    if organisation is None:
        raise Http404(f"No organisation has the ODS code “{ods[:12]}”.")
    if ods != organisation.ods_code:
        return redirect(organisation, permanent=True)
    profile = trust_profile(organisation=organisation, drafts=shows_drafts(request))
    return render(request, "trusts/trust_detail.html", {"profile": profile})


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """The header's search box: straight to the organisation when exactly one matches, else the trust list."""
    text = request.GET.get("q", "").strip()[:100]
    if not text:
        return redirect("trust_list")
    exact = Organisation.objects.filter(ods_code=text.upper()).first()
    matches = [exact] if exact else list(organisation_search(Organisation.objects.all(), text)[:2])
    if len(matches) == 1:
        return redirect(matches[0])
    return redirect(f"{reverse('trust_list')}?{urlencode({'q': text})}")
