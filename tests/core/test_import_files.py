"""Uploaded import files: sealed with the data key on disk, deleted after the retention period."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from onex.core.actors import Actor
from onex.core.import_runs import import_files_purge, import_run
from onex.core.imports import RETENTION_KEY
from onex.core.models import AuditEvent, ImportJob, ImportStatus, PolicyScope
from onex.core.policy import policy_value_set
from onex.core.tasks import import_files_purge_daily
from tests.core.test_imports import GOOD_ROWS, HEADERS, xlsx_bytes
from tests.factories import ID_NUMBER
from tests.personas import Personas


def uncompressed(content: bytes) -> bytes:
    """The same workbook with its parts stored, not deflated: cell text readable in the bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info), compress_type=zipfile.ZIP_STORED)
    return out.getvalue()


def with_id_number() -> bytes:
    rows = [*GOOD_ROWS, [dt.date(2030, 10, 3), "放假", "国庆节", f"经办人 {ID_NUMBER}"]]
    return uncompressed(xlsx_bytes(HEADERS, rows))


def age(job: ImportJob, days: int) -> None:
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(days=days))


def test_uploaded_file_is_sealed_on_disk_and_still_imports(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    content = with_id_number()
    assert ID_NUMBER.encode() in content  # the upload itself has it in clear

    job = submit(personas.ministry, content)

    assert job.status == ImportStatus.SUCCEEDED and job.summary["rows"] == 4
    on_disk = Path(job.file.path).read_bytes()
    assert ID_NUMBER.encode() not in on_disk
    assert not on_disk.startswith(b"PK") and not job.file.name.endswith(".xlsx")
    with pytest.raises(Exception):  # noqa: B017 (any refusal: it is not a workbook)
        CalamineWorkbook.from_filelike(io.BytesIO(on_disk)).get_sheet_by_index(0).to_python()


def test_purge_deletes_old_files_and_keeps_the_jobs_results_and_error_reports(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    content = with_id_number()
    good = submit(personas.ministry, content)
    bad = submit(personas.ministry, xlsx_bytes(HEADERS, [["不是日期", "放假", "国庆节", ""]]))
    recent = submit(personas.ministry, xlsx_bytes(HEADERS, GOOD_ROWS[:1]))
    assert bad.status == ImportStatus.FAILED and bad.errors
    age(good, 31)
    age(bad, 45)
    age(recent, 29)
    paths = {job.pk: Path(job.file.path) for job in (good, bad, recent)}

    assert import_files_purge(actor=Actor.system()) == 2

    for old in (good, bad):
        kept = ImportJob.objects.get(pk=old.pk)
        assert not kept.file and kept.file_purged_at is not None
        assert not paths[old.pk].exists()
        assert (kept.status, kept.summary, kept.errors) == (old.status, old.summary, old.errors)
    assert paths[recent.pk].exists()
    assert AuditEvent.objects.filter(action="import.files_purged").count() == 1
    # The job still answers a re-upload of its file: nothing is imported twice.
    again = submit(personas.ministry, content)
    assert again.pk == good.pk and again.is_repeat


def test_retention_period_comes_from_the_policy_profile(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    job = submit(personas.ministry, with_id_number())
    age(job, 31)
    policy_value_set(
        actor=personas.ministry.actor,
        key=RETENTION_KEY,
        value=60,
        scope=PolicyScope.NATIONAL,
        effective_from=dt.date(2020, 1, 1),
    )
    import_files_purge_daily.call_local()
    assert ImportJob.objects.get(pk=job.pk).file
    age(job, 61)
    import_files_purge_daily.call_local()
    assert not ImportJob.objects.get(pk=job.pk).file


def test_a_job_whose_file_was_purged_fails_with_a_clear_message(
    personas: Personas, submit: Callable[..., ImportJob]
) -> None:
    job = submit(personas.ministry, with_id_number())
    age(job, 31)
    import_files_purge(actor=Actor.system())
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.PENDING)
    import_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "保存期限" in job.errors[0]["message"]


def test_the_worker_does_not_rescan_the_sealed_file_it_was_given_but_does_an_unsealed_one(
    personas: Personas, submit: Callable[..., ImportJob], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The bounds scan of a 100,000-row file costs seconds; a sealed file opens only under the
    # hash of the bytes import_submit scanned, so the worker need not scan them again.
    from onex.core import import_services, imports

    scanned: list[int] = []
    real = imports.check_workbook

    def counting(data: bytes, **kwargs: object) -> None:
        scanned.append(len(data))
        real(data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(imports, "check_workbook", counting)
    monkeypatch.setattr(import_services, "check_workbook", counting)
    job = submit(personas.ministry, with_id_number())
    assert job.status == ImportStatus.SUCCEEDED
    assert len(scanned) == 1  # at submission only

    # A file stored in clear (before sealing existed) was not necessarily scanned: it is.
    content = xlsx_bytes(HEADERS, GOOD_ROWS)
    Path(job.file.path).write_bytes(content)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.PENDING)
    import_run(job_id=job.pk)
    assert len(scanned) == 2
