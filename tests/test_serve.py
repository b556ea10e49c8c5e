"""The production path outside a container: deploy/entrypoint.sh runs gunicorn, WhiteNoise serves static files."""

import os
import re
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection

from tests.serving import (
    ROOT,
    SiteDidNotStart,
    free_port,
    postgres_url,
    scratch_database,
    served,
    silent_database,
    site_environment,
)

pytestmark = pytest.mark.django_db


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, https: bool = False):
    """GET, as if through a TLS-terminating proxy when `https`."""
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"} if https else {})
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def site(tmp_path):
    """gunicorn through the entrypoint, behind a pretend TLS proxy, on this test's database or a new SQLite file."""
    if connection.vendor == "postgresql":
        url = postgres_url(connection.settings_dict["NAME"])
    else:
        url = f"sqlite:///{tmp_path / 'served.sqlite3'}"
    environment = {
        **site_environment(url, tmp_path / "static", free_port(), behind_tls_proxy=True),
        "WEB_CONCURRENCY": "1",
    }
    try:
        with served(environment) as base:
            yield base
    except SiteDidNotStart as error:
        pytest.fail(f"gunicorn did not start: {error}")


def test_gunicorn_serves_pages_and_static_files_securely(site):
    assert fetch(f"{site}/healthz/")[0] == 200
    # Plain HTTP is sent to HTTPS; the health check is not, so a load balancer can ask over HTTP.
    status, headers, _body = fetch(f"{site}/trusts/")
    assert status == 301 and headers["Location"] == f"https://{site.removeprefix('http://')}/trusts/"

    status, headers, body = fetch(f"{site}/trusts/RAN/", https=True)
    assert status == 200 and b"Royal National Orthopaedic Hospital" in body
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "csrftoken" not in headers.get("Set-Cookie", "")

    # Pages link the stylesheet by a name holding its hash, so it may be cached for ever.
    stylesheet = re.search(rb'href="(/static/css/site\.[0-9a-f]{12}\.css)"', body)
    assert stylesheet, "The page links no hashed stylesheet."
    status, headers, body = fetch(f"{site}{stylesheet[1].decode()}", https=True)
    assert status == 200 and b"NHS.UK service manual" in body
    assert headers["Content-Type"].startswith("text/css")
    assert "immutable" in headers["Cache-Control"] and "max-age=315360000" in headers["Cache-Control"]

    status, _headers, body = fetch(f"{site}/contracts/london-lsp/compare/?outcome=lost&_export=csv", https=True)
    assert status == 200 and body.startswith(b"identifier,organisation,")


