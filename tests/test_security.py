"""Headers, health, accounts: what a deployment relies on."""

import pytest
from django.contrib.auth.models import User
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

pytestmark = pytest.mark.django_db


def test_pages_carry_a_content_security_policy_without_inline_script(client):
    response = client.get("/trusts/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "<script" not in response.content.decode()


def test_healthz_says_the_database_answers(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_whatever_host_name_it_is_asked_by(client, settings):
    settings.ALLOWED_HOSTS = ["tracker.example.org"]
    assert client.get("/healthz/", HTTP_HOST="127.0.0.1:8000").status_code == 200
    assert client.get("/trusts/", HTTP_HOST="127.0.0.1:8000").status_code == 400


def unreachable(*args, **kwargs):
    raise OperationalError("could not connect to server: Connection refused")


def test_when_the_database_is_unreachable_healthz_and_pages_say_503_without_a_traceback(monkeypatch):
    client = Client(raise_request_exception=False)
    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", unreachable)
    health = client.get("/healthz/")
    assert health.status_code == 503 and health.json()["database"] == "unreachable"
    for url in ["/", "/trusts/", "/trusts/RAN/", "/contracts/london-lsp/compare/", "/entitlements/?_export=csv"]:
        page = client.get(url)
        assert page.status_code == 503, url
        text = page.content.decode()
        assert "Temporarily unavailable" in text and "Traceback" not in text and "OperationalError" not in text


def test_public_pages_refuse_writes(client):
    for url in ["/", "/trusts/", "/trusts/RAN/", "/entitlements/", "/search/?q=RAN"]:
        assert client.post(url).status_code in (403, 405)
    assert Client(enforce_csrf_checks=False).post("/trusts/").status_code == 405


def test_repeated_failed_logins_lock_the_account_out(client):
    User.objects.create_user(username="editor", password="the-right-password-123", is_staff=True)
    for _attempt in range(4):
        response = client.post("/admin/login/", {"username": "editor", "password": "wrong"})
        assert response.status_code == 200
    fifth = client.post("/admin/login/", {"username": "editor", "password": "wrong"})
    assert fifth.status_code == 429
    locked = client.post("/admin/login/", {"username": "editor", "password": "the-right-password-123"})
    assert locked.status_code == 429
    assert "Sign-in paused" in locked.content.decode()
    assert "Try again in 1 hour," in locked.content.decode()


@pytest.mark.parametrize("hours, words", [(0.5, "30 minutes"), (2, "2 hours"), (24, "1 day"), (1.25, "75 minutes")])
def test_the_lockout_message_says_how_long_sign_in_is_paused(client, settings, hours, words):
    from datetime import timedelta

    settings.AXES_COOLOFF_TIME = timedelta(hours=hours)
    User.objects.create_user(username="editor", password="the-right-password-123", is_staff=True)
    for _attempt in range(5):
        client.post("/admin/login/", {"username": "editor", "password": "wrong"})
    locked = client.post("/admin/login/", {"username": "editor", "password": "the-right-password-123"})
    assert locked.status_code == 429
    assert f"Try again in {words}," in locked.content.decode()


def test_a_correct_login_works(client):
    User.objects.create_user(username="editor", password="the-right-password-123", is_staff=True)
    response = client.post("/admin/login/", {"username": "editor", "password": "the-right-password-123"})
    assert response.status_code == 302


def test_require_login_makes_every_page_ask_for_a_login(settings, client):
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[
            : settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
        ],
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
        *settings.MIDDLEWARE[
            settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1 :
        ],
    ]
    for url in ["/", "/trusts/RAN/", "/entitlements/?_export=csv"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert client.get("/healthz/").status_code == 200
    assert client.get("/admin/login/").status_code == 200
