"""Huey tasks of the pilots app (autodiscovered by huey.contrib.djhuey)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from onex.pilots.services.coordination import working_body_remind_due

logger = logging.getLogger(__name__)


# Daily at 08:05, when offices open, so a reminder is on the school's to-do list that morning.
@db_periodic_task(crontab(hour="8", minute="5"))  # type: ignore[untyped-decorator]  # huey is untyped
def working_body_reminders_daily() -> None:
    sent = working_body_remind_due()
    logger.info("R33 working-body reminders sent: %s", sent)