def read_slowly(address: str, path: str, bytes_per_second: int) -> bytes:
    """A client on a slow line: a small receive window, read at a fixed rate. HTTP/1.0, so the body ends at close."""
    host, port = address.removeprefix("http://").split(":")
    with socket.socket() as client:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        client.connect((host, int(port)))
        client.sendall(f"GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
        received, started = bytearray(), time.monotonic()
        while chunk := client.recv(64 * 1024):
            received += chunk
            time.sleep(max(0.0, len(received) / bytes_per_second - (time.monotonic() - started)))
    return bytes(received)


def test_a_slow_client_gets_the_whole_of_a_large_export(tmp_path):
    """A download that takes longer than the server's worker timeout still arrives whole: gunicorn's threaded
    workers keep their heartbeat while a thread waits on the client (a sync worker is killed mid-file). On
    PostgreSQL the export streams from COPY, elsewhere from a cursor."""
    with scratch_database(tmp_path, "large") as database:
        for command in (["migrate"], ["generate_synthetic", "--organisations", "2000", "--systems", "10"]):
            subprocess.run([sys.executable, "manage.py", *command, "-v0"], cwd=ROOT, check=True,
                           capture_output=True, env={**os.environ, "DATABASE_URL": database})  # fmt: skip
        environment = {
            **site_environment(database, tmp_path / "static", free_port()),
            "LOAD_SEED_IF_EMPTY": "false",
            "WEB_CONCURRENCY": "1",
            "GUNICORN_TIMEOUT": "1",
        }
        with served(environment) as site:
            started = time.monotonic()
            response = read_slowly(site, "/entitlements/?_export=csv", bytes_per_second=2_000_000)
            seconds = time.monotonic() - started
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 200")
    assert seconds > 3, "The download was meant to outlast the worker timeout several times over."
    lines = body.decode().splitlines()
    assert lines[0].startswith("contract,revision,identifier,")
    assert len(lines) == 1 + 100_000 and lines[-1].count(",") == lines[0].count(",")


def timed_fetch(url: str) -> tuple[int, float, bytes]:
    started = time.monotonic()
    status, _headers, body = fetch(url)
    return status, time.monotonic() - started, body


def test_a_database_that_never_answers_gives_503s_promptly_not_a_hang(tmp_path):
    """The database accepts connections and then says nothing: the health check answers within its time and a
    page gives up at the connect timeout, instead of both hanging until the worker is killed."""
    with silent_database() as port:
        environment = {
            **site_environment(f"postgres://nobody@127.0.0.1:{port}/hung", tmp_path / "static", free_port()),
            "MIGRATE_ON_START": "false", "LOAD_SEED_IF_EMPTY": "false", "COLLECT_STATIC": "false",
            # The health check gives up before the connection does, so its answer is "no answer", not "refused".
            "DATABASE_CONNECT_TIMEOUT": "3", "HEALTH_CHECK_SECONDS": "1", "WEB_CONCURRENCY": "1",
        }  # fmt: skip
        server = subprocess.Popen(["sh", "deploy/entrypoint.sh"], cwd=ROOT, env=environment,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
        try:
            site = f"http://{environment['BIND']}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    status, seconds, body = timed_fetch(f"{site}/healthz/")
                    break
                except OSError:
                    assert server.poll() is None and time.monotonic() < deadline, server.stderr.read().decode()[-2000:]
                    time.sleep(0.3)
            assert status == 503 and seconds < 3, (status, seconds)
            assert b"no answer within 1 s" in body
            status, seconds, body = timed_fetch(f"{site}/trusts/RAN/")
            assert status == 503 and seconds < 7, (status, seconds)
            assert b"Temporarily unavailable" in body
            # Checks while the first is still unanswered wait on it: they neither hang nor pile up.
            assert [timed_fetch(f"{site}/healthz/")[0] for _ in range(3)] == [503, 503, 503]
        finally:
            server.terminate()
            server.wait(timeout=30)


def our_copies(database: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # within a transaction, the view is otherwise frozen
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND query LIKE 'COPY (SELECT%%'"
            " AND state <> 'idle' AND backend_type = 'client backend'",
            [database],
        )
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="exports stream from COPY on PostgreSQL only")
def test_an_export_whose_client_goes_away_ends_its_copy_promptly(tmp_path):
    """Half a million rows (about 60 MB of CSV) are more than every buffer between PostgreSQL and the client holds,
    so the COPY is still sending when the client goes."""
    with scratch_database(tmp_path, "abandoned") as database:
        for command in (["migrate"], ["generate_synthetic", "--organisations", "5000", "--systems", "20"]):
            subprocess.run([sys.executable, "manage.py", *command, "-v0"], cwd=ROOT, check=True,
                           capture_output=True, env={**os.environ, "DATABASE_URL": database})  # fmt: skip
        name = database.rsplit("/", 1)[1]
        environment = {
            **site_environment(database, tmp_path / "static", free_port()),
            "LOAD_SEED_IF_EMPTY": "false",
            "WEB_CONCURRENCY": "1",
        }
        with served(environment) as site:
            host, port = site.removeprefix("http://").split(":")
            for _client in range(4):
                abandoning = socket.create_connection((host, int(port)))
                abandoning.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
                abandoning.sendall(f"GET /entitlements/?_export=csv HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
                assert abandoning.recv(16 * 1024).startswith(b"HTTP/1.0 200")
                time.sleep(0.5)
                assert our_copies(name) == 1, "The export's COPY should be under way while its client reads."
                abandoning.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                abandoning.close()  # gone, as a closed browser tab is
                deadline = time.monotonic() + 5
                while our_copies(name) and time.monotonic() < deadline:
                    time.sleep(0.2)
                assert our_copies(name) == 0, "A COPY went on after its client had gone."
            status, _headers, body = fetch(f"{site}/entitlements/?_export=csv&system=synthetic-system-01")
            assert status == 200 and body.count(b"\n") > 1000
