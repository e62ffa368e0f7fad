"""The same import file submitted several times at once (double click, two tabs) makes one job
and imports its rows once (PostgreSQL: the partial unique constraint decides)."""

from __future__ import annotations

from pathlib import Path

import pytest

from onex.core.import_services import import_submit
from onex.core.models import AuditEvent, HolidayNotice, ImportJob, ImportStatus
from tests.core.conftest import SPEC, upload
from tests.core.test_imports import GOOD_ROWS, HEADERS, xlsx_bytes
from tests.personas import Personas
from tests.race import outcomes, race, require_postgresql

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_one_file_submitted_four_times_at_once_is_one_job_imported_once(
    personas: Personas,
) -> None:
    require_postgresql()
    content = xlsx_bytes(HEADERS, GOOD_ROWS)
    actor = personas.ministry.actor

    results = race(
        4, lambda i: import_submit(actor=actor, spec_name=SPEC, uploaded_file=upload(content))
    )

    assert outcomes(results) == ["ok"] * 4
    jobs = {r.pk for r in results if isinstance(r, ImportJob)}
    assert len(jobs) == 1
    assert sum(1 for r in results if isinstance(r, ImportJob) and not r.is_repeat) == 1
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.SUCCEEDED  # Huey runs the task at once under pytest
    assert HolidayNotice.objects.count() == len(GOOD_ROWS)
    assert AuditEvent.objects.filter(action="import.succeeded").count() == 1
    # The losers' stored copies are deleted, the winner's stays for its retention period.
    assert job.file.storage.exists(job.file.name)
    stored = _files(job.file.storage.path("imports"))
    assert stored == [job.file.storage.path(job.file.name)]


def _files(root: str) -> list[str]:
    return [str(p) for p in Path(root).rglob("*") if p.is_file()]
