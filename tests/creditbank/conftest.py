"""Fixtures of the credit bank tests; the builders are in tests/factories_creditbank.py."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories_creditbank import Bank, bank_world
from tests.personas import Personas


@pytest.fixture
def bank(personas: Personas, django_capture_on_commit_callbacks: Any) -> Bank:
    return bank_world(personas, django_capture_on_commit_callbacks)
