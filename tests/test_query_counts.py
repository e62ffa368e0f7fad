"""Every list page and API list costs the same number of queries whatever the data size.

The page's rows and the table's size must not show in the query count (no N+1 query, no
per-row lookup): each list is requested by the Ministry (who sees everything) once over a small
national data set from ``bench/generate.py`` and again after a second, equal set is added.

The lists are enumerated, not listed by hand, so a new one cannot be forgotten: every page
without path parameters, and every API ``GET`` whose answer is a list (a JSON array or a page
with ``items``) in the OpenAPI document. A list under a path parameter (a school's specialties)
is requested for the first such object of the generated data (``PATH_LISTS``); one the generator
gives no object for is named in ``NOT_GENERATED`` and must answer once the object exists.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from onex.api import api
from tests.api.test_fuzz import _page_urls
from tests.personas import Personas

GENERATE = Path(__file__).resolve().parents[1] / "bench" / "generate.py"
SCALE = 0.00001  # the generator's minimum: 3 orgs, 5 certificates, 31 schools, 100 certificates

# Pages whose query count depends on something other than the lists' size, with the reason.
EXEMPT: dict[str, str] = {}

# API lists under a path parameter: the model whose first row fills it.
PATH_LISTS: dict[str, str] = {
    "/api/v1/pilots/schools/{school_id}/specialties": "pilots.School",
    "/api/v1/catalog/orgs/{org_id}/notices": "catalog.Org",
    "/api/v1/funding/allocations/{pk}/expenditures": "funding.Allocation",
    "/api/v1/supervision/spot-checks/{pk}": "supervision.SpotCheckRound",
    "/api/v1/supervision/proceedings/{pk}/frozen-plans": "supervision.Proceeding",
}

# Lists the Ministry may not read, and who reads them instead (separated administration).
READER: dict[str, str] = {
    "/security/": "secadmin",
    "/api/v1/security/": "secadmin",
    # A reporting unit's own progress-report periods (R03): the Ministry files none.
    "/api/v1/feedback/reports/periods": "gd",
}
# API lists not measured here, with the reason.
NOT_MEASURED: dict[str, str] = {
    "/api/v1/certificates/{certificate_id}/share-links": (
        "only the holder lists a certificate's share links, and generated holders have no "
        "account; tests/certificates/test_vc_privacy.py covers the list"
    ),
}


def _reader(url: str) -> str:
    return next((who for prefix, who in READER.items() if url.startswith(prefix)), "ministry")


def _api_list_operations() -> list[str]:
    """Every API GET answering a list: a JSON array, or a page (an object with ``items``)."""
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    found = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        ok = (get or {}).get("responses", {}).get(200, {})
        body = ok.get("content", {}).get("application/json", {}).get("schema")
        if body is None:
            continue
        if "$ref" in body:
            body = components[body["$ref"].rsplit("/", 1)[1]]
        if body.get("type") == "array" or "items" in body.get("properties", {}):
            found.append(path)
    return sorted(found)


def _api_list_urls() -> tuple[list[str], list[str]]:
    """(URLs to request, list operations the generated data gives no object for)."""
    urls, missing = [], []
    for path in _api_list_operations():
        if path in NOT_MEASURED:
            continue
        if "{" not in path:
            urls.append(path)
            continue
        model = apps.get_model(PATH_LISTS[path])
        pk = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        if pk is None:
            missing.append(path)
            continue
        urls.append(path[: path.index("{")] + str(pk) + path[path.index("}") + 1 :])
    return urls, missing


def test_every_api_list_under_a_path_parameter_is_filled() -> None:
    operations = _api_list_operations()
    assert len(operations) >= 70, operations
    unfilled = [p for p in operations if "{" in p and p not in PATH_LISTS | NOT_MEASURED]
    assert not unfilled, f"add them to PATH_LISTS: {unfilled}"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("onex_bench_generate", GENERATE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _counts(clients: dict[str, Client], urls: list[str]) -> dict[str, int | str]:
    counts: dict[str, int | str] = {}
    for url in urls:
        client = clients[_reader(url)]
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        counts[url] = len(queries.captured_queries) if response.status_code == 200 else "-"
    return counts


@pytest.mark.django_db
def test_list_query_counts_do_not_grow_with_the_data(personas: Personas) -> None:
    generate: Callable[..., object] = _generator().generate
    generate(scale=SCALE, tag="G", out=lambda _line: None)
    api_urls, _not_generated = _api_list_urls()
    urls = [u for u in _page_urls() if u not in EXEMPT] + api_urls
    clients: dict[str, Client] = {}
    for who in {"ministry", *READER.values()}:
        clients[who] = Client()
        clients[who].force_login(getattr(personas, who).user)
    _counts(clients, urls)  # warm caches (policy profile, calendar) so both passes compare alike
    small = _counts(clients, urls)
    generate(scale=SCALE, seed=2, tag="H", out=lambda _line: None)
    large = _counts(clients, urls)
    grew = {url: (small[url], large[url]) for url in urls if small[url] != large[url]}
    assert not grew, grew
    assert sum(1 for n in small.values() if n != "-") >= 100  # most lists answered
    assert not [u for u in api_urls if small[u] == "-"], small  # every API list answered
