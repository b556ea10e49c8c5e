from django.apps import apps
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from contracts.services.history import recent_changes

SHOWN = 100


def recent_changes_view(request: HttpRequest) -> HttpResponse:
    """Every recorded change, newest first, across the records this editor may see."""
    tracked = [
        model
        for model in apps.get_models()
        if hasattr(model, "history")
        and model._meta.app_label in {"contracts", "trusts"}
        and request.user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
    ]
    context = {
        **admin.site.each_context(request),
        "title": "Recent changes",
        "changes": [
            (change, _history_url(change)) for change in recent_changes(models_with_history=tracked, limit=SHOWN)
        ],
        "shown": SHOWN,
    }
    return TemplateResponse(request, "admin/recent_changes.html", context)


def _history_url(change) -> str:
    meta = change.model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_history", args=[change.record_id])
