from __future__ import annotations

import pytest

from tests.factories_supervision import World, build_world
from tests.personas import Personas


@pytest.fixture
def world(personas: Personas) -> World:
    return build_world(personas)
