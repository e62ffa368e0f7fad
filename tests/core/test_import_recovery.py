"""Recovery of import jobs whose worker died, and the attempt fence that keeps a run presumed
dead from writing after its job was taken over (the SIGKILL proof is test_import_crash.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from onex.core import import_runs, import_services
from onex.core.actors import Actor
from onex.core.import_runs import MAX_ATTEMPTS, import_jobs_recover, import_run
from onex.core.import_services import import_submit
from onex.core.models import AuditEvent, HolidayNotice, ImportJob, ImportStatus
from onex.core.tasks import import_jobs_recover_periodic
from tests.core.conftest import SPEC, upload
from tests.core.test_imports import GOOD_ROWS, HEADERS, xlsx_bytes
from tests.personas import Personas

LATER = dt.timedelta(hours=2)


def _queued(personas: Personas, monkeypatch: pytest.MonkeyPatch) -> ImportJob:
    monkeypatch.setattr(import_services, "_enqueue", lambda job_id: None)
    job = import_submit(
        actor=personas.ministry.actor,
        spec_name=SPEC,
        uploaded_file=upload(xlsx_bytes(HEADERS, GOOD_ROWS)),
    )
    monkeypatch.undo()
    return job


def _died(job: ImportJob, *, attempts: int = 1) -> None:
    """The state a worker killed inside apply leaves behind."""
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.APPLYING, attempts=attempts, started_at=timezone.now()
    )


def test_a_recent_running_job_is_left_alone(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = _queued(personas, monkeypatch)
    _died(job)
    queued: list[int] = []
    assert import_jobs_recover(actor=Actor.system(), enqueue=queued.append) == 0
    assert queued == []
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLYING


def test_a_stale_job_is_queued_again_and_runs_once(
    personas: Personas,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    job = _queued(personas, monkeypatch)
    _died(job)
    queued: list[int] = []
    with django_capture_on_commit_callbacks(execute=True):
        recovered = import_jobs_recover(
            actor=Actor.system(), enqueue=queued.append, now=timezone.now() + LATER
        )
    assert recovered == 1
    assert queued == [job.pk]
    event = AuditEvent.objects.get(action="import.recovered")
    assert event.old == {"status": "applying", "attempts": 1}
    assert event.new == {"status": "pending", "attempts": 1}

    assert import_run(job_id=job.pk) is not None
    assert import_run(job_id=job.pk) is None  # a duplicate queue message is a no-op
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ImportStatus.SUCCEEDED, 2)
    assert HolidayNotice.objects.count() == 3


def test_a_stale_pending_job_gets_its_lost_queue_message_again(
    personas: Personas,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    job = _queued(personas, monkeypatch)
    queued: list[int] = []
    with django_capture_on_commit_callbacks(execute=True):
        import_jobs_recover(actor=Actor.system(), enqueue=queued.append, now=timezone.now() + LATER)
    assert queued == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ImportStatus.PENDING, 0)


def test_a_job_that_killed_its_worker_every_time_fails_and_the_file_can_be_sent_again(
    personas: Personas,
    monkeypatch: pytest.MonkeyPatch,
    submit: Callable[..., ImportJob],
) -> None:
    job = _queued(personas, monkeypatch)
    _died(job, attempts=MAX_ATTEMPTS)
    queued: list[int] = []
    import_jobs_recover(actor=Actor.system(), enqueue=queued.append, now=timezone.now() + LATER)
    assert queued == []
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "多次意外中断" in job.errors[0]["message"]
    assert HolidayNotice.objects.count() == 0

    again = submit(personas.ministry, xlsx_bytes(HEADERS, GOOD_ROWS))
    assert again.pk != job.pk and not again.is_repeat
    assert again.status == ImportStatus.SUCCEEDED


def test_uploading_the_file_of_a_stale_job_requeues_that_job(
    personas: Personas, monkeypatch: pytest.MonkeyPatch, submit: Callable[..., ImportJob]
) -> None:
    job = _queued(personas, monkeypatch)
    _died(job)
    ImportJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - LATER)

    again = submit(personas.ministry, xlsx_bytes(HEADERS, GOOD_ROWS))

    assert again.pk == job.pk and again.is_repeat
    assert (again.status, again.attempts) == (ImportStatus.SUCCEEDED, 2)
    assert HolidayNotice.objects.count() == 3


def test_a_run_presumed_dead_that_wakes_up_writes_nothing(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worker A stalls in validation, the job is recovered and run by worker B; A then goes on
    and must neither apply the rows a second time nor overwrite B's result."""
    job = _queued(personas, monkeypatch)
    validate = import_runs.validate_file
    second: list[ImportJob | None] = []
    stalls: list[int] = []

    def stalled(**kwargs: Any) -> Any:
        result = validate(**kwargs)
        if not stalls:  # only worker A stalls; B runs inside it
            stalls.append(1)
            queued: list[int] = []
            n = import_jobs_recover(
                actor=Actor.system(), enqueue=queued.append, now=timezone.now() + LATER
            )
            assert n == 1
            second.append(import_run(job_id=job.pk))
        return result

    monkeypatch.setattr(import_runs, "validate_file", stalled)

    assert import_run(job_id=job.pk) is None  # A: superseded
    assert second[0] is not None
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ImportStatus.SUCCEEDED, 2)
    assert HolidayNotice.objects.count() == 3
    assert AuditEvent.objects.filter(action="calendar.notice_import").count() == 3
    assert AuditEvent.objects.filter(action="import.succeeded").count() == 1


def test_the_periodic_task_recovers_with_the_system_actor(
    personas: Personas, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    job = _queued(personas, monkeypatch)
    _died(job)
    ImportJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - LATER)
    with django_capture_on_commit_callbacks(execute=True):
        import_jobs_recover_periodic.call_local()
    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED  # re-queued; Huey runs it at once in tests
    assert AuditEvent.objects.get(action="import.recovered").actor_id is None
