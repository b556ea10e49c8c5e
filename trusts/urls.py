from django.urls import path

from trusts import views

urlpatterns = [
    path("trusts/", views.trust_list, name="trust_list"),
    path("trusts/<str:ods>/", views.trust_detail, name="trust_detail"),
    path("search/", views.search, name="search"),
]
