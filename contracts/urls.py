from django.urls import path, re_path

from contracts import views
from contracts.feeds import ContractFeed, OrganisationFeed, SystemFeed
from contracts.views import ocds
from contracts.views.download import download_list, download_package

urlpatterns = [
    path("", views.home, name="home"),
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/<str:slug>/", views.contract_detail, name="contract_detail"),
    path("contracts/<str:slug>/compare/", views.contract_compare, name="contract_compare"),
    path("contracts/<str:slug>/ocds.json", ocds.ocds_release_package, name="ocds_release_package"),
    path("contracts/<str:slug>/ocds-record.json", ocds.ocds_record_package, name="ocds_record_package"),
    path("contracts/<str:slug>/feed/", ContractFeed(), name="contract_feed"),
    path("ocds/extension/<path:name>", ocds.ocds_extension, name="ocds_extension"),
    path("contracts/<str:slug>/data-quality/", views.contract_quality, name="contract_quality"),
    path("data-quality/", views.data_quality, name="data_quality"),
    path("data-quality/facts/", views.fact_list, name="fact_list"),
    path("data-quality/citations/", views.citation_list, name="citation_list"),
    path("figures/", views.figure_list, name="figure_list"),
    path("systems/", views.system_list, name="system_list"),
    path("systems/<str:slug>/", views.system_detail, name="system_detail"),
    path("systems/<str:slug>/feed/", SystemFeed(), name="system_feed"),
    path("entitlements/", views.entitlement_list, name="entitlement_list"),
    path("trusts/", views.trust_list, name="trust_list"),
    path("trusts/<str:ods>/", views.trust_detail, name="trust_detail"),
    path("trusts/<str:ods>/feed/", OrganisationFeed(), name="trust_feed"),
    path("search/", views.search, name="search"),
    path("about/", views.about, name="about"),
    path("sources/", views.source_list, name="source_list"),
    re_path(r"^sources/(?P<pk>[^/]+)/$", views.source_detail, name="source_detail"),
    path("download/", download_list, name="download_list"),
    path("download/<str:slug>.zip", download_package, name="download_package"),
]
