"""Fixtures of the certificate tests; the builders are in tests/factories_certificates.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from tests.assessment.conftest import ex  # noqa: F401  (fixture: closed exam plans)
from tests.factories_certificates import World, build_world
from tests.personas import Personas


@pytest.fixture(autouse=True)
def _isolated(media_in_tmp: None) -> Iterator[None]:
    # The public query's rate limit lives in the cache: each test starts with none used.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(personas: Personas) -> World:
    return build_world(personas)
