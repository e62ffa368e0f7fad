"""Submitting an import: check the upload, store it sealed, create the job and queue it on
commit (``onex.core.tasks.run_import_job`` runs it through ``onex.core.import_runs``)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from onex.core import crypto
from onex.core.actors import Actor
from onex.core.import_runs import import_job_recover
from onex.core.imports import (
    MAX_FILE_BYTES,
    XLS_MAGIC,
    XLSX_MAGIC,
    ImportFileError,
    check_workbook,
    get_spec,
    sealed_file_context,
)
from onex.core.models import ImportJob, ImportStatus
from onex.core.tasks import run_import_job


def _read_upload(uploaded: File[Any]) -> bytes:
    uploaded.seek(0)
    data = b"".join(uploaded.chunks())
    uploaded.seek(0)
    return data


def _check_file(uploaded: File[Any]) -> None:
    size = uploaded.size or 0
    if size == 0:
        raise ImportFileError(_("文件为空。"), field="file")
    if size > MAX_FILE_BYTES:
        raise ImportFileError(
            _("文件过大（上限 %(mb)d MB），请拆分后分批导入。")
            % {"mb": MAX_FILE_BYTES // (1024 * 1024)},
            field="file",
        )
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if not (head.startswith(XLSX_MAGIC) or head.startswith(XLS_MAGIC)):
        raise ImportFileError(
            _("文件类型不正确，请上传 Excel 文件（.xlsx）。CSV、WPS 等格式请先另存为 .xlsx。"),
            field="file",
        )


def _live_job(*, spec_name: str, actor: Actor, sha256: str) -> ImportJob | None:
    qs = ImportJob.objects.filter(spec_name=spec_name, sha256=sha256).exclude(
        status=ImportStatus.FAILED
    )
    qs = qs.filter(unit=actor.unit) if actor.unit is not None else qs.filter(unit__isnull=True)
    return qs.order_by("-created_at").first()


def import_submit(*, actor: Actor, spec_name: str, uploaded_file: File[Any]) -> ImportJob:
    """Accept an upload and queue it; the same file again returns the existing job.

    Re-uploading a file that succeeded (or is still running) for the same spec and unit is a
    no-op: the existing job comes back with ``is_repeat = True``. After a failure it runs again.
    """
    spec = get_spec(spec_name)
    spec.check_permission(actor=actor)
    _check_file(uploaded_file)
    data = _read_upload(uploaded_file)
    check_workbook(data, spec=spec, field="file")
    sha256 = hashlib.sha256(data).hexdigest()

    existing = _live_job(spec_name=spec.name, actor=actor, sha256=sha256)
    if existing is not None:
        # A job whose worker died is queued again now rather than at the next periodic sweep.
        if import_job_recover(actor=actor, job_id=existing.pk, enqueue=_enqueue):
            existing.refresh_from_db()
        if existing.status != ImportStatus.FAILED:
            existing.is_repeat = True
            return existing

    job = ImportJob(
        spec_name=spec.name,
        user=actor.user,
        unit=actor.unit,
        ip=actor.ip,
        file_name=(uploaded_file.name or "upload.xlsx")[-255:],
        file_size=uploaded_file.size or 0,
        sha256=sha256,
    )
    # ID numbers sit in clear in the workbook: only its sealed form is written to disk.
    sealed = crypto.encrypt(data, context=sealed_file_context(sha256))
    del data
    job.file.save(job.file_name, ContentFile(sealed), save=False)
    try:
        with transaction.atomic():
            job.save()
            transaction.on_commit(lambda: _enqueue(job.pk))
    except IntegrityError:
        # A concurrent upload of the same file won the unique constraint: answer with its job.
        job.file.delete(save=False)
        existing = _live_job(spec_name=spec.name, actor=actor, sha256=sha256)
        if existing is None:
            raise
        existing.is_repeat = True
        return existing
    return job


def _enqueue(job_id: int) -> None:
    run_import_job(job_id)
