"""R03 reminders: before a progress report's deadline and once after it, every unit that still
owes its report gets an in-app reminder (its to-do list) and an e-mail to its active users
through Django's mail backend. One reminder per unit, period and stage, so the daily task can
run any number of times."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.models import User
from onex.core.policy import policy_value
from onex.feedback.models import ProgressReminder, ProgressReport, ReminderStage
from onex.feedback.selectors.progress import (
    REMINDER_DAYS_KEY,
    ReportPeriod,
    owing,
    period_containing,
)

logger = logging.getLogger(__name__)


def progress_reminders_send(*, actor: Actor, today: dt.date | None = None) -> int:
    """Remind the units that owe the current or the previous period's progress report: from
    ``r03.reminder_days`` days before its deadline up to it, then once after it. Returns how
    many reminders were created."""
    actor.require(actor.is_system or actor.is_national)
    today = today or timezone.localdate()
    current = period_containing(today)
    created = 0
    with transaction.atomic():
        for period in (current.previous(), current):
            created += _remind(period=period, today=today)
        if created:
            audit_record(actor=actor, action="feedback.reminders.send", new={"created": created})
    return created


def _remind(*, period: ReportPeriod, today: dt.date) -> int:
    filed = set(
        ProgressReport.objects.filter(period_start=period.start).values_list("unit_id", flat=True)
    )
    done = set(
        ProgressReminder.objects.filter(period_start=period.start).values_list("unit_id", "stage")
    )
    new: list[ProgressReminder] = []
    for owed in owing(period):
        if owed.unit_id in filed:
            continue
        due = period.due_on(province=owed.province)
        lead = int(policy_value(REMINDER_DAYS_KEY, province=owed.province, on=period.start))
        if today > due:
            stage = ReminderStage.AFTER
            message = _("%(period)s工作动态已于 %(due)s 截止，本单位尚未报送，请尽快补报。")
        elif today >= due - dt.timedelta(days=lead):
            stage = ReminderStage.BEFORE
            message = _("%(period)s工作动态将于 %(due)s 截止，请按时报送。")
        else:
            continue
        if (owed.unit_id, stage) in done:
            continue
        new.append(
            ProgressReminder(
                unit_id=owed.unit_id,
                period_start=period.start,
                period_label=period.label,
                due_on=due,
                stage=stage,
                message=(message % {"period": period.label, "due": due.isoformat()})[:500],
            )
        )
    if not new:
        return 0
    recipients: dict[int, list[str]] = {}
    for unit_id, email in (
        User.objects.filter(unit_id__in=[r.unit_id for r in new], is_active=True)
        .exclude(email="")
        .values_list("unit_id", "email")
    ):
        recipients.setdefault(unit_id, []).append(email)
    for reminder in new:
        reminder.emails = len(recipients.get(reminder.unit_id, []))
    ProgressReminder.objects.bulk_create(new, ignore_conflicts=True)
    subject = _("【1+X 试点】工作动态报送提醒")
    mails = [
        (subject, r.message, settings.DEFAULT_FROM_EMAIL, recipients[r.unit_id])
        for r in new
        if recipients.get(r.unit_id)
    ]
    if mails:
        transaction.on_commit(lambda: _send(mails))
    return len(new)


def _send(mails: list[tuple[str, str, str, list[str]]]) -> None:
    try:
        send_mass_mail(tuple(mails), fail_silently=False)
    except OSError:  # the in-app reminder stands; the mail server is an operations matter
        logger.exception("progress report reminder mail failed")
