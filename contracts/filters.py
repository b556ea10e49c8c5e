"""The tables' filters: each value a stable code or slug, checked by a form, refused (never ignored) when wrong."""

from dataclasses import replace

import django_filters
from django.db.models import Q, QuerySet
from django.http import QueryDict

from contracts.evidence import EVIDENCE_CHOICES
from contracts.models import Contract, EntitlementStatus, EvidenceGrade, Revision, Source, SourceKind, System
from contracts.outcomes import Outcome
from contracts.selectors.citations import evidence_among
from contracts.selectors.facts import FACT_KINDS, FactRows, Scope, citations_within, fact_list
from contracts.selectors.organisations import (
    organisation_ids_with_status,
    organisations_identified,
    organisations_named_in,
    predecessors_of,
)
from contracts.selectors.revisions import RevisionPair, latest_pair
from contracts.selectors.systems import contract_systems
from contracts.services.compare import (
    RevisionComparison,
    organisation_ids_with_outcome,
    organisations_having,
    revision_compare,
)
from contracts.services.reconcile import Verdict
from nhsit.lib.filtering import (
    TABLE_PARAMETERS,
    CodeListFilter,
    StrictFilterSet,
    distinct_values,
    multiple_choice,
    set_choices,
)
from nhsit.lib.keyset import KEYSET_PARAMETERS
from organisations.models import Organisation, OrganisationKind, identified_by
from organisations.search import organisation_match

LIVE_CHOICES = [("yes", "live there"), ("no", "not live there")]
EARLIER_CHOICES = [("yes", "has one"), ("no", "has none")]
CURRENT_CHOICES = [("now", "the value as it now is"), ("earlier", "an earlier value")]
QUOTE_CHOICES = [("with", "quotes the source"), ("none", "a source, without its words")]
ROLL_UP_CHOICES = [("yes", "rolled up to today's organisations")]
SUPPORTS_CHOICES = [("nothing", "supports nothing shown"), ("something", "supports something")]


def kind_choices() -> list[tuple[str, str]]:
    return list(OrganisationKind.objects.order_by("name").values_list("slug", "name"))


class OrganisationSearch:
    """For a filter set with a text search of organisations: a page filters its list and each of its facets by the
    text, and the loose matches are looked up once for them all."""

    matched: tuple[str, Q] | None = None  # the text searched for, and the condition it became

    def organisations_matching(self, text: str) -> Q:
        if self.matched is None or self.matched[0] != text:
            self.matched = (text, organisation_match(text))
        return self.matched[1]


