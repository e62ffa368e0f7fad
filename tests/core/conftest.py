"""Fixtures of the kernel's tests: uploads in a temporary media folder, imports run at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onex.core.import_services import import_submit
from onex.core.models import ImportJob
from tests.personas import Persona

SPEC = "holiday_notices"


def upload(content: bytes, name: str = "节假日.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def submit(
    django_capture_on_commit_callbacks: Any,
) -> Callable[..., ImportJob]:
    """Submit as a persona and run the queued task (Huey is immediate under pytest)."""

    def run(persona: Persona, content: bytes, name: str = "节假日.xlsx") -> ImportJob:
        with django_capture_on_commit_callbacks(execute=True):
            job = import_submit(
                actor=persona.actor, spec_name=SPEC, uploaded_file=upload(content, name)
            )
        repeat = job.is_repeat
        job.refresh_from_db()
        job.is_repeat = repeat
        return job

    return run
