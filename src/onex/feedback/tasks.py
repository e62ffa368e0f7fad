"""Huey tasks of the feedback app (autodiscovered by huey.contrib.djhuey)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from onex.core.actors import Actor
from onex.feedback.services.progress import progress_reminders_send

logger = logging.getLogger(__name__)


# Daily at 08:20: R03 progress-report reminders (one per unit, period and stage, so a rerun
# after an outage sends nothing twice).
@db_periodic_task(crontab(minute="20", hour="8"))  # type: ignore[untyped-decorator, unused-ignore]
def feedback_progress_reminders() -> None:
    created = progress_reminders_send(actor=Actor.system())
    logger.info("progress reports: %s reminders", created)
