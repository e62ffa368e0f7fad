"""Huey tasks of the credit bank (autodiscovered by huey.contrib.djhuey)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from onex.creditbank.services.accounts import outcomes_sync
from onex.creditbank.services.plans import plan_reminders_send


@db_periodic_task(crontab(hour="8", minute="15"))  # type: ignore[untyped-decorator]  # huey is untyped
def remind_overdue_plans() -> int:
    """R16: remind the orgs of plans not proposed within a month of publication."""
    return plan_reminders_send()


@db_periodic_task(crontab(minute="*/30"))  # type: ignore[untyped-decorator]  # huey is untyped
def sync_outcomes() -> dict[str, int]:
    """Catch up on certificates the on-commit listener missed (R44)."""
    return outcomes_sync()
