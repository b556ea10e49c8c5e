import os
import subprocess
import sys

import pytest
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
with mock.patch("contracts.views.home.featured_contract", side_effect=RuntimeError("the overview broke")):
    print(Client(raise_request_exception=False).get("/", HTTP_HOST="tracker.example.org", secure=True).status_code)
"""


def test_with_debug_off_a_server_errors_traceback_is_logged_to_stderr():
    result = run_settings(SERVER_ERROR, DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="tracker.example.org")
    assert result.stdout.strip() == "500"
    assert "ERROR django.request: Internal Server Error: /" in result.stderr
    assert "RuntimeError: the overview broke" in result.stderr


OPTIONS = (
    "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
)
POSTGRES = "postgres://someone@127.0.0.1:5432/somewhere"


def test_postgresql_connections_give_up_waiting_at_the_connect_timeout():
    assert "'connect_timeout': 5" in run_settings(OPTIONS, DATABASE_URL=POSTGRES).stdout
    assert "'connect_timeout': 3" in run_settings(OPTIONS, DATABASE_URL=POSTGRES, DATABASE_CONNECT_TIMEOUT="3").stdout


def test_the_statement_timeout_bounds_web_requests_only():
    """The web server's queries are cancelled after DATABASE_STATEMENT_TIMEOUT; a migration or a data load is not."""
    serving = run_settings(OPTIONS, DATABASE_URL=POSTGRES, NHSIT_SERVING_WEB_REQUESTS="1").stdout
    assert "'options': '-c jit=off -c parallel_setup_cost=10000 -c statement_timeout=30s'" in serving
    told = run_settings(OPTIONS, DATABASE_URL=POSTGRES, NHSIT_SERVING_WEB_REQUESTS="1", DATABASE_STATEMENT_TIMEOUT="5")
    assert "statement_timeout=5s" in told.stdout
    unlimited = run_settings(
        OPTIONS, DATABASE_URL=POSTGRES, NHSIT_SERVING_WEB_REQUESTS="1", DATABASE_STATEMENT_TIMEOUT="0"
    )
    assert "statement_timeout" not in unlimited.stdout
    assert "statement_timeout" not in run_settings(OPTIONS, DATABASE_URL=POSTGRES).stdout


def test_the_wsgi_application_marks_its_process_as_serving_web_requests():
    probe = "import nhsit.wsgi; from django.conf import settings; print(settings.SERVING_WEB_REQUESTS)"
    assert run_settings(probe).stdout.strip() == "True"


@pytest.mark.parametrize(
    "variable, value, message",
    [
        ("DATABASE_CONNECT_TIMEOUT", "soon", "DATABASE_CONNECT_TIMEOUT must be a whole number, not 'soon'"),
        ("DATABASE_STATEMENT_TIMEOUT", "-1", "DATABASE_STATEMENT_TIMEOUT must be at least 0, not '-1'"),
        ("DATABASE_CONN_MAX_AGE", "1.5", "DATABASE_CONN_MAX_AGE must be a whole number, not '1.5'"),
        ("LOGIN_FAILURE_LIMIT", "0", "LOGIN_FAILURE_LIMIT must be at least 1, not '0'"),
        ("LOGIN_LOCKOUT_HOURS", "an hour", "LOGIN_LOCKOUT_HOURS must be a number, not 'an hour'"),
        ("SECURE_HSTS_SECONDS", "1y", "SECURE_HSTS_SECONDS must be a whole number, not '1y'"),
    ],
)
def test_a_number_that_is_not_one_stops_start_up_naming_its_variable(variable, value, message):
    result = run_settings(**{variable: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_a_server_with_debug_off_and_no_allowed_hosts_stops_at_start_up():
    """Django would start and then answer every request 400; a command such as collectstatic needs no hosts."""
    probe = "import nhsit.wsgi"
    result = run_settings(probe, DEBUG="false", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must name the site's host names (comma-separated) when DEBUG is off" in result.stderr
    assert run_settings(probe, DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="tracker.example.org").returncode == 0
    assert run_settings(DEBUG="false", SECRET_KEY="x" * 50).returncode == 0


def test_the_development_server_prints_each_request_line(tmp_path):
    """`make run` shows each request as it is served (runserver's log), whatever LOG_LEVEL keeps quiet."""
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    from tests.serving import ROOT, free_port

    port = free_port()
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}", "DEBUG": "true"}
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    answered = None
    try:
        deadline = time.monotonic() + 60
        while answered is None and time.monotonic() < deadline:
            try:
                answered = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=2).status
            except urllib.error.HTTPError as error:
                answered = error.code
            except OSError:
                time.sleep(0.2)
        time.sleep(0.5)
    finally:
        server.terminate()
        out, err = server.communicate(timeout=10)
    assert answered is not None, (out, err)
    assert '"GET /healthz/ HTTP/1.1"' in err


def test_make_run_takes_the_port_it_serves_on():
    from tests.serving import ROOT

    makefile = (ROOT / "Makefile").read_text()
    assert "PORT ?= 8000" in makefile
    assert "runserver 127.0.0.1:$(PORT)" in makefile
