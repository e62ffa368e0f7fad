"""The import worker's writes: run a queued job (validate, then apply all rows or none) and
delete stored files past their retention period. ``onex.core.tasks`` runs both."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import DomainError
from onex.core.imports import (
    ERRORS_CAP,
    RETENTION_KEY,
    ImportRejected,
    RowError,
    get_spec,
    job_file_bytes,
    validate_file,
)
from onex.core.models import ImportJob, ImportStatus, Role
from onex.core.policy import policy_value

logger = logging.getLogger(__name__)


def import_files_purge(*, actor: Actor, now: dt.datetime | None = None) -> int:
    """Delete the files of jobs older than the retention period; the jobs stay.

    The period is the policy profile's (a province may keep files for a different time); a
    job keeps its status, summary, error report and file hash, so re-upload idempotency holds.
    Returns the number of files deleted.
    """
    now = now or timezone.now()
    with_file = ImportJob.objects.exclude(file="")
    provinces = {
        job.unit.province if job.unit is not None else None
        for job in with_file.select_related("unit__province").only("unit__province")
    }
    purged = 0
    for province in provinces:
        days = int(policy_value(RETENTION_KEY, province=province, on=timezone.localdate(now)))
        cutoff = now - dt.timedelta(days=days)
        scope = Q(unit__province=province) if province is not None else Q(unit__province=None)
        for job in with_file.filter(scope, created_at__lt=cutoff).iterator():
            job.file.delete(save=False)
            job.file_purged_at = now
            job.save(update_fields=["file", "file_purged_at"])
            purged += 1
    if purged:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="import.files_purged",
                target_type="core.importjob",
                new={"files": purged},
            )
    return purged


def _job_actor(job: ImportJob) -> Actor:
    """The submitter acting for the unit the job was submitted for."""
    user = job.user
    return Actor(
        user=user,
        unit=job.unit,
        role=user.role if user is not None and user.is_active else Role.VIEWER,
        ip=job.ip,
    )


def _finish_failed(job: ImportJob, errors: Sequence[RowError], count: int) -> None:
    job.status = ImportStatus.FAILED
    job.errors = [e.as_dict() for e in errors[:ERRORS_CAP]]
    job.error_count = count
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "status",
            "errors",
            "error_count",
            "warnings",
            "total_rows",
            "processed_rows",
            "finished_at",
        ]
    )


def import_run(*, job_id: int) -> ImportJob | None:
    """Validate and apply one job (the Huey task's body). Returns None if already taken."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.VALIDATING, started_at=timezone.now()
    )
    if not claimed:
        return None  # another worker has it, or it already ran: tasks may be delivered twice
    job = ImportJob.objects.select_related("user", "unit").get(pk=job_id)
    actor = _job_actor(job)

    def progress(processed: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(processed_rows=processed, total_rows=total)
        job.processed_rows, job.total_rows = processed, total

    try:
        spec = get_spec(job.spec_name)
        # Checked again: the role may have changed while the job waited in the queue.
        spec.check_permission(actor=actor)
        result = validate_file(
            spec=spec, source=job_file_bytes(job), actor=actor, on_progress=progress
        )
        job.warnings = result.warnings
        if result.error_count:
            _finish_failed(job, result.errors, result.error_count)
            return job
        job.status = ImportStatus.APPLYING
        job.save(update_fields=["status", "warnings"])
        with transaction.atomic():
            summary = spec.apply(result.rows, actor=actor, job=job) or {}
            job.status = ImportStatus.SUCCEEDED
            job.summary = {"rows": result.total_rows, **summary}
            job.total_rows = job.processed_rows = max(job.processed_rows, job.total_rows)
            job.finished_at = timezone.now()
            job.save(
                update_fields=["status", "summary", "total_rows", "processed_rows", "finished_at"]
            )
            audit_record(
                actor=actor,
                action="import.succeeded",
                target=job,
                new={
                    "spec": job.spec_name,
                    "file_name": job.file_name,
                    "sha256": job.sha256,
                    **job.summary,
                },
            )
    except ImportRejected as exc:
        errors = exc.errors or [RowError(None, "", str(exc.message))]
        _finish_failed(job, errors, len(errors))
    except DomainError as exc:
        _finish_failed(job, [RowError(None, "", str(exc.message))], 1)
    except Exception:
        logger.exception("import job %s crashed", job_id)
        message = _("导入时发生内部错误，未写入任何数据。请联系管理员（任务编号 %(id)d）。")
        _finish_failed(job, [RowError(None, "", message % {"id": job_id})], 1)
    return job
