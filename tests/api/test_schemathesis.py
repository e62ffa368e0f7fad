"""Bounded API fuzzing with schemathesis: every operation of /api/v1/openapi.json, generated
requests sent (WSGI, no server) as anonymous and as each persona with a bearer token.

Asserts no 5xx anywhere and that every response with a documented status conforms to its
documented schema (and content type). Bounded for CI: a few examples per operation, no
shrinking, derandomized (the same requests every run), no example database.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from onex.core.actors import Actor
from onex.core.tokens import token_issue
from tests.factories_assessment_sites import build_world
from tests.personas import Personas

EXAMPLES = 3
PERSONAS = ("ministry", "gd", "gz_city", "gd_school", "org", "learner")
_COMPONENT = re.compile(r"Schema at /components/schemas/(\w+)")
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    phases=[Phase.explicit, Phase.generate],  # no shrinking, no replay of stored failures
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@dataclass
class Findings:
    requests: int = 0
    server_errors: list[str] = field(default_factory=list)
    nonconforming: list[str] = field(default_factory=list)
    undocumented: set[tuple[str, str, int]] = field(default_factory=set)  # reported, not failed

    def add(self, bucket: list[str], line: str) -> None:
        if line not in bucket:
            bucket.append(line)


def _identities(personas: Personas) -> dict[str, dict[str, str]]:
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    for name in PERSONAS:
        persona = getattr(personas, name)
        _token, secret = token_issue(actor=Actor.system(), user=persona.user, name="fuzz")
        headers[name] = {"Authorization": f"Bearer {secret}"}
    return headers


def _check(
    check: Callable[..., Any], case: Any, response: Any, findings: Findings, bucket: list[str]
) -> None:
    try:
        case.validate_response(response, checks=[check])
    except (FailureGroup, Failure) as exc:
        failures = exc.exceptions if isinstance(exc, FailureGroup) else (exc,)
        for failure in failures:
            text = str(failure)
            where = _COMPONENT.search(text)
            title = getattr(failure, "title", "") or text.strip().splitlines()[0][:160]
            line = f"{case.method} {case.path} -> {response.status_code}: {title}"
            if where is not None:
                line += f" ({where.group(1)})"
            findings.add(bucket, line)


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """Requests go through the real WSGI handler, which closes the database connection after
    each request; that would close the test's transaction on PostgreSQL. Django's test client
    disconnects the same receiver."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_test_connection")
def test_every_operation_as_every_persona_has_no_server_error_and_keeps_its_schema(
    personas: Personas, capsys: pytest.CaptureFixture[str]
) -> None:
    build_world(personas)  # a certificate, its organisation, a filing: less empty answers
    identities = _identities(personas)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    findings = Findings()
    operations = 0
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @HYPOTHESIS
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            for headers in identities.values():
                response = case.call(headers=headers)
                findings.requests += 1
                if str(response.status_code) not in case.operation.definition.raw.get(
                    "responses", {}
                ):
                    findings.undocumented.add((case.method, case.path, response.status_code))
                _check(not_a_server_error, case, response, findings, findings.server_errors)
                if response.status_code < 500:
                    _check(
                        response_schema_conformance,
                        case,
                        response,
                        findings,
                        findings.nonconforming,
                    )
                    _check(
                        content_type_conformance, case, response, findings, findings.nonconforming
                    )

        run()
    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(
            f"\nschemathesis: {operations} operations x {len(identities)} identities, "
            f"{EXAMPLES} examples each, {findings.requests} requests in {elapsed:.0f} s"
        )
        for line in findings.server_errors + findings.nonconforming:
            print("  ", line)
        statuses = sorted({status for _m, _p, status in findings.undocumented})
        operations_hit = len({(m, p) for m, p, _s in findings.undocumented})
        print(
            f"   undocumented statuses {statuses} seen on {operations_hit} operations (not judged)"
        )
    assert not findings.server_errors, findings.server_errors
    assert not findings.nonconforming, findings.nonconforming
