"""The site as production runs it (deploy/entrypoint.sh: migrations, the seed if empty, gunicorn, WhiteNoise),
on loopback over plain HTTP, for a browser to drive."""

import os
import secrets
import socket
import subprocess
import threading
import time
import urllib.request
import uuid
from contextlib import contextmanager, nullcontext
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]  # fmt: skip


class SiteDidNotStart(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def site_environment(database_url: str, static_root: Path, port: int, behind_tls_proxy: bool = False) -> dict:
    """Production settings for a site on loopback: over plain HTTP (no redirect to HTTPS, cookies not HTTPS-only),
    or, `behind_tls_proxy`, exactly as production, trusting X-Forwarded-Proto."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "LOAD_SEED_IF_EMPTY": "true",
        "STATIC_ROOT": str(static_root),
    }
    if behind_tls_proxy:
        return {**environment, "SECURE_PROXY_SSL_HEADER": "true"}
    return {**environment, "SECURE_SSL_REDIRECT": "false", "SECURE_COOKIES": "false", "SECURE_HSTS_SECONDS": "0"}


def postgres_url(name: str) -> str:
    """The address of database `name` on the test database's PostgreSQL server, as the same user."""
    database = connection.settings_dict
    return f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{name}"


@contextmanager
def served(environment: dict):
    """Runs the entrypoint until the block ends; yields the site's address once /healthz/ answers."""
    server = subprocess.Popen(["sh", "deploy/entrypoint.sh"], cwd=ROOT, env=environment,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    url = f"http://{environment['BIND']}"
    deadline = time.monotonic() + 120
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz/", timeout=5):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    raise SiteDidNotStart(server.stderr.read().decode()[-3000:] if server.stderr else "") from None
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextmanager
def scratch_database(folder: Path, purpose: str, unblock=nullcontext):
    """A new, empty database beside the test database, as a DATABASE_URL: on PostgreSQL when the tests use it
    (dropped afterwards), else a SQLite file in `folder`. `unblock` lets a fixture outside a test reach the server.
    """
    if connection.vendor != "postgresql":
        yield f"sqlite:///{folder / f'{purpose}.sqlite3'}"
        return
    name = f"nhsit_{purpose}_{uuid.uuid4().hex[:8]}"
    with unblock(), connection._nodb_cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    try:
        yield postgres_url(name)
    finally:
        with unblock(), connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def silent_database():
    """A port on loopback that accepts connections and never says a word: a database that has hung."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stopping = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stopping.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stopping.set()
        acceptor.join()
        for connection_ in held:
            connection_.close()
        listener.close()
