"""Requests generated from the API's own schema (schemathesis), sent in-process to the WSGI application on the
seed: none may be a server error, and every answer must be one the schema describes, in its status, content type,
headers and body."""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import FUZZ_FIGURES

# Examples per operation: a quick run on a developer's machine, more in CI (HYPOTHESIS_PROFILE=ci).
EXAMPLES = 60 if os.environ.get("HYPOTHESIS_PROFILE") == "ci" else 30

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_schema(db):
    """The API's schema, asked of the WSGI application itself. As Django's test client does, the requests keep the
    test's connection: at each request's start and end Django would otherwise close a connection that is inside a
    transaction (the test's), which on PostgreSQL loses the test database's connection mid-test."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def operation_fuzz(operation, mode: GenerationMode) -> None:
    """Send the operation `EXAMPLES` generated requests, each checked."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def fuzz(case) -> None:
        FUZZ_FIGURES["examples"] += 1
        try:
            case.call_and_validate(checks=CHECKS)
        except BaseException:
            FUZZ_FIGURES["failures"][operation.label] = FUZZ_FIGURES["failures"].get(operation.label, 0) + 1
            raise

    fuzz()


# schemathesis's own pytest integration (schema.parametrize) reads a pytest internal that pytest 9 no longer has,
# so each operation is driven here with Hypothesis directly: the same generated cases and the same checks.
def test_every_answer_is_one_the_schema_describes(api_schema):
    failed = {}
    for result in api_schema.get_all_operations():
        operation = result.ok()
        FUZZ_FIGURES["operations"].add(operation.label)
        for mode in [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]:
            try:
                operation_fuzz(operation, mode)
            except Unsatisfiable:
                # Nothing that breaks the schema can be sent: every value of a free-text path parameter is valid.
                assert mode == GenerationMode.NEGATIVE, operation.label
            except Exception as error:
                failed[f"{operation.label} ({mode})"] = error
    assert not failed, "\n\n".join(f"{label}:\n{error}" for label, error in failed.items())
