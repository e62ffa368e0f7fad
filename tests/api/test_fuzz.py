"""Fuzzed query strings: every list and filter answers 200 or 4xx, never a 500.

Every page without path parameters and every API list is requested by the anonymous public and
by each persona with a page number past any database integer and junk filters (``province=null``,
``city=abc``, a year out of range, a huge certificate code, digits Python cannot ``int()``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from onex.api import api
from tests.personas import Persona, Personas

HUGE = "99999999999999999999"
JUNK_FILTERS = {
    "province": "null",
    "city": "abc",
    "year": HUGE,
    "certificate": "C" * 5000,
    "status": "zzz",
    "q": "q" * 3000,
    "grade": "²",
    "batch": "²",
    "specialty": "²",
    "org": "1" * 40,
    "on": "2026-02-30",
    "level": "abc",
    "school_type": "abc",
    "passed": "maybe",
    "pending": "²",
    "gaps": "²",
    "code": "null",
}
API_JUNK = [HUGE, "null", "X" * 3000]

PERSONAS = ["ministry", "gd", "gz_city", "gd_school", "org", "learner"]
# The API's scoping is the selectors' the pages use: one persona per scope kind is enough.
API_PERSONAS = ["ministry", "gd", "gd_school"]


def _routes(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def _page_urls() -> list[str]:
    """Every page URL without path parameters, outside the admin and the API."""
    urls = []
    for route, _pattern in _routes(get_resolver()):
        if "<" in route or route.startswith(("admin/", "api/", "i18n/", ".well-known")):
            continue
        if route.endswith(("logout/", "setlang/")):
            continue
        urls.append("/" + route)
    return sorted(set(urls))


def _api_lists() -> list[tuple[str, list[str]]]:
    """Every API GET without path parameters, with its query parameters."""
    found = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        get = operations.get("get")
        if get is None or "{" in path:
            continue
        names = [p["name"] for p in get.get("parameters", []) if p["in"] == "query"]
        if names:
            found.append((path, names))
    return sorted(found)


def _clients(personas: Personas, names: list[str]) -> Iterator[tuple[str, Client]]:
    yield "anonymous", Client(raise_request_exception=False)
    for name in names:
        persona: Persona = getattr(personas, name)
        client = Client(raise_request_exception=False)
        client.force_login(persona.user)
        yield name, client


def test_fuzz_covers_the_paginated_lists() -> None:
    pages = _page_urls()
    assert {"/pilots/schools/", "/certificates/", "/calendar/", "/catalog/orgs/"} <= set(pages)
    paginated = [path for path, names in _api_lists() if "page" in names]
    assert len(paginated) >= 15, paginated


@pytest.mark.parametrize("url", _page_urls())
def test_page_with_junk_query_is_never_a_500(personas: Personas, url: str) -> None:
    failures: list[tuple[str, Any, int]] = []
    for who, client in _clients(personas, PERSONAS):
        # Pages ignore a filter they cannot parse, so one request carries every junk filter.
        for query in ({**JUNK_FILTERS, "page": HUGE}, {"page": "1e400"}, {"page": "²"}):
            status = client.get(url, query).status_code
            if status >= 500:
                failures.append((who, list(query)[:2], status))
    assert not failures, failures


@pytest.mark.parametrize(("path", "names"), _api_lists())
def test_api_list_with_junk_query_is_never_a_500(
    personas: Personas, path: str, names: list[str]
) -> None:
    failures: list[tuple[str, str, str, int]] = []
    for who, client in _clients(personas, API_PERSONAS):
        for name in names:
            for value in API_JUNK:
                response = client.get(path, {name: value})
                if response.status_code >= 500:
                    failures.append((who, name, value[:20], response.status_code))
                elif response.status_code >= 400:
                    assert response["Content-Type"].startswith("application/json")
    assert not failures, failures


def test_api_huge_page_is_a_json_422(client: Client, db: None) -> None:
    response = client.get("/api/v1/catalog/certificates", {"page": HUGE})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
