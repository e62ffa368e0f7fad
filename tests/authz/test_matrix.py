"""The authorization matrix: every page and API operation × every persona, against an explicit
expectation table per app (``table_<app>.py``). An endpoint missing from its app's table fails.

One database setup for the whole matrix: the personas are built once and every request is a GET
(or HEAD) with path parameters that name nothing (404 expected), so the matrix takes seconds.
Write operations (POST/PUT/DELETE) are sent only by the anonymous visitor and the separated
administrators, whose refusal must not depend on the object.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.test import Client

from tests.authz import profiles
from tests.authz.harness import Endpoint, api_endpoints, page_endpoints
from tests.authz.tables import expectation_for
from tests.personas import Personas

# Business personas: a national and a provincial administrator (the audit log's readers) and a
# school; their finer refusals are each app's own tests. Every separated administrator.
PERSONAS = ["ministry", "gd", "gd_school", "sysadmin", "secadmin", "auditadmin"]
WRITERS_CHECKED = ["anonymous", "sysadmin", "secadmin", "auditadmin"]
# Names of business objects the personas create: a separated administrator's 200 must show none.
BUSINESS_NAMES = ["广州番禺职业技术学院", "深圳职业技术学院", "武汉职业技术学院", "4144012345"]


# Bodies that pass validation, so the refusal observed is the authorization's.
BODIES: dict[str, dict[str, Any]] = {
    "POST /api/v1/security/throttles/lift": {"ip": "192.0.2.1"},
    "PUT /api/v1/security/policy": {"lockout_failures": 5},
}


def _clients(personas: Personas) -> Iterator[tuple[str, Client]]:
    yield "anonymous", Client(raise_request_exception=False)
    for name in PERSONAS:
        client = Client(raise_request_exception=False)
        client.force_login(getattr(personas, name).user)
        yield name, client


def _is_empty(response: Any, is_api: bool) -> bool:
    """A 200 that shows no business data (what a separated administrator may get)."""
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
        return sheet is not None and (sheet.max_row or 0) <= 1
    body = response.content.decode(errors="replace")
    if is_api:
        try:
            data = json.loads(body)
        except ValueError:
            return False
        if data == [] or data == {}:
            return True
        if isinstance(data, dict) and (data.get("count") == 0 or data.get("items") == []):
            return True
        return not any(name in body for name in BUSINESS_NAMES) and not isinstance(data, list)
    return not any(name in body for name in BUSINESS_NAMES)


def _request(client: Client, endpoint: Endpoint) -> Any:
    if endpoint.method == "GET":
        return client.get(endpoint.url)
    body = json.dumps(BODIES.get(endpoint.key, {}))
    kwargs: dict[str, Any] = {"data": body, "content_type": "application/json"}
    return getattr(client, endpoint.method.lower())(endpoint.url, **kwargs)


def observe(personas: Personas) -> dict[str, dict[str, str]]:
    """{endpoint key: {persona: outcome}}; outcome is the status, "200e" for an empty 200."""
    endpoints = page_endpoints() + api_endpoints()
    matrix: dict[str, dict[str, str]] = {e.key: {} for e in endpoints}
    for who, client in _clients(personas):
        for endpoint in endpoints:
            if endpoint.method != "GET" and who not in WRITERS_CHECKED:
                continue
            response = _request(client, endpoint)
            outcome = str(response.status_code)
            if response.status_code == 200 and _is_empty(response, endpoint.is_api):
                outcome = "200e"
            matrix[endpoint.key][who] = outcome
    return matrix


@pytest.mark.django_db
def test_every_endpoint_matches_the_expectation_table_for_every_persona(
    personas: Personas,
) -> None:
    matrix = observe(personas)
    dump = os.environ.get("ONEX_AUTHZ_DUMP")
    if dump:
        Path(dump).write_text(json.dumps(matrix, indent=1, ensure_ascii=False), encoding="utf-8")
    endpoints = {e.key: e for e in page_endpoints() + api_endpoints()}
    missing = [f"{e.app}: {key}" for key, e in endpoints.items() if expectation_for(e) is None]
    assert not missing, "endpoints missing from tests/authz/table_<app>.py:\n" + "\n".join(missing)
    wrong = []
    for key, outcomes in matrix.items():
        endpoint = endpoints[key]
        expected = expectation_for(endpoint)
        assert expected is not None
        for who, outcome in outcomes.items():
            if not profiles.allows(expected, who, outcome, endpoint):
                wrong.append(f"{key} as {who}: got {outcome}, profile {expected!r}")
    assert not wrong, "\n".join(wrong)
