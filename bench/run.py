"""Benchmark at national scale: the tool's pages and exports beside PostgreSQL's COPY and Datasette.

On PostgreSQL, with the synthetic dataset (generated once, then reused), one run measures each page and
export over HTTP against gunicorn, interleaved with the two references measured the same way in the same
rounds: `COPY (the export's query) TO STDOUT WITH CSV`, and Datasette serving a SQLite copy of the same rows.
It prints a table of medians, 95th percentiles, queries per request, rows per second, the server's memory
growth during each export, and each measure as a ratio to its reference (the median of per-round ratios,
since this machine is noisy). Loopback only. Run with `make bench` (see README, "Benchmark").
"""

import argparse
import csv
import io
import json
import os
import re
import secrets
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, closing
from dataclasses import asdict, dataclass, field
from html import unescape
from pathlib import Path
from typing import cast
from urllib.parse import urljoin, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
OURS, DATASETTE = "127.0.0.1:8766", "127.0.0.1:8767"
CONTRACT = "synthetic-national"
PAGE_ROUNDS, EXPORT_ROUNDS = 15, 3
FLAGS = (
    "only_pages",
    "only_exports",
    "skip_all_rows",
    "skip_ocds",
    "skip_query_counts",
)  # passed on to each size's run
MAX_ORGANISATIONS = 99_999  # what the synthetic generator makes at most
# A link of a page's navigation: its attributes (rel, href) and its text (a page's number, "Next →", "Last").
PAGE_LINK = re.compile(r"<a ([^>]*)>([^<]*)</a>")
HREF, REL = re.compile(r'href="([^"]*)"'), re.compile(r'rel="(\w+)"')

# The SQLite copy: one row per entitlement, with what the tool's entitlements export writes.
SQLITE_COLUMNS = ["contract", "revision", "identifier", "organisation", "kind", "sector", "system", "status",
                  "delivery_model", "slot", "reason"]  # fmt: skip


@dataclass
class Measure:
    name: str
    url: str
    rounds: int
    reference: str | None = None  # the name of the measure this one is compared with
    rate: bool = False  # rows per second (higher is better) rather than seconds
    copy_sql: str | None = None  # measured by COPY on a connection, not over HTTP
    times: list[float] = field(default_factory=list)
    rows: int = 0
    queries: int | None = None
    memory_growth: list[int] = field(default_factory=list)
    zipped: bool = False  # a zip or a document, whose lines are not its rows: its rows are set beforehand
    counted: bool = True  # its queries counted in-process, by one more request


def load() -> str:
    """The machine's load average over 1, 5 and 15 minutes: how much else was running beside what is measured."""
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def manage(environment: dict, *arguments: str) -> None:
    subprocess.run([PYTHON, "manage.py", *arguments], cwd=ROOT, env=environment, check=True)


def connect(url: str, database: str | None = None):
    import psycopg2

    parts = urlparse(url)
    return psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname=database or parts.path.lstrip("/"),
    )


