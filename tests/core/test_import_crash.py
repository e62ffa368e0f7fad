"""Crash-safe imports: a worker killed (SIGKILL) inside ``apply`` leaves no partial data, the
job is recovered and rerun to the same final state, and the same file twice changes nothing.

The worker is a real child process (``tests/core/import_child.py``) on the same database: on
SQLite the in-memory test database is copied to a file for it and back; on PostgreSQL it
connects to the test database itself.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from onex.core import import_services
from onex.core.actors import Actor
from onex.core.import_runs import import_jobs_recover
from onex.core.import_services import import_submit
from onex.core.models import AuditEvent, HolidayNotice, ImportJob, ImportStatus
from tests.core.test_imports import HEADERS, xlsx_bytes
from tests.factories import use_tmp_media
from tests.personas import Personas

ROOT = Path(__file__).resolve().parents[2]
ROWS = 40
KILL_AFTER = 5  # rows written inside apply before the SIGKILL
LATER = dt.timedelta(hours=2)  # past ONEX_IMPORT_STALE_MINUTES


def _rows() -> list[list[Any]]:
    start = dt.date(2031, 1, 1)
    return [
        [start + dt.timedelta(days=i), "放假" if i % 3 else "调休上班", f"节日{i}", f"依据{i}"]
        for i in range(ROWS)
    ]


def _state() -> dict[str, Any]:
    """What an import may change: the notices and the audit trail of the import."""
    return {
        "notices": sorted(
            HolidayNotice.objects.values_list("date", "kind", "name", "note", "created_by_id")
        ),
        "notice_audits": sorted(
            AuditEvent.objects.filter(action="calendar.notice_import").values_list(
                "target_id", flat=True
            )
        ),
        "succeeded": AuditEvent.objects.filter(action="import.succeeded").count(),
    }


class Worker:
    """Runs ``import_run`` in a child process against this test's database."""

    def __init__(self, tmp_path: Path) -> None:
        self.file = tmp_path / "worker.sqlite3"
        self.env = {
            **os.environ,
            "ONEX_TESTING": "1",
            "ONEX_VAR_DIR": str(tmp_path / "var"),
            "SECRET_KEY": django_settings.SECRET_KEY,
            "ONEX_DATA_KEY": django_settings.ONEX_DATA_KEY,
            "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
            "DATABASE_URL": self._url(),
        }

    def _url(self) -> str:
        if connection.vendor == "sqlite":
            return f"sqlite:///{self.file}"
        s = connection.settings_dict
        password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
        host = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
        return f"postgres://{s['USER']}{password}@{host}/{s['NAME']}"

    def _raw(self) -> sqlite3.Connection:
        connection.ensure_connection()
        raw: sqlite3.Connection = connection.connection  # type: ignore[assignment]
        return raw

    def push(self) -> None:
        """The child sees what the test wrote (SQLite: copy the in-memory database to a file)."""
        if connection.vendor == "sqlite":
            target = sqlite3.connect(self.file)
            self._raw().backup(target)
            target.close()

    def pull(self) -> None:
        """The test sees what the child wrote (SQLite: copy the file back into memory)."""
        if connection.vendor == "sqlite":
            source = sqlite3.connect(self.file)
            source.backup(self._raw())
            source.close()

    def start(self, job_id: int, *, pause: float) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.core.import_child", str(job_id), str(pause)],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )


@pytest.fixture
def worker(tmp_path: Path, settings: Any) -> Iterator[Worker]:
    # The child stores and reads uploads under its ONEX_VAR_DIR/media: so does the test.
    use_tmp_media(settings, tmp_path / "var")
    yield Worker(tmp_path)


def _queued_job(actor: Actor, content: bytes, monkeypatch: pytest.MonkeyPatch) -> ImportJob:
    """Submit without running: the queue message is held back, as if the worker took it."""
    monkeypatch.setattr(import_services, "_enqueue", lambda job_id: None)
    job = import_submit(
        actor=actor,
        spec_name="holiday_notices",
        uploaded_file=SimpleUploadedFile("节假日.xlsx", content),
    )
    monkeypatch.undo()
    assert job.status == ImportStatus.PENDING
    return job


def _kill_inside_apply(worker: Worker, job: ImportJob) -> float:
    """Start the worker, SIGKILL it after KILL_AFTER rows written; seconds until it died."""
    worker.push()
    started = time.monotonic()
    child = worker.start(job.pk, pause=0.2)
    assert child.stdout is not None
    seen = b""
    while seen.count(b"r") < KILL_AFTER:
        chunk = child.stdout.read(1)
        if not chunk:
            _out, err = child.communicate()
            pytest.fail(f"worker ended early: {seen!r} {err.decode()[-2000:]}")
        seen += chunk
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait(timeout=30) == -signal.SIGKILL
    elapsed = time.monotonic() - started
    child.stdout.close()
    if child.stderr is not None:
        child.stderr.close()
    worker.pull()
    return elapsed


