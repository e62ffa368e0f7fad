"""Discovery and requests for the authorization matrix (tests/authz/test_matrix.py).

Endpoints come from the URL resolver (pages) and the ninja API's OpenAPI schema (operations);
each is attributed to the app whose module defines its view, so every app keeps its own table
(``table_<app>.py``). Path parameters get values that exist nowhere (expect 404) unless a table
says otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from onex.api import api

MISSING_INT = "987654"
PARAM_VALUES = {"rule_id": "R01"}


@dataclass(frozen=True)
class Endpoint:
    app: str
    key: str  # the table key: "GET /api/v1/…" for the API, the route for pages
    method: str
    url: str
    is_api: bool


def _routes(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def _fill_route(route: str) -> str:
    def value(match: re.Match[str]) -> str:
        converter, name = match.group(1), match.group(2)
        if name in PARAM_VALUES:
            return PARAM_VALUES[name]
        return MISSING_INT if converter == "int" else "missing"

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


def _app_of_module(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "onex" and len(parts) > 1:
        return parts[1]
    return parts[0]


def page_endpoints() -> list[Endpoint]:
    found = {}
    for route, pattern in _routes(get_resolver()):
        if route.startswith(("api/", "admin/", "static/")):
            continue
        callback = pattern.callback
        module = getattr(callback, "__module__", "") or ""
        view_class = getattr(callback, "view_class", None)
        if view_class is not None:
            module = view_class.__module__
        app = _app_of_module(module)
        found[route] = Endpoint(app, route, "GET", _fill_route(route), False)
    return sorted(found.values(), key=lambda e: e.key)


def api_endpoints() -> list[Endpoint]:
    found = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            op_id = str(operation.get("operationId", ""))
            app = op_id.split("_")[1] if op_id.startswith("onex_") else "core"
            integers = {
                str(p.get("name"))
                for p in operation.get("parameters", [])
                if p.get("in") == "path" and p.get("schema", {}).get("type") == "integer"
            }

            def value(match: re.Match[str], integers: set[str] = integers) -> str:
                name = match.group(1)
                return MISSING_INT if name in integers else PARAM_VALUES.get(name, MISSING_INT)

            url = re.sub(r"\{(\w+)\}", value, path)
            key = f"{method.upper()} {path}"
            found.append(Endpoint(app, key, method.upper(), url, True))
    return sorted(found, key=lambda e: e.key)
