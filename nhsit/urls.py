from django.contrib import admin
from django.urls import include, path

from contracts.admin.recent_changes import recent_changes_view
from contracts.views.preview import preview_drafts

admin.site.site_header = "Contract-change tracker: data editors"
admin.site.site_title = "Contract-change tracker"
admin.site.index_title = "Contracts, organisations and their sources"

# The site's error pages; under /api/, the same errors in JSON.
handler400 = "contracts.api.errors.bad_request"
handler404 = "contracts.api.errors.not_found"
handler500 = "nhsit.errors.server_error"

urlpatterns = [
    path("admin/recent-changes/", admin.site.admin_view(recent_changes_view), name="recent_changes"),
    path("admin/preview-drafts/", admin.site.admin_view(preview_drafts), name="preview_drafts"),
    path("admin/", admin.site.urls),
    path("api/", include("contracts.api.urls")),
    path("", include("contracts.urls")),
]
