"""The exam tests' world, built by tests/factories_assessment.py (certificates tests use it)."""

from __future__ import annotations

import pytest

from tests.factories_assessment import Exams, exams_world
from tests.personas import Personas


@pytest.fixture
def ex(personas: Personas) -> Exams:
    return exams_world(personas)
