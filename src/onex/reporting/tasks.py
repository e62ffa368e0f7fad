"""Huey tasks of the reporting app (autodiscovered by huey.contrib.djhuey)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from onex.core.actors import Actor
from onex.reporting.services import alarms_scan, reminders_send

logger = logging.getLogger(__name__)


# Hourly at :05: reminders for deadlines within the profile's reminder window (one per unit and
# period, so running often only catches deadlines sooner), then the missed-week alarms.
@db_periodic_task(crontab(minute="5"))  # type: ignore[untyped-decorator, unused-ignore]
def reporting_reminders_and_alarms() -> None:
    actor = Actor.system()
    reminded = reminders_send(actor=actor)
    raised, closed = alarms_scan(actor=actor)
    logger.info("reports: %s reminders, %s alarms raised, %s closed", reminded, raised, closed)
