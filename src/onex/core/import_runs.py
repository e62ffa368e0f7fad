"""The import worker's writes: run a queued job (validate, then apply all rows or none) and
delete stored files past their retention period. ``onex.core.tasks`` runs both."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
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
    job_file,
    validate_file,
)
from onex.core.models import ImportJob, ImportStatus, Role
from onex.core.policy import policy_value

logger = logging.getLogger(__name__)

# A job queued or running for longer than this lost its worker (killed, OOM, host restart): the
# recovery task queues it again. Above the longest import seen (50 000 rows: a few minutes).
STALE_AFTER_MINUTES: int = getattr(settings, "ONEX_IMPORT_STALE_MINUTES", 60)
MAX_ATTEMPTS = 2  # runs of one job before it is failed for good (a file that kills the worker)
_WORKING = (ImportStatus.VALIDATING, ImportStatus.APPLYING)


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


class _Superseded(Exception):
    """This run no longer owns its job (presumed dead and re-queued): stop, write nothing."""


def _finish_failed(job: ImportJob, errors: Sequence[RowError], count: int, *, attempt: int) -> None:
    job.status = ImportStatus.FAILED
    job.errors = [e.as_dict() for e in errors[:ERRORS_CAP]]
    job.error_count = count
    job.finished_at = timezone.now()
    ImportJob.objects.filter(pk=job.pk, attempts=attempt, status__in=_WORKING).update(
        status=job.status,
        errors=job.errors,
        error_count=job.error_count,
        warnings=job.warnings,
        total_rows=job.total_rows,
        processed_rows=job.processed_rows,
        finished_at=job.finished_at,
    )


def import_run(*, job_id: int) -> ImportJob | None:
    """Validate and apply one job (the Huey task's body). Returns None if already taken.

    Crash safety: ``apply`` and the job's success are one transaction, so a worker killed at any
    point leaves no row of the file written; the job stays VALIDATING/APPLYING until
    ``import_jobs_recover`` re-queues it (the rerun then imports the whole file once). Each run
    takes the next ``attempts`` number and writes only while the job still carries it.
    """
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.VALIDATING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return None  # another worker has it, or it already ran: tasks may be delivered twice
    job = ImportJob.objects.select_related("user", "unit").get(pk=job_id)
    attempt = job.attempts
    mine = ImportJob.objects.filter(pk=job_id, attempts=attempt, status__in=_WORKING)
    actor = _job_actor(job)

    def progress(processed: int, total: int) -> None:
        if not mine.update(processed_rows=processed, total_rows=total):
            raise _Superseded
        job.processed_rows, job.total_rows = processed, total

    try:
        spec = get_spec(job.spec_name)
        # Checked again: the role may have changed while the job waited in the queue.
        spec.check_permission(actor=actor)
        data, sealed = job_file(job)
        result = validate_file(
            spec=spec, source=data, actor=actor, on_progress=progress, bounded=sealed
        )
        del data
        job.warnings = result.warnings
        if result.error_count:
            _finish_failed(job, result.errors, result.error_count, attempt=attempt)
            return job
        if not mine.update(status=ImportStatus.APPLYING, warnings=job.warnings):
            raise _Superseded
        job.status = ImportStatus.APPLYING
        with transaction.atomic():
            # The fence: the row lock makes a concurrent recovery wait for this commit, and a
            # run that was presumed dead finds its attempt number gone and writes nothing.
            if not list(mine.select_for_update().values_list("pk", flat=True)):
                raise _Superseded
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
    except _Superseded:
        logger.warning("import job %s attempt %s was taken over; nothing written", job_id, attempt)
        return None
    except ImportRejected as exc:
        errors = exc.errors or [RowError(None, "", str(exc.message))]
        _finish_failed(job, errors, len(errors), attempt=attempt)
    except DomainError as exc:
        _finish_failed(job, [RowError(None, "", str(exc.message))], 1, attempt=attempt)
    except Exception:
        logger.exception("import job %s crashed", job_id)
        message = _("导入时发生内部错误，未写入任何数据。请联系管理员（任务编号 %(id)d）。")
        _finish_failed(job, [RowError(None, "", message % {"id": job_id})], 1, attempt=attempt)
    return job


# --- recovery of jobs whose worker died ---------------------------------------------------------


def _stale_cutoff(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(minutes=STALE_AFTER_MINUTES)


def _is_stale(job: ImportJob, cutoff: dt.datetime) -> bool:
    if job.status == ImportStatus.PENDING:
        return job.created_at < cutoff
    return job.status in _WORKING and job.started_at is not None and job.started_at < cutoff


def import_job_recover(
    *, actor: Actor, job_id: int, enqueue: Callable[[int], None], now: dt.datetime | None = None
) -> bool:
    """Recover one job if its worker is presumed dead; True if it was re-queued or failed.

    A job running (or queued) for longer than ``ONEX_IMPORT_STALE_MINUTES`` lost its worker or
    its queue message. Nothing of it was written (``apply`` commits with the job's success), so
    it is queued again, up to ``MAX_ATTEMPTS`` runs; after that it fails with a message and the
    file can be uploaded again. The row lock waits for a live worker's commit first.
    """
    cutoff = _stale_cutoff(now or timezone.now())
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or not _is_stale(job, cutoff):
            return False
        old = {"status": job.status, "attempts": job.attempts}
        if job.status == ImportStatus.PENDING:
            pass  # only the queue message was lost: send it again
        elif job.attempts < MAX_ATTEMPTS:
            job.status = ImportStatus.PENDING
            job.processed_rows = 0
            job.save(update_fields=["status", "processed_rows"])
        else:
            job.status = ImportStatus.FAILED
            job.errors = [
                RowError(
                    None,
                    "",
                    _("导入进程多次意外中断，未写入任何数据。请重新上传该文件或联系管理员。"),
                ).as_dict()
            ]
            job.error_count = 1
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "errors", "error_count", "finished_at"])
        audit_record(
            actor=actor,
            action="import.recovered",
            target=job,
            old=old,
            new={"status": job.status, "attempts": job.attempts},
        )
        if job.status == ImportStatus.PENDING:
            transaction.on_commit(lambda: enqueue(job_id))
    return True


def import_jobs_recover(
    *, actor: Actor, enqueue: Callable[[int], None], now: dt.datetime | None = None
) -> int:
    """Recover every job whose worker is presumed dead (the periodic task); returns how many."""
    now = now or timezone.now()
    cutoff = _stale_cutoff(now)
    stale = ImportJob.objects.filter(
        Q(status__in=_WORKING, started_at__lt=cutoff)
        | Q(status=ImportStatus.PENDING, created_at__lt=cutoff)
    )
    recovered = 0
    for job_id in list(stale.values_list("pk", flat=True)):
        if import_job_recover(actor=actor, job_id=job_id, enqueue=enqueue, now=now):
            recovered += 1
    return recovered
