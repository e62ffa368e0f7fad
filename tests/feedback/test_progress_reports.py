"""R03: report periods and deadlines from the profile, late marking, reminders before and after
the deadline (in-app and e-mail), and the list of late and missing progress reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from onex.core.actors import Actor
from onex.core.errors import Forbidden, InvalidInput, RuleViolation
from onex.core.models import UnitKind
from onex.core.models.policy import PolicyScope
from onex.core.policy import policy_value_set
from onex.feedback.models import ProgressReminder, ReminderStage
from onex.feedback.selectors import progress
from onex.feedback.services import feedback as services
from onex.feedback.services.progress import progress_reminders_send
from onex.feedback.shell import feedback_todos
from onex.feedback.tasks import feedback_progress_reminders
from tests.factories_pilots import confirmed
from tests.factories_reporting import SHANGHAI, Clock, clock_fixture, make_pilot
from tests.personas import Personas, division

pytestmark = pytest.mark.django_db
__all__ = ["clock_fixture"]  # the frozen clock fixture

H2_2025 = dt.date(2025, 7, 1)
H1_2026 = dt.date(2026, 1, 1)


def _at(clock: Clock, day: dt.date) -> None:
    clock.set(dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI))


@pytest.fixture(name="pilots")
def pilots_fixture(personas: Personas, clock: Clock) -> Personas:
    """Two pilot schools (Guangdong, Hubei) since 2025 and the org whose certificate they pilot."""
    confirmed(personas, personas.gd_school, personas.gd_school_obj, personas.gd)
    for school in (personas.gd_school_obj, personas.hb_school_obj):
        make_pilot(school, dt.date(2025, 3, 1))
    for persona in (personas.gd_school, personas.hb_school, personas.gd, personas.hb):
        persona.user.email = f"{persona.user.username}@example.cn"
        persona.user.save(update_fields=["email"])
    return personas


def test_r03_periods_and_deadlines_come_from_the_profile_as_platform_defaults(
    personas: Personas,
) -> None:
    period = progress.period_containing(dt.date(2026, 3, 12))
    assert (period.start, period.end) == (H1_2026, dt.date(2026, 6, 30))
    assert period.label == "2026 年上半年"
    assert period.due_on() == dt.date(2026, 7, 15)  # 15 days after the end
    entries = progress.settings_entries()
    assert all(e.is_platform_default for e in entries.values())
    assert progress.period_at(dt.date(2026, 2, 1)) is None
    policy_value_set(
        actor=Actor.system(),
        key="r03.due_days",
        value=30,
        scope=PolicyScope.PROVINCE,
        province=division("420000"),
        effective_from=dt.date(2020, 1, 1),
    )
    assert period.due_on(province=division("420000")) == dt.date(2026, 7, 30)
    assert period.due_on(province=division("440000")) == dt.date(2026, 7, 15)
    policy_value_set(
        actor=Actor.system(),
        key="r03.period_months",
        value=3,
        scope=PolicyScope.NATIONAL,
        effective_from=dt.date(2020, 1, 1),
    )
    quarter = progress.period_containing(dt.date(2026, 3, 12))
    assert (quarter.start, quarter.end, quarter.label) == (
        H1_2026,
        dt.date(2026, 3, 31),
        "2026 年第一季度",
    )
    assert progress.period_at(dt.date(2026, 4, 1)) is not None


def test_r03_a_report_covers_one_begun_period_once_and_is_marked_late_after_its_deadline(
    pilots: Personas, clock: Clock
) -> None:
    p = pilots
    school = p.gd_school.actor
    late = services.report_submit(actor=school, period_start=H2_2025, progress="补报下半年工作")
    assert (late.period_end, late.due_on, late.is_late) == (
        dt.date(2025, 12, 31),
        dt.date(2026, 1, 15),
        True,
    )
    assert late.period == "2025 年下半年"
    current = services.report_submit(actor=school, period_start=H1_2026, progress="本期工作进展")
    assert not current.is_late
    with pytest.raises(RuleViolation) as twice:
        services.report_submit(actor=school, period_start=H1_2026, progress="再报一次本期")
    assert twice.value.rule == "R03"
    with pytest.raises(RuleViolation) as future:
        services.report_submit(
            actor=school, period_start=dt.date(2026, 7, 1), progress="尚未开始的报送期"
        )
    assert future.value.rule == "R03"
    with pytest.raises(InvalidInput):  # no period begins on 1 February
        services.report_submit(
            actor=school, period_start=dt.date(2026, 2, 1), progress="不是报送期的开始"
        )
    with pytest.raises(Forbidden):
        services.report_submit(
            actor=p.gd_viewer.actor, period_start=H1_2026, progress="查看人员不能报送"
        )


def test_r03_reminders_before_and_after_the_deadline_in_app_and_by_mail(
    pilots: Personas, clock: Clock, django_capture_on_commit_callbacks: Any
) -> None:
    p = pilots
    _at(clock, dt.date(2026, 1, 5))  # 10 days before 15 January: outside the 7-day lead
    assert progress_reminders_send(actor=Actor.system()) == 0
    _at(clock, dt.date(2026, 1, 10))
    mail.outbox.clear()
    # gd, hb, both schools and the org owe the second half of 2025.
    with pytest.raises(Forbidden):
        progress_reminders_send(actor=p.gd_school.actor)
    with django_capture_on_commit_callbacks(execute=True):
        feedback_progress_reminders.call_local()  # the daily Huey task
    before = ProgressReminder.objects.filter(stage=ReminderStage.BEFORE)
    assert {r.unit_id for r in before} == {
        p.gd.unit.pk,
        p.hb.unit.pk,
        p.gd_school.unit.pk,
        p.hb_school.unit.pk,
        p.org.unit.pk,
    }
    assert {to for m in mail.outbox for to in m.to} >= {
        "gd-school@example.cn",
        "hb-school@example.cn",
    }
    assert "2026-01-15" in mail.outbox[0].body
    assert progress_reminders_send(actor=Actor.system()) == 0  # once per stage
    todo = feedback_todos(p.hb_school.actor, dt.date(2026, 1, 10))
    assert any("2025 年下半年" in str(i.title) and i.deadline == dt.date(2026, 1, 15) for i in todo)
    services.report_submit(
        actor=p.gd_school.actor, period_start=H2_2025, progress="按时报送下半年工作"
    )
    assert not any(
        "2025 年下半年" in str(i.title) for i in feedback_todos(p.gd_school.actor, clock.now.date())
    )
    _at(clock, dt.date(2026, 1, 16))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert progress_reminders_send(actor=Actor.system()) == 4  # all but the one that filed
    after = ProgressReminder.objects.filter(stage=ReminderStage.AFTER)
    assert p.gd_school.unit.pk not in {r.unit_id for r in after}
    assert "尚未报送" in mail.outbox[0].body
    todo = feedback_todos(p.hb_school.actor, dt.date(2026, 1, 16))
    assert [i.tone for i in todo if "2025 年下半年" in str(i.title)] == ["danger"]


def test_r03_late_and_missing_reports_are_listed_for_officials_in_their_scope(
    pilots: Personas, clock: Clock
) -> None:
    p = pilots
    period = progress.period_at(H2_2025)
    assert period is not None
    services.report_submit(
        actor=p.gd_school.actor, period_start=H2_2025, progress="逾期补报下半年工作"
    )
    states = {
        r.owed.unit_id: r.state
        for r in progress.report_status(actor=p.ministry.actor, period=period)
    }
    assert states == {
        p.gd_school.unit.pk: progress.ReportState.LATE,
        p.hb_school.unit.pk: progress.ReportState.MISSING,
        p.gd.unit.pk: progress.ReportState.MISSING,
        p.hb.unit.pk: progress.ReportState.MISSING,
        p.org.unit.pk: progress.ReportState.MISSING,
    }
    guangdong = progress.report_status(actor=p.gd.actor, period=period)
    assert {r.owed.unit_id for r in guangdong} == {p.gd.unit.pk, p.gd_school.unit.pk}
    missing = progress.report_status(actor=p.gd.actor, period=period, state="missing")
    assert [r.owed.kind for r in missing] == [UnitKind.PROVINCE]
    client = Client()
    client.force_login(p.gd.user)
    page = client.get(reverse("feedback:report_status"), {"period": "2025-07-01"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "逾期未报" in text and "逾期报送" in text and "平台默认值" in text
    assert "武汉职业技术学院" not in text
    xlsx = client.get(reverse("feedback:report_status"), {"period": "2025-07-01", "format": "xlsx"})
    assert xlsx.status_code == 200
    api = client.get("/api/v1/feedback/reports/status", {"period_start": "2025-07-01"}).json()
    assert {row["state"] for row in api["items"]} == {"late", "missing"}
    client.force_login(p.gd_school.user)
    assert client.get(reverse("feedback:report_status")).status_code == 403
    assert client.get("/api/v1/feedback/reports/status").status_code == 403


def test_r03_api_lists_periods_and_submits_a_report_for_one(pilots: Personas, clock: Clock) -> None:
    client = Client()
    client.force_login(pilots.hb_school.user)
    periods = client.get("/api/v1/feedback/reports/periods").json()
    assert periods[0]["start"] == "2026-01-01"
    assert periods[0]["platform_default"] is True
    assert not periods[1]["reported"]
    created = client.post(
        "/api/v1/feedback/reports",
        {"period_start": "2025-07-01", "progress": "补报上期工作进展"},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["is_late"] is True
    again = client.post(
        "/api/v1/feedback/reports",
        {"period_start": "2025-07-01", "progress": "补报上期工作进展"},
        content_type="application/json",
    )
    assert again.status_code in (409, 422)
    assert again.json()["rule"] == "R03"
    page = client.get(reverse("feedback:report_new"), {"period": "2025-07-01"})
    assert "2026-01-15" in page.content.decode()
