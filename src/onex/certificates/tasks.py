"""Huey tasks of the certificates app (autodiscovered by huey.contrib.djhuey).

The task is declared next to the service that enqueues it, so submitting needs no import back.
"""

from __future__ import annotations

from onex.certificates.services.jobs import run_issue_job

__all__ = ["run_issue_job"]
