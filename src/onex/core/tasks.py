"""Huey tasks of the shared kernel (autodiscovered by huey.contrib.djhuey)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from onex.core.actors import Actor
from onex.core.import_runs import import_files_purge, import_jobs_recover, import_run

logger = logging.getLogger(__name__)

# Huey's decorators are untyped: --strict reports them (unused-ignore keeps the lenient
# configuration quiet); the task bodies are typed services, tested through call_local().


@db_task()  # type: ignore[untyped-decorator, unused-ignore]
def run_import_job(job_id: int) -> None:
    # The body lives in a plain service so it can be tested and rerun without Huey.
    import_run(job_id=job_id)


# Daily at 03:37, after the audit purge (03:17): uploaded files past the retention period.
@db_periodic_task(crontab(hour="3", minute="37"))  # type: ignore[untyped-decorator, unused-ignore]
def import_files_purge_daily() -> None:
    purged = import_files_purge(actor=Actor.system())
    logger.info("import file purge: %s files deleted", purged)


# Every 10 minutes: imports whose worker died (or whose queue message was lost) run again.
@db_periodic_task(crontab(minute="*/10"))  # type: ignore[untyped-decorator, unused-ignore]
def import_jobs_recover_periodic() -> None:
    recovered = import_jobs_recover(actor=Actor.system(), enqueue=run_import_job)
    if recovered:
        logger.warning("import recovery: %s stale jobs re-queued or failed", recovered)