@pytest.mark.django_db(transaction=True)
def test_worker_killed_inside_apply_writes_nothing_and_the_rerun_gives_the_same_state(
    personas: Personas,
    worker: Worker,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ministry = personas.ministry.actor
    # One date of the file exists already with other values: the import must update it.
    HolidayNotice.objects.create(date=dt.date(2031, 1, 3), kind="workday", name="旧")
    HolidayNotice.objects.create(date=dt.date(2030, 1, 1), kind="holiday", name="元旦")
    content = xlsx_bytes(HEADERS, _rows())
    before = _state()
    job = _queued_job(ministry, content, monkeypatch)

    elapsed = _kill_inside_apply(worker, job)

    # Nothing of the file was written; the job is left APPLYING by the dead worker.
    assert _state() == before
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ImportStatus.APPLYING, 1)
    # Not stale yet: a live worker could still be running it.
    assert import_jobs_recover(actor=Actor.system(), enqueue=lambda _id: None) == 0

    queued: list[int] = []
    now = timezone.now() + LATER
    assert import_jobs_recover(actor=Actor.system(), enqueue=queued.append, now=now) == 1
    assert queued == [job.pk]
    job.refresh_from_db()
    assert job.status == ImportStatus.PENDING
    assert AuditEvent.objects.filter(action="import.recovered", target_id=str(job.pk)).exists()

    # The rerun, again in a worker process, imports the whole file once.
    worker.push()
    child = worker.start(job.pk, pause=0)
    _out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err.decode()[-3000:]
    worker.pull()
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ImportStatus.SUCCEEDED, 2), job.errors
    assert job.summary == {"rows": ROWS, "created": ROWS - 1, "updated": 1, "unchanged": 0}
    after = _state()
    expected = {
        (row[0], "holiday" if row[1] == "放假" else "workday", row[2], row[3]) for row in _rows()
    } | {(dt.date(2030, 1, 1), "holiday", "元旦", "")}
    assert {n[:4] for n in after["notices"]} == expected
    assert len(after["notice_audits"]) == len(set(after["notice_audits"])) == ROWS
    assert after["succeeded"] == 1

    # The same file again: the succeeded job comes back, nothing changes.
    again = import_submit(
        actor=ministry,
        spec_name="holiday_notices",
        uploaded_file=SimpleUploadedFile("再次.xlsx", content),
    )
    assert again.pk == job.pk and again.is_repeat
    assert _state() == after
    # The same rows in another file (a title row above): a new job that changes nothing.
    other = import_submit(
        actor=ministry,
        spec_name="holiday_notices",
        uploaded_file=SimpleUploadedFile("另存.xlsx", xlsx_bytes(HEADERS, _rows(), skip=1)),
    )
    other.refresh_from_db()
    assert other.status == ImportStatus.SUCCEEDED
    assert other.summary == {"rows": ROWS, "created": 0, "updated": 0, "unchanged": ROWS}
    assert {k: v for k, v in _state().items() if k != "succeeded"} == {
        k: v for k, v in after.items() if k != "succeeded"
    }
    with capsys.disabled():
        print(f"\n[{connection.vendor}] worker SIGKILLed inside apply after {elapsed:.2f} s")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_recovery_waits_for_a_live_worker_inside_apply_and_leaves_its_job_alone(
    personas: Personas, worker: Worker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that is slow, not dead: the sweep runs while it holds the job's row lock inside
    apply. The sweep waits for the commit, then finds the job succeeded and re-queues nothing."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker and the test share the database only on PostgreSQL")
    job = _queued_job(personas.ministry.actor, xlsx_bytes(HEADERS, _rows()), monkeypatch)
    child = worker.start(job.pk, pause=0.1)
    assert child.stdout is not None
    assert child.stdout.read(3) == b"rrr"  # inside apply, the job row locked

    queued: list[int] = []
    waited = time.monotonic()
    recovered = import_jobs_recover(
        actor=Actor.system(), enqueue=queued.append, now=timezone.now() + LATER
    )
    waited = time.monotonic() - waited
    _out, err = child.communicate(timeout=120)

    assert child.returncode == 0, err.decode()[-3000:]
    assert (recovered, queued) == (0, [])
    assert waited > 1  # it waited for the worker's commit (37 rows x 0.1 s)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ImportStatus.SUCCEEDED, 1)
    assert HolidayNotice.objects.count() == ROWS
    assert not AuditEvent.objects.filter(action="import.recovered").exists()
