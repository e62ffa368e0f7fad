from __future__ import annotations

import pytest

from tests.factories_assessment import Exams, exams_world
from tests.personas import Personas


@pytest.fixture
def ex(personas: Personas) -> Exams:
    return exams_world(personas)
