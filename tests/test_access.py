"""Who may write: nobody through the public pages, and only staff through the admin."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from contracts.models import Entitlement, Source
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

SAMPLE_ARGUMENTS = {"ods": "RAN", "identifier": "RAN", "slug": "london-lsp", "name": "extension.json"}


def public_urls() -> dict[str, list[str]]:
    """Every named URL outside the admin, as the project declares them, with its parameters' names."""
    urls = {}
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.app_name != "admin":
            for pattern in entry.url_patterns:
                if isinstance(pattern, URLPattern) and pattern.name:
                    urls[pattern.name] = list(pattern.pattern.regex.groupindex)
    return urls


def test_every_public_page_refuses_every_kind_of_write(client):
    urls = public_urls()
    assert {"home", "trust_list", "contract_compare", "entitlement_list", "source_detail", "search"} <= urls.keys()
    arguments = {**SAMPLE_ARGUMENTS, "pk": Source.objects.first().pk}
    for name, parameters in urls.items():
        url = reverse(name, kwargs={parameter: arguments[parameter] for parameter in parameters})
        for method in (client.post, client.put, client.patch, client.delete):
            assert method(url).status_code == 405, (name, method.__name__)


@pytest.fixture
def reader(db):
    """Signed in, but not staff."""
    return User.objects.create_user(username="reader", password="a-long-enough-password-1")


def test_the_admins_writes_need_a_staff_account(reader, ccn3):
    entitlement = Entitlement.objects.filter(revision=ccn3, organisation__code="RAN").first()
    writes = [
        (reverse("admin:contracts_entitlement_change", args=[entitlement.pk]), {"status": "entitled"}),
        (reverse("admin:contracts_entitlement_add"), {"status": "entitled"}),
        (reverse("admin:contracts_entitlement_delete", args=[entitlement.pk]), {"post": "yes"}),
        (
            reverse("admin:contracts_entitlement_changelist"),
            {"action": "delete_selected", "_selected_action": [entitlement.pk], "post": "yes"},
        ),
        (reverse("admin:contracts_entitlement_import"), {}),
        (reverse("admin:contracts_entitlement_history", args=[entitlement.pk]), {}),
    ]
    before = (entitlement.status, entitlement.version, Entitlement.objects.count())
    for who in (Client(), client_for(reader)):
        for url, data in writes:
            response = who.post(url, data)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("admin:login")), url
    entitlement.refresh_from_db()
    assert (entitlement.status, entitlement.version, Entitlement.objects.count()) == before
