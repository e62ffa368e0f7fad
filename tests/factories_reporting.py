"""Builders for the reporting tests: a frozen clock, pilot periods and filed reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from onex.core.actors import Actor
from onex.pilots.models import School
from onex.pilots.services.schools import obligation_changed, obligation_of
from onex.reporting.models import Report, ReportKind
from onex.reporting.services import ReportInput, report_file
from tests.personas import Persona

SHANGHAI = timezone.get_fixed_timezone(8 * 60)
# Thursday of ISO week 2026-W11 (Monday 9 March), 10:00 in Beijing.
NOW = dt.datetime(2026, 3, 12, 10, 0, tzinfo=SHANGHAI)
THIS_MONDAY = dt.date(2026, 3, 9)


def monday(weeks_back: int) -> dt.date:
    return THIS_MONDAY - dt.timedelta(weeks=weeks_back)


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch, now: dt.datetime) -> None:
        self.monkeypatch = monkeypatch
        self.set(now)

    def set(self, now: dt.datetime) -> None:
        self.now = now
        self.monkeypatch.setattr(timezone, "now", lambda: now.astimezone(dt.timezone.utc))


@pytest.fixture(name="clock")
def clock_fixture(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch, NOW)


def make_pilot(school: School, since: dt.date, until: dt.date | None = None) -> School:
    """Set the pilot dates directly (as the pilots services do, telling the compliance
    summary through the same event)."""
    with transaction.atomic():
        before = obligation_of(School.objects.select_for_update().get(pk=school.pk))
        School.objects.filter(pk=school.pk).update(pilot_since=since, pilot_until=until)
        school.refresh_from_db()
        obligation_changed(before, obligation_of(school))
    return school


def values(**changes: Any) -> ReportInput:
    base: dict[str, Any] = {
        "students_trained": 40,
        "students_examined": 10,
        "progress": "完成本周培训。",
        "problems": "",
        "next_plan": "继续培训。",
    }
    base.update(changes)
    return ReportInput(**base)


def file_weekly(
    persona: Persona | Actor, week: dt.date, *, submit: bool = True, **changes: Any
) -> Report:
    actor = persona if isinstance(persona, Actor) else persona.actor
    return report_file(
        actor=actor,
        kind=ReportKind.WEEKLY,
        period_start=week,
        values=values(**changes),
        submit=submit,
    )


def file_on_time(persona: Persona, week: dt.date, clock: Any) -> Report:
    """File the week's report on its Friday morning (before the 17:00 default deadline)."""
    saved = clock.now
    clock.set(dt.datetime.combine(week + dt.timedelta(days=4), dt.time(9), tzinfo=SHANGHAI))
    try:
        return file_weekly(persona, week)
    finally:
        clock.set(saved)
