"""The expectation table, one module per app: ``tests/authz/table_<app>.py``.

Each module defines ``PAGES`` (route → profile) and ``API`` ("METHOD /api/v1/path" → profile),
profiles being the names in ``tests/authz/profiles.py``. A new app adds its own module; the
matrix test fails for every endpoint no table names.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from tests.authz.harness import Endpoint

APPS = [
    "core",
    "geo",
    "catalog",
    "pilots",
    "assessment",
    "certificates",
    "accounts",
    "creditbank",
    "training",
    "funding",
    "feedback",
    "supervision",
    "django",
]


def _table(app: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"tests.authz.table_{app}")
    except ModuleNotFoundError:
        return None


def expectation_for(endpoint: Endpoint) -> str | None:
    table = _table(endpoint.app)
    if table is None:
        return None
    entries: dict[str, str] = getattr(table, "API" if endpoint.is_api else "PAGES", {})
    return entries.get(endpoint.key)