def synthetic_dataset(url: str, environment: dict, options) -> None:
    """Generate the synthetic contract unless this database already holds exactly it."""
    name = urlparse(url).path.lstrip("/")
    admin = connect(url, "postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
    expected = options.organisations * options.systems * options.revisions
    if exists:
        with closing(connect(url)) as connection, connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('contracts_entitlement') IS NOT NULL")
            held = cursor.fetchone()[0]
            if held:
                cursor.execute("SELECT count(*) FROM contracts_entitlement")
                held = cursor.fetchone()[0]
        if held == expected:
            print(f"Reusing {name}: {expected:,} synthetic entitlements.")
            manage(environment, "migrate", "--noinput", "-v0")
            return
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    manage(environment, "migrate", "--noinput", "-v0")
    manage(environment, "generate_synthetic", *synthetic_arguments(options))


def vacuum_analyze(url: str) -> None:
    """Fresh statistics and visibility map, so that plans and index-only scans are what a settled database gets."""
    connection = connect(url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.close()


def synthetic_arguments(options) -> list[str]:
    return [
        f"--organisations={options.organisations}",
        f"--systems={options.systems}",
        f"--revisions={options.revisions}",
        f"--seed={options.seed}",
    ]


def sqlite_copy(url: str, path: Path) -> int:
    """The same entitlements in one SQLite table, indexed on the columns the measured filters use."""
    with connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM contracts_entitlement")
        expected = cursor.fetchone()[0]
        if path.exists():
            with closing(sqlite3.connect(path)) as existing:
                if existing.execute("SELECT count(*) FROM entitlements").fetchone()[0] == expected:
                    indexed(existing)
                    full_text(existing)
                    return expected
            path.unlink()
        print(f"Copying {expected:,} entitlements to SQLite for Datasette…")
        buffer = io.StringIO()
        cursor.copy_expert(
            """COPY (SELECT c.slug, r.code, o.code, o.name, o.kind, o.sector, s.slug, e.status,
                        e.delivery_model, e.deployment_slot, e.withdrawal_reason
                   FROM contracts_entitlement e JOIN contracts_revision r ON r.id = e.revision_id
                   JOIN contracts_contract c ON c.id = r.contract_id
                   JOIN trusts_organisation o ON o.id = e.organisation_id JOIN contracts_system s ON s.id = e.system_id
                   ORDER BY c.slug, r.sequence, o.name, s.name) TO STDOUT WITH CSV""",
            buffer,
        )
    buffer.seek(0)
    with sqlite3.connect(path) as database:
        database.execute(f"CREATE TABLE entitlements ({', '.join(SQLITE_COLUMNS)})")
        placeholders = ", ".join("?" * len(SQLITE_COLUMNS))
        database.executemany(f"INSERT INTO entitlements VALUES ({placeholders})", csv.reader(buffer))
        indexed(database)
        full_text(database)
    return expected


def indexed(database: sqlite3.Connection) -> None:
    """The indexes an analyst would make for the measured filters: system and kind, revision, one organisation."""
    database.execute("CREATE INDEX IF NOT EXISTS entitlements_system_kind ON entitlements (system, kind)")
    database.execute("CREATE INDEX IF NOT EXISTS entitlements_revision ON entitlements (revision)")
    database.execute("CREATE INDEX IF NOT EXISTS entitlements_identifier ON entitlements (identifier)")
    database.execute("ANALYZE")
    database.commit()


def full_text(database: sqlite3.Connection) -> None:
    """Datasette's search (`?_search=`) over organisations' names and systems, as `sqlite-utils enable-fts` sets it
    up: an FTS5 table over the copy's own rows, which Datasette finds by its name and content."""
    if database.execute("SELECT 1 FROM sqlite_master WHERE name = 'entitlements_fts'").fetchone():
        return
    database.execute("CREATE VIRTUAL TABLE entitlements_fts USING fts5(organisation, system, content=[entitlements])")
    database.execute("INSERT INTO entitlements_fts (entitlements_fts) VALUES ('rebuild')")
    database.commit()


def start(command: list[str], environment: dict, health_url: str) -> subprocess.Popen:
    process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(health_url, timeout=5):
                return process
        except OSError:
            if process.poll() is not None:
                sys.exit(f"{command[2]} exited:\n{process.stderr.read().decode() if process.stderr else ''}")
            time.sleep(0.3)
    process.kill()
    sys.exit(f"{command} did not answer in time")


def worker_pid(master: int) -> int:
    """gunicorn's single worker: the process whose parent is the master."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().split(") ")[1].split()[1]) == master:
                    return int(entry.name)
            except (OSError, IndexError, ValueError):
                continue
    sys.exit("gunicorn's worker was not found")


def rss(pid: int) -> int:
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class MemoryWatch:
    """The most a process's resident memory grows over a block, sampled every 10 ms."""

    def __init__(self, pid: int):
        self.pid, self.peak, self.running = pid, 0, True

    def __enter__(self):
        self.start = rss(self.pid)
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()
        return self

    def sample(self):
        while self.running:
            self.peak = max(self.peak, rss(self.pid))
            time.sleep(0.01)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()
        self.growth = max(self.peak, rss(self.pid)) - self.start


def fetch(url: str) -> tuple[float, int]:
    """Seconds to receive the whole answer, and how many lines it held."""
    started = time.perf_counter()
    lines = 0
    with urllib.request.urlopen(url, timeout=600) as response:
        if response.status != 200:
            sys.exit(f"{url} answered {response.status}")
        while chunk := response.read(1 << 18):
            lines += chunk.count(b"\n")
    return time.perf_counter() - started, lines


def copy_run(sql: str, parameters: dict, settings: dict) -> tuple[float, int]:
    class Counter(io.RawIOBase):
        lines = 0

        def write(self, data):
            self.lines += bytes(data).count(b"\n")
            return len(data)

    import psycopg2

    sink = Counter()
    with closing(psycopg2.connect(**parameters)) as connection, connection.cursor() as cursor:
        for name, value in settings.items():
            cursor.execute(f"SET {name} = {value}")
        started = time.perf_counter()
        cursor.copy_expert(f"COPY ({sql}) TO STDOUT WITH CSV HEADER", sink)
        return time.perf_counter() - started, sink.lines


def copy_connection() -> dict:
    """What the export's connection gets, for COPY to get the same: its options (DATABASE_PG_OPTIONS: jit off) and
    its session settings."""
    from django.db import connection

    from nhsit.lib.copy_export import EXPORT_SETTINGS

    parameters = connection.get_connection_params()
    return {
        "parameters": {name: value for name, value in parameters.items() if isinstance(value, str | int)},
        "settings": EXPORT_SETTINGS,
    }


def export_sql(filters: dict) -> str:
    """The entitlements export's own query (the same rows, joins and order), without its cell neutralising."""
    from django.db import connection

    from contracts.exports import ENTITLEMENT_FIELDS, source_keys
    from contracts.selectors.entitlements import entitlement_rows

    rows = entitlement_rows().filter(**filters).annotate(source_keys=source_keys()).values_list(*ENTITLEMENT_FIELDS)
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        return cursor.mogrify(sql, params).decode()


def queries_per_request(path: str) -> int:
    """How many queries the page or export runs, counted in this process against the same database."""
    from django.db import connection
    from django.http import StreamingHttpResponse
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = Client().get(path)
        if response.streaming:
            for _ in cast(Iterator[bytes], cast(StreamingHttpResponse, response).streaming_content):
                pass
    if response.status_code != 200:
        sys.exit(f"{path} answered {response.status_code}")
    return len(captured)


def deep_url(first: str, label: str, hops: int) -> str | None:
    """The page a reader reaches deepest from `first` by the links of its navigation named `label`: its "last" link,
    else its highest numbered page, else (pages that offer only "next", as cursor pages do) `hops` "next" links on.
    None where the data is too small for a second page."""
    from django.test import Client

    url = first
    for _hop in range(hops):
        response = Client().get(url.removeprefix(f"http://{OURS}"))
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}")
        html = response.content.decode()
        start = html.find(f'aria-label="{label}"')
        if start < 0:
            break
        nav = html[start : html.find("</nav>", start)]
        links = nav_links(nav)
        last = [href for rel, href, _text in links if rel == "last"]
        numbered = [(int(text), href) for _rel, href, text in links if text.isdigit()]
        if last or numbered:
            return urljoin(url, last[0] if last else max(numbered)[1])
        following = [href for rel, href, _text in links if rel == "next"]
        if not following:
            break
        url = urljoin(url, following[0])
    if url == first:
        print(f"{first} offers no page beyond its first ({label}): its deep page is not measured.", file=sys.stderr)
        return None
    return url


def nav_links(nav: str) -> list[tuple[str, str, str]]:
    """Each link of a navigation as (what it leads to: its rel, else the first word of its text; href; text)."""
    links = []
    for attributes, text in PAGE_LINK.findall(nav):
        href, rel = HREF.search(attributes), REL.search(attributes)
        if href is not None and text.strip():
            kind = rel.group(1) if rel else text.strip().split()[0].lower()
            links.append((kind, unescape(href.group(1)).split("#")[0], text.strip()))
    return links


def page(name: str, url: str | None, reference: str, options) -> Measure | None:
    """A page measured against `reference`; none where there is no such page (a deep page of a small dataset)."""
    return Measure(name, url, options.rounds, reference) if url is not None else None


def measures(options) -> list[Measure]:
    from contracts.api.pagination import cursor_after
    from contracts.models import Entitlement, Revision, Source, System
    from organisations.models import Organisation

    system = System.objects.order_by("name")[options.systems // 2]
    trust = Organisation.objects.filter(kind__slug="acute").order_by("code")[0]
    latest = Revision.objects.filter(contract__slug=CONTRACT).order_by("-sequence")[0]
    ours, datasette = f"http://{OURS}", f"http://{DATASETTE}/bench/entitlements"
    chosen = f"?system={system.slug}&kind=acute"
    # The API's cursor for the page that starts after the 50th-last of those rows: as deep as the list goes.
    matching = Entitlement.objects.filter(system=system, organisation__kind__slug="acute").order_by("-id")
    deep = cursor_after(list(matching.values_list("id", flat=True)[:51])[-1])
    # The entitlement list's cursor for a page 60 rows from its end, and Datasette's for a page as deep (its rowid).
    from contracts.selectors.entitlements import entitlement_key
    from nhsit.lib.keyset import cursor_text

    last = Entitlement.objects.filter(revision=latest).select_related("organisation", "system")
    near_end = list(last.order_by("-organisation__name", "-system__name", "-pk")[:61])[-1]
    total = Entitlement.objects.count()
    facets = "?_facet=kind&_facet=system&kind=acute"
    # A rare term names one organisation (its number, a word of its name); every organisation's name holds the common.
    rare = Organisation.objects.order_by("code")[Organisation.objects.count() // 2].name.split()[-1]
    common = "Trust"
    compare = f"{ours}/contracts/{CONTRACT}/compare/"
    filtered, keyset, faceted, row, one_organisation, sorted_by_system = (
        "Datasette: filtered table page",
        "Datasette: table page, deep (?_next=)",
        "Datasette: faceted filter page",
        "Datasette: row page",
        "Datasette: one organisation's rows",
        "Datasette: table sorted by system",
    )
    if options.only_exports:
        return export_measures(options, ours=ours, datasette=datasette, latest=latest.code, total=total)
    pages: list[Measure | None] = [
        Measure(filtered, f"{datasette}{chosen}", options.rounds),
        Measure(keyset, f"{datasette}?_next={max(total - 60, 1)}", options.rounds),
        Measure(faceted, f"{datasette}{facets}", options.rounds),
        Measure(row, f"{datasette}/{total // 2}", options.rounds),
        # What an organisation's page shows: its entitlements in every revision (by its index on the copy).
        Measure(one_organisation, f"{datasette}?identifier={trust.code}", options.rounds),
        # Sorted by a column its index leads with, read from the index (Datasette pages sorts by ?_next= too).
        Measure(sorted_by_system, f"{datasette}?_sort=system", options.rounds),
        Measure("Datasette: search, common term", f"{datasette}?_search={common}", options.rounds),
        Measure("Datasette: search, rare term", f"{datasette}?_search={rare}", options.rounds),
        page("Home", f"{ours}/", faceted, options),
        page("Contract page", f"{ours}/contracts/{CONTRACT}/", faceted, options),
        page("Entitlements, page 1", f"{ours}/entitlements/", keyset, options),
        page(
            "Entitlements, deep (?after=)",
            f"{ours}/entitlements/?after={cursor_text(entitlement_key(near_end))}",
            keyset,
            options,
        ),
        page("Entitlements, by kind (faceted)", f"{ours}/entitlements/?kind=acute", faceted, options),
        page(
            "Entitlements, sorted by system, page 2",
            f"{ours}/entitlements/?sort=system&page=2",
            sorted_by_system,
            options,
        ),
        page("Organisations list, page 1", f"{ours}/trusts/", filtered, options),
        page("Organisations list, sorted by name", f"{ours}/trusts/?sort=-name", filtered, options),
        page(
            "Organisations list, deep",
            deep_url(f"{ours}/trusts/", "Pages of results", options.deep_hops),
            keyset,
            options,
        ),
        page("Trust list, by kind and system", f"{ours}/trusts/{chosen}", filtered, options),
        page(
            "Organisations list, searched, common term",
            f"{ours}/trusts/?q={common}",
            "Datasette: search, common term",
            options,
        ),
        page(
            "Organisations list, searched, rare term",
            f"{ours}/trusts/?q={rare}",
            "Datasette: search, rare term",
            options,
        ),
        page("Trust page", f"{ours}/trusts/{trust.identifier}/", one_organisation, options),
        page("Systems list", f"{ours}/systems/", faceted, options),
        page("System page", f"{ours}/systems/{system.slug}/", filtered, options),
        page("Sources list", f"{ours}/sources/", filtered, options),
    ]
    source = Source.objects.order_by("pk").first()
    if source is not None:
        pages.append(page("Source page", f"{ours}/sources/{source.pk}/", row, options))
    else:
        print("The data holds no source: the source page is not measured.", file=sys.stderr)
    pages += [
        page("Data quality", f"{ours}/data-quality/", faceted, options),
        page("Search, common term", f"{ours}/search/?q={common}", "Datasette: search, common term", options),
        page("Search, rare term", f"{ours}/search/?q={rare}", "Datasette: search, rare term", options),
        page("About", f"{ours}/about/", row, options),
        page("Download page", f"{ours}/download/", row, options),
        page("Feed: contract", f"{ours}/contracts/{CONTRACT}/feed/", row, options),
        page("Feed: system", f"{ours}/systems/{system.slug}/feed/", row, options),
        page("Feed: organisation", f"{ours}/trusts/{trust.identifier}/feed/", one_organisation, options),
        page("API: entitlements, by kind and system", f"{ours}/api/entitlements/{chosen}", filtered, options),
        page(
            "API: the same, a page deep in the list",
            f"{ours}/api/entitlements/{chosen}&cursor={deep}",
            filtered,
            options,
        ),
        page("API: compare", f"{ours}/api/contracts/{CONTRACT}/compare/", filtered, options),
        page("API: organisation", f"{ours}/api/organisations/{trust.identifier}/", one_organisation, options),
        page("Compare, one system and outcome", f"{compare}?system={system.slug}&outcome=lost", filtered, options),
        page("Compare, by kind and outcome", f"{compare}?kind=acute&outcome=lost", filtered, options),
        page("Compare, one system (whole matrix)", f"{compare}?system={system.slug}", filtered, options),
        page("Compare, all systems (whole matrix)", compare, filtered, options),
        page("Compare, deep", deep_url(compare, "Pages of the matrix", options.deep_hops), keyset, options),
    ]
    measured = [measure for measure in pages if measure is not None]
    if options.only_pages or options.export_rounds < 1:
        return measured
    return measured + export_measures(options, ours=ours, datasette=datasette, latest=latest.code, total=total)


def export_measures(options, *, ours: str, datasette: str, latest: str, total: int) -> list[Measure]:
    one = f"COPY: one revision ({latest})"
    exports = [
        Measure(one, "", options.export_rounds, rate=True, copy_sql=export_sql({"revision__code": latest})),
        Measure(
            f"Datasette CSV: one revision ({latest})",
            f"{datasette}.csv?revision={latest}&_stream=on&_size=max",
            options.export_rounds,
            one,
            rate=True,
        ),
        Measure(
            f"Export CSV: one revision ({latest})",
            f"{ours}/entitlements/?revision={latest}&_export=csv",
            options.export_rounds,
            one,
            rate=True,
        ),
    ]
    if not options.skip_all_rows:
        exports += [
            Measure("COPY: all rows", "", options.export_rounds, rate=True, copy_sql=export_sql({})),
            Measure(
                "Datasette CSV: all rows",
                f"{datasette}.csv?_stream=on&_size=max",
                options.export_rounds,
                "COPY: all rows",
                True,
            ),
            Measure(
                "Export CSV: all rows",
                f"{ours}/entitlements/?_export=csv",
                options.export_rounds,
                "COPY: all rows",
                True,
            ),
            Measure(
                "Data package: all.zip (every table)",
                f"{ours}/download/all.zip",
                options.export_rounds,
                "COPY: all rows",
                rate=True,
                rows=total,  # rows per second counts its entitlements, the bulk of it
                zipped=True,
            ),
        ]
    if not options.skip_all_rows and not options.skip_ocds:
        # One round, its queries not counted: it takes minutes at a million rows, and builds the whole document in
        # memory. Its rows per second count the entitlements of every revision it holds.
        ocds = f"{ours}/contracts/{CONTRACT}/ocds.json"
        exports.append(
            Measure(
                "OCDS release package (JSON)", ocds, 1, "COPY: all rows", True, rows=total, zipped=True, counted=False
            )
        )
    return exports


def report(all_measures: list[Measure], rounds: list[dict[str, float]]) -> None:
    print()
    header = (
        f"{'Measure':<42} {'median':>9} {'p95':>9} {'queries':>7} {'rows/s':>10} {'mem +MB':>8}  ratio to reference"
    )
    print(header)
    print("-" * len(header))
    for measure in all_measures:
        times = sorted(measure.times)
        median = statistics.median(times)
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        rate = f"{measure.rows / median:,.0f}" if measure.rate else ""
        memory = f"{max(measure.memory_growth) / 2**20:.1f}" if measure.memory_growth else ""
        ratio = ""
        if measure.reference:
            ratios = [
                r[measure.name] / r[measure.reference] for r in rounds if {measure.name, measure.reference} <= r.keys()
            ]
            ratio = f"{statistics.median(ratios):.2f} × {measure.reference}" if ratios else ""
        queries = "" if measure.queries is None else str(measure.queries)
        timing = f"{median * 1000:>7.0f}ms {p95 * 1000:>7.0f}ms"
        print(f"{measure.name:<42} {timing} {queries:>7} {rate:>10} {memory:>8}  {ratio}")
    print("\nPages: ratio is time (lower is better). Exports: ratio is rows per second (higher is better).")


@dataclass
class Database:
    """One database measured: what it holds, its measures, the servers that answer for it and each round's values."""

    label: str
    url: str
    total: int
    sqlite_path: str
    copy: dict  # the export's connection parameters and session settings, for COPY
    measures: list[Measure]
    ours: str = OURS
    datasette: str = DATASETTE
    worker: int = 0
    rounds: list[dict[str, float]] = field(default_factory=list)  # each round's value: seconds, or rows per second
    seconds: list[dict[str, float]] = field(default_factory=list)  # each round's time

    def measure(self, name: str) -> Measure | None:
        return next((measure for measure in self.measures if measure.name == name), None)


def take(measure: Measure, database: Database) -> float:
    """Measure once; returns its seconds."""
    if measure.copy_sql:
        seconds, lines = copy_run(measure.copy_sql, **database.copy)
    elif measure.rate and measure.url.startswith(f"http://{database.ours}"):
        with MemoryWatch(database.worker) as watch:
            seconds, lines = fetch(measure.url)
        measure.memory_growth.append(watch.growth)
    else:
        seconds, lines = fetch(measure.url)
    measure.times.append(seconds)
    measure.rows = max(lines - 1, 0) if measure.rate and not measure.zipped else measure.rows
    return seconds


def run_rounds(databases: list[Database]) -> None:
    """Each round takes every measure once in every database, the databases one right after the other (in turn
    first), so that a measure at each size sees the machine as it was at the other; starting one measure further
    along each round."""
    names = list(dict.fromkeys(measure.name for database in databases for measure in database.measures))
    most = max(measure.rounds for database in databases for measure in database.measures)
    for number in range(most):
        due = [
            name
            for name in names
            if any((measure := database.measure(name)) and number < measure.rounds for database in databases)
        ]
        shift, turn = number % len(due), number % len(databases)
        for database in databases:
            database.rounds.append({})
            database.seconds.append({})
        for name in due[shift:] + due[:shift]:
            for database in databases[turn:] + databases[:turn]:
                measure = database.measure(name)
                if measure is None or number >= measure.rounds:
                    continue
                seconds = take(measure, database)
                database.seconds[-1][name] = seconds
                database.rounds[-1][name] = (measure.rows / seconds) if measure.rate else seconds
        print(f"  round {number + 1} of {most} done", file=sys.stderr)


def server_environment(url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "API_ANON_RATE": "1000000/min",  # the API's throttle would otherwise be what is measured
    }


def prepare(options) -> int:
    """One database made ready to measure, in a process of its own (Django is set up once per process): its
    synthetic data, its SQLite copy, its measures and their queries per request, written to `options.plan`."""
    environment = server_environment(options.database_url)
    synthetic_dataset(options.database_url, environment, options)
    manage(environment, "collectstatic", "--noinput", "-v0")  # served by WhiteNoise, as in production
    vacuum_analyze(options.database_url)
    # One SQLite copy per database, each named bench.db, since Datasette serves it at /bench/.
    sqlite_path = ROOT / "bench" / "copies" / urlparse(options.database_url).path[1:] / "bench.db"
    sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    total = sqlite_copy(options.database_url, sqlite_path)

    os.environ.update(environment)
    os.environ["DJANGO_SETTINGS_MODULE"] = "nhsit.settings"
    import django

    django.setup()
    all_measures = measures(options)
    for measure in all_measures:
        if measure.url.startswith(f"http://{OURS}") and measure.counted and not options.skip_query_counts:
            measure.queries = queries_per_request(measure.url.removeprefix(f"http://{OURS}"))
    plan = {
        "total": total,
        "sqlite_path": str(sqlite_path),
        "copy": copy_connection(),
        "measures": [asdict(measure) for measure in all_measures],
    }
    Path(options.plan).write_text(json.dumps(plan))
    return 0


def prepared(options, label: str, url: str, organisations: int, number: int) -> Database:
    """The `number`th database, prepared by a process of its own, its servers on ports of their own."""
    path = ROOT / "bench" / "copies" / f"plan_{number}.json"
    path.parent.mkdir(exist_ok=True)
    arguments = [
        f"--plan={path}",
        f"--database-url={url}",
        f"--organisations={organisations}",
        f"--systems={options.systems}",
        f"--revisions={options.revisions}",
        f"--seed={options.seed}",
        f"--rounds={options.rounds}",
        f"--export-rounds={options.export_rounds}",
        f"--deep-hops={options.deep_hops}",
        *[f"--{flag.replace('_', '-')}" for flag in FLAGS if getattr(options, flag)],
    ]
    subprocess.run([PYTHON, __file__, *arguments], cwd=ROOT, check=True)
    plan = json.loads(path.read_text())
    host = OURS.split(":")[0]
    ours, datasette = f"{host}:{8766 + 2 * number}", f"{host}:{8767 + 2 * number}"
    all_measures = []
    for fields in plan["measures"]:
        measure = Measure(**fields)
        measure.url = measure.url.replace(f"http://{OURS}/", f"http://{ours}/", 1)
        measure.url = measure.url.replace(f"http://{DATASETTE}/", f"http://{datasette}/", 1)
        all_measures.append(measure)
    return Database(label, url, plan["total"], plan["sqlite_path"], plan["copy"], all_measures, ours, datasette)


def serve(database: Database, stack: ExitStack) -> None:
    """gunicorn as production runs it (deploy/gunicorn.conf.py), with one worker to time one request at a time, and
    Datasette beside it, each stopped when `stack` closes."""
    environment = server_environment(database.url)
    ours = start(
        [PYTHON, "-m", "gunicorn", "nhsit.wsgi", "--config", "deploy/gunicorn.conf.py"],
        {**environment, "BIND": database.ours, "WEB_CONCURRENCY": "1", "GUNICORN_TIMEOUT": "600"},
        f"http://{database.ours}/healthz/",
    )
    stack.callback(stopped, ours)
    datasette = start(
        [
            PYTHON,
            "-m",
            "datasette",
            "serve",
            "-i",
            database.sqlite_path,
            "--host",
            database.datasette.split(":")[0],
            "--port",
            database.datasette.split(":")[1],
            "--setting",
            "max_csv_mb",
            "0",
            "--setting",  # at its default 200 ms, facets over a million rows time out and are silently left out
            "facet_time_limit_ms",
            "10000",
            "--setting",  # at its default 1 s, a search every row matches is a 400 at ten million rows
            "sql_time_limit_ms",
            "60000",
        ],  # fmt: skip
        environment,
        f"http://{database.datasette}/-/versions.json",
    )
    stack.callback(stopped, datasette)
    database.worker = worker_pid(ours.pid)


def stopped(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait()


def warm(database: Database) -> None:
    """Each page once, to warm both servers and the database's cache; a page that answers with an error is said and
    left out, rather than ending the whole run."""
    for measure in list(database.measures):
        if not measure.rate:
            try:
                fetch(measure.url)
            except urllib.error.HTTPError as error:
                print(f"{database.label}: {measure.name}: {measure.url} answered {error.code}; not measured")
                database.measures.remove(measure)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/nhsit_bench")
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--systems", type=int, default=20)
    parser.add_argument("--revisions", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--sizes",
        help="entitlement counts to measure in the same rounds (100000,1000000), each in its own database "
        "(the --database-url name with the size after it), then each measure's growth from the first to the last",
    )
    parser.add_argument("--results", help="also write each measure's median, p95 and ratio here (JSON)")
    parser.add_argument("--rounds", type=int, default=PAGE_ROUNDS, help=f"rounds of pages (default {PAGE_ROUNDS})")
    parser.add_argument(
        "--export-rounds", type=int, default=EXPORT_ROUNDS, help=f"rounds of exports (default {EXPORT_ROUNDS}; 0: none)"
    )
    parser.add_argument("--only-pages", action="store_true", help="measure the pages, no export")
    parser.add_argument("--only-exports", action="store_true", help="measure the exports and COPY, no page")
    parser.add_argument(
        "--skip-query-counts", action="store_true", help="do not count each request's queries (one request less each)"
    )
    parser.add_argument(
        "--skip-ocds", action="store_true", help="leave out the OCDS release package (minutes at a million rows)"
    )
    parser.add_argument(
        "--skip-all-rows", action="store_true", help="leave out the exports of every row (one revision's remain)"
    )
    parser.add_argument(
        "--deep-hops",
        type=int,
        default=5,
        help="for lists paged only by 'next' links, how many of them the deep page is reached by (default 5)",
    )
    parser.add_argument("--plan", help=argparse.SUPPRESS)  # one database's preparation, run by the benchmark itself
    options = parser.parse_args()
    if options.rounds < 1 or options.export_rounds < 0 or options.deep_hops < 1:
        parser.error("--rounds and --deep-hops must be at least 1, --export-rounds at least 0")
    if options.only_pages and options.only_exports:
        parser.error("--only-pages and --only-exports leave nothing to measure: give one of them")
    if options.plan:
        return prepare(options)
    try:
        sizes = [int(size) for size in options.sizes.split(",")] if options.sizes else []
    except ValueError:
        parser.error("--sizes takes entitlement counts separated by commas: 100000,1000000")
    if any(size < 1 for size in sizes) or len(set(sizes)) < len(sizes):
        parser.error("--sizes takes different counts, each at least 1")

    per_organisation = options.systems * options.revisions
    if sizes:
        # The synthetic data holds at most 99,999 organisations: 10,000,000 is 9,999,900 rows at 20 systems × 5.
        wanted = [
            (f"{size:,}", f"{options.database_url}_{size}", min(max(size // per_organisation, 1), MAX_ORGANISATIONS))
            for size in sizes
        ]
    else:
        wanted = [(urlparse(options.database_url).path[1:], options.database_url, options.organisations)]
    print(f"Load average at the start: {load()}", flush=True)
    databases = []
    for number, (label, url, organisations) in enumerate(wanted):
        rows = organisations * per_organisation
        print(f"\n== {label}: {rows:,} entitlements (load: {load()}) ==", flush=True)
        databases.append(prepared(options, label, url, organisations, number))

    with ExitStack() as stack:
        for database in databases:
            serve(database, stack)
        for database in databases:
            warm(database)
        counted = ", ".join(f"{database.total:,}" for database in databases)
        print(f"\nMeasuring over {counted} entitlements in the same rounds (load: {load()})…", flush=True)
        run_rounds(databases)
        print(f"Load average at the end of measuring: {load()}", flush=True)
    for database in databases:
        print(f"\n== {database.label}: {database.total:,} entitlements ==")
        report(database.measures, database.rounds)
    if len(databases) > 1:
        growth_table(databases)
    if options.results:
        results = {database.label: summary(database.measures, database.rounds) for database in databases}
        Path(options.results).write_text(json.dumps(results))
    return 0


def summary(all_measures: list[Measure], rounds: list[dict[str, float]]) -> dict[str, dict]:
    """Each measure's median and p95 (seconds, or rows per second) and its ratio to its reference."""
    result = {}
    for measure in all_measures:
        values = sorted(measure.times)
        ratios = [
            r[measure.name] / r[measure.reference]
            for r in rounds
            if measure.reference and {measure.name, measure.reference} <= r.keys()
        ]
        result[measure.name] = {
            "median": statistics.median(values),
            "p95": values[min(len(values) - 1, round(0.95 * (len(values) - 1)))],
            "ratio": statistics.median(ratios) if ratios else None,
            "reference": measure.reference,
            "rate": measure.rate,
        }
    return result


def milliseconds(at: dict) -> str:
    return f"{at['median'] * 1000:.0f} / {at['p95'] * 1000:.0f}"


def growth_table(databases: list[Database]) -> None:
    """Each measure's median and p95 at every size, its growth from the first size to the last (the median of the
    rounds' ratios: each round measured both within seconds), and its ratio to its reference at the last."""
    first, last = databases[0], databases[-1]
    results = [summary(database.measures, database.rounds) for database in databases]
    print(f"\nGrowth from {first.label} to {last.label} entitlements (times in ms, median / p95):")
    columns = "".join(f"{database.label:>18}" for database in databases)
    header = f"{'Measure':<42}{columns} {'growth':>7}  ratio at {last.label}"
    print(header)
    print("-" * len(header))
    for name, at_last in results[-1].items():
        at_sizes = [result[name] for result in results if name in result]
        if len(at_sizes) < len(results):
            continue
        # In time for every measure: an export's rows grow with the data, so its time does too.
        paired = [
            later[name] / earlier[name]
            for earlier, later in zip(first.seconds, last.seconds, strict=True)
            if name in earlier and name in later
        ]
        cells = "".join(f"{milliseconds(at):>18}" for at in at_sizes)
        ratio = f"{at_last['ratio']:.2f} × {at_last['reference']}" if at_last["ratio"] is not None else ""
        print(f"{name:<42}{cells} {statistics.median(paired):>6.2f}×  {ratio}")
    print(
        "Growth is in time, the median of each round's ratio between the sizes. Ratios are those of the last size: "
        "time for pages, rows per second for exports."
    )


if __name__ == "__main__":
    sys.exit(main())