class EntitlementFilter(OrganisationSearch, StrictFilterSet):
    accepted_parameters = TABLE_PARAMETERS | KEYSET_PARAMETERS
    organisation = django_filters.CharFilter(label="Organisation name or code", method="search", max_length=100)
    ods_code = django_filters.CharFilter(
        label="Organisation code, exactly (RAN, or GB-LAE-WSM)", method="by_identifier", max_length=60
    )
    contract = django_filters.ChoiceFilter(field_name="revision__contract__slug", label="Contract", empty_label="any")
    revision = django_filters.ChoiceFilter(field_name="revision__code", label="Revision", empty_label="any")
    system = multiple_choice("system__slug", "System")
    status = multiple_choice("status", "Status", EntitlementStatus.choices)
    kind = multiple_choice("organisation__kind", "Organisation kind")
    sector = multiple_choice("organisation__sector", "Sector")
    evidence = multiple_choice("evidence", "Evidence for the status", EVIDENCE_CHOICES, method="with_evidence")

    def __init__(self, *args, drafts: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self, "contract", Contract.objects.order_by("slug").values_list("slug", "title"))
        self.revisions = Revision.objects.visible(drafts=drafts)
        self.contracts_of_code: dict[str, list[str]] = {}
        for code, title in self.revisions.order_by("code", "contract__title").values_list("code", "contract__title"):
            self.contracts_of_code.setdefault(code, []).append(title)
        set_choices(
            self,
            "revision",
            [(code, f"{code} ({'; '.join(titles)})") for code, titles in self.contracts_of_code.items()],
        )
        set_choices(self, "system", System.objects.order_by("name").values_list("slug", "name"))
        set_choices(self, "sector", distinct_values(Organisation, "sector"))
        set_choices(self, "kind", kind_choices())

    def with_evidence(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(evidence_among(value)) if value else queryset

    def is_valid(self) -> bool:
        """Each value valid, and a revision, when a contract is chosen too, one of that contract's."""
        if not super().is_valid():
            return False
        data = self.form.cleaned_data
        slug, code = data.get("contract"), data.get("revision")
        identifier = (data.get("ods_code") or "").strip().upper()
        if identifier and not Organisation.objects.filter(identified_by(identifier)).exists():
            self.form.add_error("ods_code", f"No organisation has the code “{identifier}”.")
        if code and not slug and len(self.contracts_of_code.get(code, [])) > 1:
            self.form.add_error(
                "contract",
                f"Choose a contract: “{code}” is a revision of {len(self.contracts_of_code[code])} contracts "
                f"({'; '.join(self.contracts_of_code[code])}), and a revision code means nothing without its contract.",
            )
        if slug and code and not self.revisions.filter(contract__slug=slug, code=code).exists():
            contract = Contract.objects.get(slug=slug)
            codes = ", ".join(
                self.revisions.filter(contract=contract).order_by("sequence").values_list("code", flat=True)
            )
            self.form.add_error(
                "revision", f"“{code}” is not a revision of {contract.title}; its revisions are: {codes}."
            )
        return not self.form.errors

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(organisation__in=Organisation.objects.filter(self.organisations_matching(value)))

    def by_identifier(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(identified_by(value, "organisation__"))


class SourceFilter(StrictFilterSet):
    q = django_filters.CharFilter(label="Title, publisher or author", method="search", max_length=100)
    kind = multiple_choice("kind", "Kind of source", SourceKind.choices)
    supports = django_filters.ChoiceFilter(
        label="What it supports", choices=SUPPORTS_CHOICES, method="by_support", empty_label="anything or nothing"
    )

    class Meta:
        model = Source
        fields = ["q", "kind", "supports"]

    def by_support(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Sources supporting nothing shown (no current citation of a record the page may show), or something."""
        return queryset.filter(citation_count=0) if value == "nothing" else queryset.filter(citation_count__gt=0)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(title__icontains=value) | Q(publisher__icontains=value) | Q(author__icontains=value))


# The compare page pages two lists by cursor: the matrix's organisations by ?after= and ?before=, its table's rows
# by these.
COMPARE_ROWS_PARAMETERS = ("rows_after", "rows_before")


class CompareFilter(StrictFilterSet):
    """The compare page's form: which two revisions (codes), and which rows. revision_compare does the filtering."""

    accepted_parameters = TABLE_PARAMETERS | KEYSET_PARAMETERS | frozenset(COMPARE_ROWS_PARAMETERS)

    base = django_filters.ChoiceFilter(label="From revision", method="keep", empty_label=None)
    target = django_filters.ChoiceFilter(label="To revision", method="keep", empty_label=None)
    system = multiple_choice("system_slug", "System", method="keep")
    kind = multiple_choice("kind", "Organisation kind", method="keep")
    sector = multiple_choice("sector", "Sector", method="keep")
    outcome = multiple_choice("outcome", "Outcome", Outcome.choices, method="keep")
    live = django_filters.ChoiceFilter(
        label="Live deployment", choices=LIVE_CHOICES, method="keep", empty_label="either"
    )
    ods = CodeListFilter(label="Organisations, by code (e.g. RNJ RNH)", method="keep", required=False)
    roll_up = django_filters.ChoiceFilter(
        label="Mergers", choices=ROLL_UP_CHOICES, method="keep", empty_label="as the contract named them"
    )

    def __init__(self, data=None, *, contract: Contract, drafts: bool = False, **kwargs):
        self.contract = contract
        visible = contract.revisions.visible(drafts=drafts).order_by("sequence")
        self.revisions = {revision.code: revision for revision in visible}
        pair = latest_pair(contract, drafts=drafts)
        self.default_base = pair.previous or pair.latest
        self.default_target = pair.latest
        # Unchosen revisions default to the previous and the latest, and the form shows them chosen.
        data = data.copy() if data is not None else QueryDict(mutable=True)
        for name, default in [("base", self.default_base), ("target", self.default_target)]:
            if not data.get(name) and default is not None:
                data[name] = default.code
        super().__init__(data, queryset=Organisation.objects.none(), **kwargs)
        revision_choices = [(revision.code, revision.title) for revision in self.revisions.values()]
        set_choices(self, "base", revision_choices)
        set_choices(self, "target", revision_choices)
        systems = contract_systems(contract=contract, per_organisation=True, drafts=drafts)
        self.systems = {system.slug: system for system in systems}
        set_choices(self, "system", [(system.slug, system.name) for system in self.systems.values()])
        set_choices(self, "sector", distinct_values(Organisation, "sector"))
        set_choices(self, "kind", kind_choices())

    def is_valid(self) -> bool:
        if not super().is_valid():
            return False
        base, target = self.chosen_revisions()
        identifiers = self.form.cleaned_data.get("ods") or []
        found = organisations_identified(identifiers)
        unknown = [identifier for identifier in identifiers if identifier not in found]
        if unknown:
            self.form.add_error("ods", f"No organisation has the code {', '.join(f'“{code}”' for code in unknown)}.")
        self.chosen_organisations = list(found.values())
        if len(self.revisions) < 2:
            self.form.add_error(None, "This contract has fewer than two revisions: there is nothing to compare yet.")
        elif base == target:
            self.form.add_error(None, "Choose two different revisions to compare.")
        return not self.form.errors

    def comparison(self) -> RevisionComparison | None:
        """The comparison the filters ask for, its rows filtered; None when a filter is not valid."""
        if not self.is_valid():
            return None
        base, target = self.chosen_revisions()
        assert base is not None and target is not None  # a valid form has chosen two revisions
        return revision_compare(base=base, target=target, **self.comparison_filters())

    def chosen_revisions(self) -> tuple[Revision | None, Revision | None]:
        """The revisions to compare (once the form is valid)."""
        data = self.form.cleaned_data
        return self.revisions.get(data.get("base") or ""), self.revisions.get(data.get("target") or "")

    def comparison_filters(self) -> dict:
        """revision_compare's filters from the valid form: None where nothing is chosen."""
        data = self.form.cleaned_data
        return {
            "systems": [self.systems[slug] for slug in data.get("system") or []] or None,
            "kinds": data.get("kind") or None,
            "sectors": data.get("sector") or None,
            "outcomes": data.get("outcome") or None,
            "live": {"yes": True, "no": False}.get(data.get("live") or ""),
            "organisations": self.organisation_ids() if data.get("ods") else None,
        }

    def rolls_up(self) -> bool:
        return self.form.cleaned_data.get("roll_up") == "yes"

    def organisation_ids(self) -> list[int]:
        """The chosen organisations, and, rolled up, every body that merged into one of them."""
        chosen = getattr(self, "chosen_organisations", [])
        ids = [organisation.pk for organisation in chosen]
        if self.rolls_up():
            ids += [
                succession.predecessor_id for organisation in chosen for succession in predecessors_of(organisation)
            ]
        return list(dict.fromkeys(ids))

    def narrows(self) -> bool:
        """Whether filters other than the systems narrow the rows (so the page must say what they hide)."""
        filters = self.comparison_filters()
        return any(filters[name] is not None for name in ["kinds", "sectors", "outcomes", "live", "organisations"])

    def keep(self, queryset: QuerySet, name: str, value) -> QuerySet:
        """The form only chooses; revision_compare filters."""
        return queryset


class TrustFilter(OrganisationSearch, StrictFilterSet):
    """The organisation list's filters. Status and outcome refer to the chosen systems, or to any system, of one
    contract: the chosen one, or the only one there is."""

    accepted_parameters = TABLE_PARAMETERS | KEYSET_PARAMETERS

    q = django_filters.CharFilter(label="Name or code", method="search", max_length=100)
    contract = django_filters.ChoiceFilter(label="Contract", method="in_contract", empty_label="any")
    kind = multiple_choice("kind", "Kind")
    sector = multiple_choice("sector", "Sector")
    system = multiple_choice("system", "System", method="keep")
    status = multiple_choice("status", "Status in the latest revision", EntitlementStatus.choices, method="keep")
    outcome = multiple_choice("outcome", "Outcome since the previous revision", Outcome.choices, method="keep")

    class Meta:
        model = Organisation
        fields = ["q", "contract", "kind", "sector", "system", "status", "outcome"]

    def __init__(
        self, *args, contracts: list[Contract], pairs: dict[int, RevisionPair], columns, drafts=False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.contracts = {contract.slug: contract for contract in contracts}
        self.pairs = pairs
        self.drafts = drafts
        chosen = (self.data or {}).get("contract", "")
        self.contract = self.contracts.get(chosen) or (contracts[0] if len(contracts) == 1 else None)
        self.pair = pairs.get(self.contract.pk, RevisionPair(None, None)) if self.contract else RevisionPair(None, None)
        systems = [system for contract, system in columns if self.contract is None or contract == self.contract]
        self.systems = {system.slug: system for system in systems}
        set_choices(self, "contract", [(contract.slug, contract.title) for contract in contracts])
        set_choices(self, "system", [(system.slug, system.name) for system in self.systems.values()])
        set_choices(self, "sector", distinct_values(Organisation, "sector"))
        set_choices(self, "kind", kind_choices())

    def is_valid(self) -> bool:
        """Each value valid; a system, status or outcome only with a contract (there being several)."""
        if not super().is_valid():
            return False
        data = self.form.cleaned_data
        per_contract = [name for name in ["system", "status", "outcome"] if data.get(name)]
        if per_contract and self.contract is None:
            self.form.add_error(
                "contract",
                f"Choose a contract: {', '.join(per_contract)} "
                f"{'is' if len(per_contract) == 1 else 'are'} read within one contract, and there are "
                f"{len(self.contracts)}.",
            )
        return not self.form.errors

    def in_contract(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Organisations named in the contract (by an entitlement in a revision the page may show)."""
        return queryset.filter(pk__in=organisations_named_in(self.contracts[value], drafts=self.drafts))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(self.organisations_matching(value))

    def narrowed_comparison(self) -> RevisionComparison | None:
        """The comparison between the latest two revisions that the kind, sector, status and outcome filters leave,
        for the chosen systems; None when they narrow nothing (or there is nothing to compare), so that the page
        can set what it shows beside the whole picture."""
        if not self.is_bound or not self.is_valid() or self.pair.previous is None or self.pair.latest is None:
            return None
        data = self.form.cleaned_data
        if not any(data.get(name) for name in ["kind", "sector", "status", "outcome"]):
            return None
        comparison = revision_compare(
            base=self.pair.previous,
            target=self.pair.latest,
            systems=[self.systems[slug] for slug in data.get("system") or []] or None,
            kinds=data.get("kind") or None,
            sectors=data.get("sector") or None,
            outcomes=data.get("outcome") or None,
        )
        if data.get("status"):
            comparison = replace(comparison, rows=comparison.rows.filter(target_status__in=data["status"]))
        return comparison

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
            rows = organisation_ids_with_status(revision=self.pair.latest, statuses=statuses, systems=systems)
            queryset = organisations_having(queryset, rows, name="_with_status")
        if outcomes or (systems and not statuses):
            base = self.pair.previous or self.pair.latest
            rows = organisation_ids_with_outcome(base=base, target=self.pair.latest, outcomes=outcomes, systems=systems)
            queryset = organisations_having(queryset, rows, name="_compared")
        return queryset


class ScopeFilterSet(StrictFilterSet):
    """The data-quality lists' narrowing: a contract, an organisation (its exact ODS code) and a system."""

    contract = django_filters.ChoiceFilter(label="Contract", method="keep", empty_label="any")
    organisation = django_filters.CharFilter(label="Organisation (its code)", method="keep", max_length=60)
    system = django_filters.ChoiceFilter(label="System", method="keep", empty_label="any")

    def __init__(self, data=None, **kwargs):
        super().__init__(data, queryset=kwargs.pop("queryset", Organisation.objects.none()), **kwargs)
        set_choices(self, "contract", Contract.objects.order_by("slug").values_list("slug", "title"))
        set_choices(self, "system", System.objects.order_by("name").values_list("slug", "name"))

    def is_valid(self) -> bool:
        if not super().is_valid():
            return False
        identifier = (self.form.cleaned_data.get("organisation") or "").strip().upper()
        if identifier and not Organisation.objects.filter(identified_by(identifier)).exists():
            self.form.add_error("organisation", f"No organisation has the code “{identifier}”.")
        return not self.form.errors

    def scope(self) -> Scope:
        data = self.form.cleaned_data
        return Scope(
            contract=data.get("contract") or "",
            organisation=(data.get("organisation") or "").strip().upper(),
            system=data.get("system") or "",
        )

    def keep(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset


class FactFilter(ScopeFilterSet):
    """The facts list: facts of some kinds, by their evidence, within a scope."""

    kind = multiple_choice(
        "kind",
        "Kind of fact",
        [(name, str(model._meta.verbose_name)) for name, model in FACT_KINDS.items()],
        method="keep",
    )
    evidence = multiple_choice("evidence", "Evidence", EVIDENCE_CHOICES, method="keep")
    earlier = django_filters.ChoiceFilter(
        label="Citation of an earlier value", choices=EARLIER_CHOICES, method="keep", empty_label="either"
    )

    def facts(self, *, drafts: bool = False) -> FactRows:
        """The facts the filters ask for; none when a filter is not valid."""
        if self.is_bound and not self.is_valid():
            return FactRows([])
        data = self.form.cleaned_data if self.is_bound else {}
        return fact_list(
            kinds=data.get("kind") or [],
            evidence=data.get("evidence") or [],
            earlier={"yes": True, "no": False}.get(data.get("earlier") or ""),
            scope=self.scope() if self.is_bound else Scope(),
            drafts=drafts,
        )


class CitationFilter(ScopeFilterSet):
    """The citations list: by grade, whether they support the value as it now is, whether they quote."""

    grade = multiple_choice("grade", "Grade", EvidenceGrade.choices)
    current = django_filters.ChoiceFilter(
        label="Supports", choices=CURRENT_CHOICES, method="by_current", empty_label="either"
    )
    quote = django_filters.ChoiceFilter(label="Quote", choices=QUOTE_CHOICES, method="by_quote", empty_label="either")
    source = django_filters.CharFilter(label="Source (its key)", method="by_source", max_length=200)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        return super().filter_queryset(queryset).filter(citations_within(self.scope(), drafts=self.drafts))

    def __init__(self, data=None, *, drafts: bool = False, **kwargs):
        self.drafts = drafts
        super().__init__(data, **kwargs)

    def by_current(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(current=value == "now")

    def by_quote(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """`none`: a citation of a source that gives no words of it (unsourced citations have no source to quote)."""
        if value == "none":
            return queryset.filter(source__isnull=False, quote="")
        return queryset.exclude(quote="")

    def by_source(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(source__key=value.strip())


class FigureFilter(ScopeFilterSet):
    """The reported figures list: by the verdict of setting each beside the records."""

    verdict = multiple_choice("verdict", "Verdict", Verdict.choices, method="keep")

    def wanted(self, verdict: str) -> bool:
        chosen = self.form.cleaned_data.get("verdict") if self.is_bound else None
        return not chosen or verdict in chosen
