from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from onex.reporting.services import periods_ensure
from tests.factories import use_tmp_media


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Iterator[None]:
    use_tmp_media(settings, tmp_path)
    yield


from tests.factories_reporting import clock_fixture  # noqa: E402, F401 (the frozen clock)


@pytest.fixture(autouse=True)
def _periods(db: None) -> None:
    periods_ensure(first_year=2025, last_year=2027)
