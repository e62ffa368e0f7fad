"""Huey tasks of the certificates app (autodiscovered by huey.contrib.djhuey)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from onex.certificates.services import issue_job_run


@db_task()
def run_issue_job(job_id: int) -> None:
    # Batch issue and batch PDF jobs share the runner; the body is a plain, testable service.
    issue_job_run(job_id=job_id)
