from contracts.views.about import about
from contracts.views.compare import contract_compare
from contracts.views.contracts import contract_detail, contract_list
from contracts.views.entitlements import entitlement_list
from contracts.views.home import home
from contracts.views.organisations import trust_detail, trust_list
from contracts.views.quality import citation_list, contract_quality, data_quality, fact_list, figure_list
from contracts.views.search import search
from contracts.views.sources import source_detail, source_list
from contracts.views.systems import system_detail, system_list

__all__ = [
    "about",
    "citation_list",
    "contract_quality",
    "data_quality",
    "fact_list",
    "figure_list",
    "contract_compare",
    "contract_detail",
    "contract_list",
    "entitlement_list",
    "home",
    "search",
    "source_detail",
    "source_list",
    "system_detail",
    "system_list",
    "trust_detail",
    "trust_list",
]
