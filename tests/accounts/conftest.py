from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from tests.factories_assessment import Exams, exams_world
from tests.personas import Personas


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> Iterator[None]:
    # The public forms' per-IP limit lives in the cache: each test starts with none used.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ex(personas: Personas) -> Exams:
    return exams_world(personas)
