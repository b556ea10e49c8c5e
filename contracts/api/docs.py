"""The schema, and the docs page that reads it (Swagger UI from the site's own static files: its script is served
from this site too, not inline, so the site's Content-Security-Policy holds unchanged)."""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from contracts.api.cors import OpenToAnyOrigin


class SchemaView(OpenToAnyOrigin, SpectacularAPIView):
    pass


class DocsView(SpectacularSwaggerSplitView):
    title = "Contract-change tracker API"
