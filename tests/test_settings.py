import os
import subprocess
import sys

from django.conf import settings

PROBE = (
    "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
)


def run_settings(probe: str = PROBE, **env):
    """Settings read in a new process with this environment; `probe` prints what to check."""
    ignored = {"DATABASE_URL", "DATABASE_REPLICA_URL", "SECRET_KEY", "DEBUG"}
    environment = {k: v for k, v in os.environ.items() if k not in ignored}
    environment.update(env, DJANGO_SETTINGS_MODULE="nhsit.settings")
    return subprocess.run(
        [sys.executable, "-c", probe], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True
    )


def test_without_database_url_it_uses_the_sqlite_file():
    result = run_settings()
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_database_url_selects_postgresql():
    result = run_settings(DATABASE_URL="postgres://someone@127.0.0.1:5432/somewhere")
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_production_refuses_to_start_without_a_secret_key():
    result = run_settings(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_starts_with_a_secret_key():
    result = run_settings(DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="tracker.example.org")
    assert result.returncode == 0, result.stderr


def test_a_mistyped_debug_value_is_refused():
    result = run_settings(DEBUG="maybe")
    assert "DEBUG must be true or false" in result.stderr


def manage(*arguments, **env):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    environment.update(env, DJANGO_SETTINGS_MODULE="nhsit.settings")
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )


def test_with_debug_off_the_deployment_check_reports_nothing():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "DEBUG",
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-key-with-enough-entropy-1234567890",
        ALLOWED_HOSTS="tracker.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


SERVER_ERROR = """
import django; django.setup()
from unittest import mock
from django.test import Client
with mock.patch("contracts.views.home.default_contract", side_effect=RuntimeError("the overview broke")):
    print(Client(raise_request_exception=False).get("/", HTTP_HOST="tracker.example.org", secure=True).status_code)
"""


def test_with_debug_off_a_server_errors_traceback_is_logged_to_stderr():
    result = run_settings(SERVER_ERROR, DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="tracker.example.org")
    assert result.stdout.strip() == "500"
    assert "ERROR django.request: Internal Server Error: /" in result.stderr
    assert "RuntimeError: the overview broke" in result.stderr
