import django_filters
from django.db.models import QuerySet

from contracts.models import EntitlementStatus
from contracts.outcomes import Outcome
from contracts.selectors import RevisionPair
from nhsit.lib.filtering import StrictFilterSet, distinct_values, multiple_choice, set_choices
from trusts.models import Organisation, OrganisationKind
from trusts.selectors import organisation_ids_with_outcome, organisation_ids_with_status, organisation_search


class TrustFilter(StrictFilterSet):
    """The trust list's filters. Status and outcome refer to the chosen systems, or to any system."""

    q = django_filters.CharFilter(label="Name or ODS code", method="search", max_length=100)
    kind = multiple_choice("kind", "Kind", OrganisationKind.choices)
    sector = multiple_choice("sector", "Sector")
    system = multiple_choice("system", "System", method="keep")
    status = multiple_choice("status", "Status in the latest revision", EntitlementStatus.choices, method="keep")
    outcome = multiple_choice("outcome", "Outcome since the previous revision", Outcome.choices, method="keep")

    class Meta:
        model = Organisation
        fields = ["q", "kind", "sector", "system", "status", "outcome"]

    def __init__(self, *args, pair: RevisionPair, systems, **kwargs):
        super().__init__(*args, **kwargs)
        self.pair = pair
        self.systems = {system.slug: system for system in systems}
        set_choices(self, "system", [(system.slug, system.name) for system in systems])
        set_choices(self, "sector", distinct_values(Organisation.objects.all(), "sector"))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return organisation_search(queryset, value)

    def keep(self, queryset: QuerySet, name: str, value) -> QuerySet:
        """System, status and outcome work together, in filter_queryset."""
        return queryset

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        statuses, outcomes = data.get("status"), data.get("outcome")
        systems = [self.systems[slug] for slug in data.get("system") or []]
        if self.pair.latest is None:
            return queryset.none() if (systems or statuses or outcomes) else queryset
        if outcomes and self.pair.previous is None:
            return queryset.none()  # one revision: nothing has an outcome yet
        if statuses:
            queryset = queryset.filter(
                pk__in=organisation_ids_with_status(revision=self.pair.latest, statuses=statuses, systems=systems)
            )
        if outcomes or (systems and not statuses):
            queryset = queryset.filter(
                pk__in=organisation_ids_with_outcome(pair=self.pair, outcomes=outcomes, systems=systems)
            )
        return queryset
