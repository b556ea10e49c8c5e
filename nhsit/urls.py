from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Contract-change tracker: data editors"
admin.site.site_title = "Contract-change tracker"
admin.site.index_title = "Contracts, organisations and their sources"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]
