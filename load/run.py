"""Load test: gunicorn on PostgreSQL with the seed, analysts reading and exporting while an editor saves.

Loopback only, bounded in time. Prints requests per second, p50/p95/p99 latency and errors per kind of
request, then checks that every save the editor was told succeeded is in the database and its history.
Exits non-zero on any error or lost write. Run with `make load` (see README, "Load test").
"""

import argparse
import csv
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
BIND = "127.0.0.1:8765"
EDITOR, PASSWORD = "load-editor", secrets.token_urlsafe(16)


def manage(environment: dict, *arguments: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *arguments], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(arguments)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def fresh_database(url: str) -> None:
    import psycopg2

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    connection = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, password=parts.password, dbname="postgres"
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def wait_until_healthy(deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{BIND}/healthz/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit("gunicorn did not become healthy in time")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/nhsit_load")
    parser.add_argument("--users", type=int, default=20, help="Concurrent analysts (plus one editor).")
    parser.add_argument("--run-time", default="30s", help="How long to drive the load, e.g. 30s, 2m.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers.")
    options = parser.parse_args()

    environment = {
        **os.environ,
        "DATABASE_URL": options.database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback: no redirect to HTTPS, cookies not HTTPS-only.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "BIND": BIND,
        "WEB_CONCURRENCY": str(options.workers),
        "LOGIN_FAILURE_LIMIT": "1000",
    }
    fresh_database(options.database_url)
    manage(environment, "migrate", "--noinput", "-v", "0")
    manage(environment, "load_seed")
    edit_id = manage(
        environment,
        "shell",
        "-c",
        "from django.contrib.auth.models import Group, Permission, User; from contracts.models import Entitlement; "
        f"u = User.objects.create_user('{EDITOR}', password='{PASSWORD}', is_staff=True); "
        "u.groups.add(Group.objects.get(name='Editor')); "
        # The seeded revisions are published: changing their rows is a correction.
        "u.user_permissions.add(Permission.objects.get(codename='correct_published_data')); "
        "print(Entitlement.objects.get(revision__code='ccn3', organisation__code='RV3', system__slug='rio').pk)",
    ).split()[-1]

    server = subprocess.Popen(["sh", "deploy/entrypoint.sh"], cwd=ROOT, env=environment,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    results = Path(tempfile.mkdtemp(prefix="nhsit-load-"))
    try:
        wait_until_healthy(time.monotonic() + 60)
        locust = subprocess.run(
            [
                PYTHON, "-m", "locust", "-f", str(ROOT / "load" / "locustfile.py"), "--headless",
                "--host", f"http://{BIND}", "--users", str(options.users + 1), "--spawn-rate", str(options.users + 1),
                "--run-time", options.run_time, "--stop-timeout", "10", "--csv", str(results / "load"),
                "--only-summary", "--loglevel", "WARNING",
            ],
            cwd=ROOT / "load",
            env={**environment, "LOAD_EDIT_URL": f"/admin/contracts/entitlement/{edit_id}/change/",
                 "LOAD_SAVES_FILE": str(results / "saves.json"), "LOAD_EDITOR": EDITOR, "LOAD_PASSWORD": PASSWORD},
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)

    stats_file = results / "load_stats.csv"
    if not stats_file.exists():
        sys.exit(f"locust wrote no results:\n{locust.stdout}{locust.stderr}")
    errors = report(stats_file)
    lost = lost_writes(environment, edit_id, json.loads((results / "saves.json").read_text()))
    if errors or lost:
        print(f"\nFAILED: {errors} request errors, {lost} lost writes.")
        return 1
    print("\nPassed: no request failed and no write was lost.")
    return 0


def report(stats_file: Path) -> int:
    rows = list(csv.DictReader(stats_file.open()))
    print(f"\n{'request':<30} {'count':>7} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>7}")
    for row in rows:
        name = "all requests" if row["Name"] == "Aggregated" else row["Name"]
        print(
            f"{name:<30} {row['Request Count']:>7} {float(row['Requests/s']):>7.1f} {row['50%']:>7} "
            f"{row['95%']:>7} {row['99%']:>7} {row['Failure Count']:>7}"
        )
    failures = stats_file.with_name("load_failures.csv")
    if failures.exists():
        for row in csv.DictReader(failures.open()):
            print(f"  error: {row['Name']}: {row['Error']} ({row['Occurrences']}×)")
    return sum(int(row["Failure Count"]) for row in rows if row["Name"] == "Aggregated")


def lost_writes(environment: dict, edit_id: str, saves: list[str]) -> int:
    """Saves the editor was told succeeded that are not the record's latest value or not in its history."""
    recorded = json.loads(
        manage(
            environment,
            "shell",
            "-c",
            f"import json; from contracts.models import Entitlement; e = Entitlement.objects.get(pk={edit_id}); "
            "print(json.dumps({'notes': e.notes, 'history': [h.notes for h in e.history.order_by('history_id')]}))",
        )
        .strip()
        .splitlines()[-1]
    )
    in_history = [note for note in recorded["history"] if note.startswith("load test save")]
    lost = len(set(saves) - set(in_history)) + (1 if saves and recorded["notes"] != saves[-1] else 0)
    print(f"\neditor: {len(saves)} saves acknowledged, {len(in_history)} in the history, latest "
          f"{'kept' if not saves or recorded['notes'] == saves[-1] else 'LOST'}")  # fmt: skip
    return lost


if __name__ == "__main__":
    sys.exit(main())
