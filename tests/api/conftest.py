import pytest
from django.test import Client


@pytest.fixture(autouse=True)
def unthrottled(settings):
    """No test is throttled by accident: the throttle's own test sets a tiny rate."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None}}


@pytest.fixture
def api(db) -> Client:
    return Client()


def all_rows(client: Client, url: str, **params) -> list[dict]:
    """Every row of a paged list, following each page's `next` link."""
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    body = response.json()
    rows = list(body["results"])
    while body["next"]:
        response = client.get(body["next"])
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
    return rows


# What the schema fuzzing ran (tests/api/test_schema_fuzz.py), said at the end of the run.
FUZZ_FIGURES: dict = {"operations": set(), "examples": 0, "failures": {}}


def pytest_terminal_summary(terminalreporter) -> None:
    if not FUZZ_FIGURES["examples"]:
        return
    failures = FUZZ_FIGURES["failures"]
    terminalreporter.write_sep("-", "schemathesis")
    terminalreporter.write_line(
        f"{len(FUZZ_FIGURES['operations'])} operations tested, {FUZZ_FIGURES['examples']} examples run, "
        f"{sum(failures.values())} failing examples"
        + (f" ({'; '.join(f'{label}: {count}' for label, count in sorted(failures.items()))})" if failures else "")
    )
