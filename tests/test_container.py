"""The image's own steps, run outside a container (no container engine runs here): what the Dockerfile runs at
build time, its health check, its entrypoint given a command, and gunicorn's settings."""

import importlib.util
import os
import shlex
import sqlite3
import subprocess
import sys

import pytest

from tests.serving import ROOT, free_port, served, site_environment

pytestmark = pytest.mark.django_db


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, its arguments) in order, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0], line.split(None, 1)[1]) for line in lines]


def image_environment() -> dict[str, str]:
    """The image's ENV, over a bare environment: nothing from this machine but where Python is."""
    environment = {"PATH": f"{os.path.dirname(sys.executable)}:/usr/bin:/bin", "HOME": str(ROOT)}
    for instruction, arguments in dockerfile_instructions():
        if instruction == "ENV":
            for pair in shlex.split(arguments):
                name, _, value = pair.partition("=")
                environment[name] = value
    return environment


def test_the_image_build_collects_the_static_files_with_no_run_time_settings(tmp_path):
    build_step = next(arguments for instruction, arguments in dockerfile_instructions()
                      if instruction == "RUN" and "collectstatic" in arguments)  # fmt: skip
    command = build_step.split("&&")[0]  # the rest creates the image's user
    environment = {**image_environment(), "STATIC_ROOT": str(tmp_path / "static")}
    result = subprocess.run(["sh", "-c", command], cwd=ROOT, env=environment, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for path in ("css/site.css", "css/admin.css", "js/admin-select-labels.js", "admin/js/autocomplete.js"):
        assert (tmp_path / "static" / path).is_file(), path
        assert (tmp_path / "static" / f"{path}.gz").is_file(), f"{path} is not compressed for WhiteNoise"


def test_the_health_check_passes_while_the_site_answers_and_fails_once_it_stops(tmp_path):
    health_check = next(arguments for instruction, arguments in dockerfile_instructions()
                        if instruction == "HEALTHCHECK")  # fmt: skip
    command = health_check.split(" CMD ", 1)[1]
    database = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    environment = site_environment(database, tmp_path / "static", free_port())
    check_environment = {**image_environment(), "BIND": environment["BIND"]}

    def health() -> subprocess.CompletedProcess:
        return subprocess.run(["sh", "-c", command], cwd=ROOT, env=check_environment, capture_output=True, text=True)

    with served(environment):
        assert health().returncode == 0
    stopped = health()
    assert stopped.returncode == 1 and "unhealthy" in stopped.stderr


def test_given_a_command_the_entrypoint_runs_it_instead_of_the_server(tmp_path):
    """The release step: `docker run IMAGE python manage.py migrate` migrates once and exits."""
    database = tmp_path / "release.sqlite3"
    result = subprocess.run(
        ["sh", "deploy/entrypoint.sh", sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": f"sqlite:///{database}"}, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(database) as migrated:
        applied = {app for (app,) in migrated.execute("SELECT DISTINCT app FROM django_migrations")}
    assert {"contracts", "trusts", "auth"} <= applied


# What the image is given when it runs (the Dockerfile says so).
RUN_TIME = {"SECRET_KEY": "print-config-only", "ALLOWED_HOSTS": "tracker.example.org"}


def gunicorn_settings(**environment: str) -> dict[str, str]:
    printed = subprocess.run(
        [sys.executable, "-m", "gunicorn", "nhsit.wsgi", "--config", "deploy/gunicorn.conf.py", "--print-config"],
        cwd=ROOT, env={**image_environment(), **RUN_TIME, **environment},
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    pairs = (line.partition("=") for line in printed.splitlines() if "=" in line)
    return {name.strip(): value.strip() for name, _, value in pairs}


def test_gunicorn_runs_a_threaded_worker_per_core_unless_told_otherwise():
    defaults = gunicorn_settings()
    assert defaults["worker_class"] == "gthread"
    assert defaults["workers"] == str(len(os.sched_getaffinity(0)))
    assert (defaults["threads"], defaults["keepalive"], defaults["bind"]) == ("4", "0", "['0.0.0.0:8000']")

    told = gunicorn_settings(WEB_CONCURRENCY="5", GUNICORN_THREADS="2", GUNICORN_TIMEOUT="90")
    assert (told["workers"], told["threads"], told["timeout"]) == ("5", "2", "90")


def test_each_gunicorn_has_its_own_control_socket_or_none(tmp_path):
    """The default path in the home folder would be shared by every gunicorn the same user starts."""
    assert gunicorn_settings()["control_socket_disable"] == "True"
    own = tmp_path / "site.ctl"
    told = gunicorn_settings(GUNICORN_CONTROL_SOCKET=str(own))
    assert (told["control_socket"], told["control_socket_disable"]) == (str(own), "False")


@pytest.mark.parametrize(
    ("cpu_max", "cores"),
    [("max 100000", None), ("100000 100000", 1), ("150000 100000", 2), ("5000 100000", 1), ("garbled", None)],
)
def test_a_containers_cpu_quota_caps_the_worker_count(tmp_path, cpu_max, cores):
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "deploy" / "gunicorn.conf.py")
    config = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(config)
    (tmp_path / "cpu.max").write_text(cpu_max)
    available = len(os.sched_getaffinity(0))
    assert config.available_cores(tmp_path / "cpu.max") == min(cores or available, available)


def test_a_gunicorn_setting_that_is_not_a_number_stops_start_up_naming_it():
    with pytest.raises(subprocess.CalledProcessError) as refused:
        gunicorn_settings(GUNICORN_THREADS="four")
    assert "GUNICORN_THREADS must be a whole number, not 'four'" in refused.value.stderr
