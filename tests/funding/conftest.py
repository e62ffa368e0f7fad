"""The funding tests' exam world (for R29) comes from tests/factories_assessment.py."""

from __future__ import annotations

import pytest

from tests.factories_assessment import Exams, exams_world
from tests.personas import Personas


@pytest.fixture
def ex(personas: Personas) -> Exams:
    return exams_world(personas)
