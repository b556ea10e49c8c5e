from django.urls import path

from contracts.api import compare, docs, organisations, quality, views
from contracts.api import schema as _schema  # noqa: F401  registers the filter parameters' schema

urlpatterns = [
    path("", docs.DocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("schema/", docs.SchemaView.as_view(), name="api-schema"),
    path("contracts/", views.ContractList.as_view(), name="api-contract-list"),
    path("contracts/<str:slug>/", views.ContractDetail.as_view(), name="api-contract-detail"),
    path("contracts/<str:slug>/revisions/", views.RevisionList.as_view(), name="api-revision-list"),
    path("contracts/<str:slug>/compare/", compare.ContractCompare.as_view(), name="api-contract-compare"),
    path("contracts/<str:slug>/data-quality/", quality.DataQuality.as_view(), name="api-contract-quality"),
    path("organisations/", views.OrganisationList.as_view(), name="api-organisation-list"),
    path("organisations/<str:identifier>/", organisations.OrganisationDetail.as_view(), name="api-organisation-detail"),
    path("systems/", views.SystemList.as_view(), name="api-system-list"),
    path("systems/<str:slug>/", views.SystemDetail.as_view(), name="api-system-detail"),
    path("entitlements/", views.EntitlementList.as_view(), name="api-entitlement-list"),
    path("deliverables/", views.DeliverableList.as_view(), name="api-deliverable-list"),
    path("deployments/", views.DeploymentList.as_view(), name="api-deployment-list"),
    path("sources/", views.SourceList.as_view(), name="api-source-list"),
    path("sources/<str:pk>/", views.SourceDetail.as_view(), name="api-source-detail"),
    path("citations/", views.CitationList.as_view(), name="api-citation-list"),
    path("figures/", quality.FigureList.as_view(), name="api-figure-list"),
    path("data-quality/", quality.DataQuality.as_view(), name="api-data-quality"),
]
