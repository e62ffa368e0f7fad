"""Huey tasks of the shared kernel (autodiscovered by huey.contrib.djhuey)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from onex.core.imports import import_run


@db_task()
def run_import_job(job_id: int) -> None:
    # The body lives in a plain service so it can be tested and rerun without Huey.
    import_run(job_id=job_id)
