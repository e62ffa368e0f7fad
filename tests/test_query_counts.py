"""Every list page and API list costs the same number of queries whatever the data size.

The page's rows and the table's size must not show in the query count (no N+1 query, no
per-row lookup): each list is requested by the Ministry (who sees everything) once over a small
national data set from ``bench/generate.py`` and again after a second, equal set is added.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.api.test_fuzz import _api_lists, _page_urls
from tests.personas import Personas

GENERATE = Path(__file__).resolve().parents[1] / "bench" / "generate.py"
SCALE = 0.00001  # the generator's minimum: 3 orgs, 5 certificates, 31 schools, 100 certificates

# Pages whose query count depends on something other than the lists' size, with the reason.
EXEMPT: dict[str, str] = {}


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("onex_bench_generate", GENERATE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _counts(client: Client, urls: list[str]) -> dict[str, int | str]:
    counts: dict[str, int | str] = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        counts[url] = len(queries.captured_queries) if response.status_code == 200 else "-"
    return counts


@pytest.mark.django_db
def test_list_query_counts_do_not_grow_with_the_data(personas: Personas) -> None:
    urls = [u for u in _page_urls() if u not in EXEMPT] + [path for path, _ in _api_lists()]
    generate: Callable[..., object] = _generator().generate
    generate(scale=SCALE, tag="G", out=lambda _line: None)
    client = Client()
    client.force_login(personas.ministry.user)
    _counts(client, urls)  # warm caches (policy profile, calendar) so both passes compare alike
    small = _counts(client, urls)
    generate(scale=SCALE, seed=2, tag="H", out=lambda _line: None)
    large = _counts(client, urls)
    grew = {url: (small[url], large[url]) for url in urls if small[url] != large[url]}
    assert not grew, grew
    assert sum(1 for n in small.values() if n != "-") >= 40  # most lists answered
