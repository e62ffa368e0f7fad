"""Compliance figures as DHIS2 computes reporting rates; the missed-week alarms (R23/R47);
reminders before each deadline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail

from onex.core.actors import Actor
from onex.core.errors import Forbidden, RuleViolation
from onex.core.models import PolicyScope
from onex.core.policy import policy_value_set
from onex.reporting.models import AlarmStatus, Reminder, ReportKind
from onex.reporting.selectors import (
    actor_scope,
    alarm_list,
    compliance,
    gaps,
    school_reporting_rates,
)
from onex.reporting.selectors.overview import map_name
from onex.reporting.services import alarms_scan, reminders_send, report_file
from onex.reporting.shell import reports_due
from tests.factories_pilots import confirmed
from tests.factories_reporting import (
    NOW,
    Clock,
    file_on_time,
    file_weekly,
    make_pilot,
    monday,
    values,
)
from tests.personas import Personas, division

pytestmark = pytest.mark.django_db

START = monday(6)
END = NOW.date()


def _setup(p: Personas, clock: Clock) -> None:
    # Guangzhou school: pilot for the 6 weeks; files 4 (3 on time, 1 late), misses 2.
    make_pilot(p.gd_school_obj, START - dt.timedelta(days=30))
    for back in (6, 5, 4):
        file_on_time(p.gd_school, monday(back), clock)
    file_weekly(p.gd_school, monday(3))  # late
    # Shenzhen school: confirmed mid-range (from week -2): expected 2 weeks, files none.
    make_pilot(p.sz_school_obj, monday(2))
    # Wuhan school: pilot throughout, files all 6 on time.
    make_pilot(p.hb_school_obj, START)
    for back in range(6, 0, -1):
        file_on_time(p.hb_school, monday(back), clock)


def _rows(actor: Actor, level: str) -> dict[str, tuple[int, int, int]]:
    rows = compliance(
        kind=ReportKind.WEEKLY, level=level, scope=actor_scope(actor=actor), start=START, end=END
    )
    return {r.name: (r.expected, r.actual, r.on_time) for r in rows}


def test_r41_expected_follows_pilot_status_over_time(personas: Personas, clock: Clock) -> None:
    _setup(personas, clock)
    units = _rows(Actor.system(), "unit")
    # Six ended weeks (the current one has not ended); Shenzhen only from its confirmation.
    assert units["广州番禺职业技术学院"] == (6, 4, 3)
    assert units["深圳职业技术学院"] == (2, 0, 0)
    assert units["武汉职业技术学院"] == (6, 6, 6)


def test_r41_rates_per_level(personas: Personas, clock: Clock) -> None:
    _setup(personas, clock)
    nation = compliance(
        kind=ReportKind.WEEKLY,
        level="nation",
        scope=actor_scope(actor=Actor.system()),
        start=START,
        end=END,
    )[0]
    assert (nation.expected, nation.actual, nation.on_time) == (14, 10, 9)
    assert nation.reporting_rate == Decimal("71.4")
    assert nation.on_time_rate == Decimal("64.3")
    assert _rows(Actor.system(), "province") == {"广东省": (8, 4, 3), "湖北省": (6, 6, 6)}
    assert _rows(personas.gd.actor, "city") == {"广州市": (6, 4, 3), "深圳市": (2, 0, 0)}


def test_compliance_is_scoped_to_the_actor(personas: Personas, clock: Clock) -> None:
    _setup(personas, clock)
    assert set(_rows(personas.gd.actor, "unit")) == {"广州番禺职业技术学院", "深圳职业技术学院"}
    assert set(_rows(personas.gz_city.actor, "unit")) == {"广州番禺职业技术学院"}
    assert set(_rows(personas.gd_school.actor, "unit")) == {"广州番禺职业技术学院"}
    assert _rows(personas.learner.actor, "unit") == {}
    # A filter outside the jurisdiction yields nothing, not the other province's figures.
    scope = actor_scope(actor=personas.gd.actor, province="420000")
    rows = compliance(kind=ReportKind.WEEKLY, level="unit", scope=scope, start=START, end=END)
    assert rows == []


def test_late_and_missing_are_listed_by_the_same_join(personas: Personas, clock: Clock) -> None:
    _setup(personas, clock)
    scope = actor_scope(actor=personas.gd.actor)
    total, _all_rows = gaps(kind=ReportKind.WEEKLY, scope=scope, start=START, end=END)
    assert total == 5  # Guangzhou: 2 missing + 1 late; Shenzhen: 2 missing
    missing, _missing_rows = gaps(
        kind=ReportKind.WEEKLY, scope=scope, start=START, end=END, which="missing"
    )
    late, late_rows = gaps(kind=ReportKind.WEEKLY, scope=scope, start=START, end=END, which="late")
    assert (missing, late) == (4, 1)
    assert late_rows[0].period_start == monday(3)


def test_school_reporting_rates_for_supervision(personas: Personas, clock: Clock) -> None:
    _setup(personas, clock)
    rates = school_reporting_rates(
        school_ids=[
            personas.gd_school_obj.pk,
            personas.sz_school_obj.pk,
            personas.hb_school_obj.pk,
        ],
        start=START,
        end=END,
    )
    assert rates == {
        personas.gd_school_obj.pk: Decimal("0.6667"),
        personas.sz_school_obj.pk: Decimal("0"),
        personas.hb_school_obj.pk: Decimal("1"),
    }


def test_r23_three_missed_weeks_raise_an_alarm(
    personas: Personas, clock: Clock, django_capture_on_commit_callbacks: Any
) -> None:
    make_pilot(personas.gd_school_obj, monday(8))
    for back in (8, 7, 6, 5):
        file_on_time(personas.gd_school, monday(back), clock)
    # Weeks -4 and -3 missed by the Thursday of week -2: two weeks, no alarm yet.
    clock.set(NOW - dt.timedelta(weeks=2))
    assert alarms_scan(actor=Actor.system()) == (0, 0)
    # A week later the third missed week's Friday deadline has passed.
    clock.set(NOW - dt.timedelta(weeks=1))
    assert alarms_scan(actor=Actor.system()) == (1, 0)
    alarm = alarm_list(actor=personas.gd.actor).get()
    assert (alarm.school, alarm.missed_weeks, alarm.streak_start, alarm.rule) == (
        personas.gd_school_obj,
        3,
        monday(4),
        "R23",
    )
    assert alarm_list(actor=personas.gz_city.actor).count() == 1
    assert alarm_list(actor=personas.hb.actor).count() == 0
    # Filing again (even late) closes the alarm at once.
    with django_capture_on_commit_callbacks(execute=True):
        file_weekly(personas.gd_school, monday(2))
    alarm.refresh_from_db()
    assert alarm.status == AlarmStatus.CLOSED


def test_r23_threshold_comes_from_the_profile(personas: Personas, clock: Clock) -> None:
    make_pilot(personas.gd_school_obj, monday(3))
    policy_value_set(
        actor=Actor.system(),
        key="r23.missed_weekly_reports_weeks",
        value=4,
        scope=PolicyScope.PROVINCE,
        province=division("440000"),
        effective_from=dt.date(2020, 1, 1),
    )
    # Weeks -3, -2, -1 missed: three, below Guangdong's four.
    assert alarms_scan(actor=Actor.system()) == (0, 0)


def test_r47_hubei_counts_late_reports_as_missed(personas: Personas, clock: Clock) -> None:
    for school in (personas.gd_school_obj, personas.hb_school_obj):
        make_pilot(school, monday(3))
    for persona in (personas.gd_school, personas.hb_school):
        for back in (3, 2, 1):
            file_weekly(persona, monday(back))  # every one late
    policy_value_set(
        actor=Actor.system(),
        key="r47.late_counts_as_missed",
        value=True,
        scope=PolicyScope.PROVINCE,
        province=division("420000"),
        effective_from=dt.date(2020, 1, 1),
    )
    assert alarms_scan(actor=Actor.system()) == (1, 0)
    alarm = alarm_list(actor=Actor.system()).get()
    assert alarm.school == personas.hb_school_obj
    assert alarm.rule == "R47"


def test_reminders_before_the_deadline(
    personas: Personas, clock: Clock, django_capture_on_commit_callbacks: Any
) -> None:
    make_pilot(personas.gd_school_obj, monday(3))
    make_pilot(personas.hb_school_obj, monday(3))
    file_on_time(personas.hb_school, monday(0), clock)
    personas.gd_school.user.email = "school@example.com"
    personas.gd_school.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        created = reminders_send(actor=Actor.system())
    # This week's report is due Friday 17:00, within the two-day window; Wuhan has filed.
    assert created == 1
    reminder = Reminder.objects.get()
    assert reminder.unit == personas.gd_school_obj.unit
    assert reminder.period_start == monday(0)
    assert [m.to for m in mail.outbox] == [["school@example.com"]]
    assert reminders_send(actor=Actor.system()) == 0  # one reminder per period


def test_reminder_is_on_the_filers_todo_list(
    personas: Personas, clock: Clock, django_capture_on_commit_callbacks: Any
) -> None:
    make_pilot(personas.gd_school_obj, monday(3))
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(actor=Actor.system())
    items = reports_due(personas.gd_school.actor, NOW.date())
    reminder = [i for i in items if i.deadline is not None]
    assert len(reminder) == 1
    assert reminder[0].deadline == monday(0) + dt.timedelta(days=4)
    assert "period=2026-03-09" in reminder[0].url
    file_weekly(personas.gd_school, monday(0))
    assert all(i.deadline is None for i in reports_due(personas.gd_school.actor, NOW.date()))


def test_r41_org_reports_monthly_to_each_province_with_its_pilots(
    personas: Personas, clock: Clock
) -> None:
    confirmed(personas, personas.gd_school, personas.gd_school_obj, personas.gd)
    personas.gd_school_obj.refresh_from_db()
    assert personas.gd_school_obj.pilot_since == NOW.date()  # set by the confirmation
    make_pilot(personas.gd_school_obj, dt.date(2026, 1, 5))
    org = personas.org.actor
    with pytest.raises(RuleViolation):  # January began before the org's first pilot school
        report_file(
            actor=org,
            kind=ReportKind.MONTHLY,
            period_start=dt.date(2026, 1, 1),
            values=values(),
            submit=True,
        )
    report = report_file(
        actor=org,
        kind=ReportKind.MONTHLY,
        period_start=dt.date(2026, 2, 1),
        province="440000",
        values=values(),
        submit=True,
    )
    assert report.province.code == "440000"
    assert report.is_late  # due 5 March 17:00
    rows = compliance(
        kind=ReportKind.MONTHLY,
        level="unit",
        scope=actor_scope(actor=personas.gd.actor),
        start=dt.date(2026, 1, 1),
        end=END,
    )
    assert [(r.name, r.expected, r.actual, r.on_time) for r in rows] == [
        (personas.org_obj.unit.name, 1, 1, 0)
    ]
    # The school files weekly reports, not monthly ones.
    with pytest.raises(Forbidden):
        report_file(
            actor=personas.gd_school.actor,
            kind=ReportKind.MONTHLY,
            period_start=dt.date(2026, 2, 1),
            values=values(),
            submit=True,
        )


def test_r41_half_year_summary(personas: Personas, clock: Clock) -> None:
    make_pilot(personas.gd_school_obj, dt.date(2025, 6, 1))
    report = report_file(
        actor=personas.gd_school.actor,
        kind=ReportKind.HALF_YEAR,
        period_start=dt.date(2025, 7, 1),
        values=values(),
        submit=True,
    )
    assert report.period_label == "2025-H2"
    assert report.is_late  # due 15 January
    with pytest.raises(RuleViolation):
        report_file(
            actor=personas.gd_school.actor,
            kind=ReportKind.HALF_YEAR,
            period_start=dt.date(2025, 1, 1),
            values=values(),
            submit=True,
        )


def test_map_names_match_the_china_map() -> None:
    assert [map_name(n) for n in ("广东省", "广西壮族自治区", "北京市", "香港特别行政区")] == [
        "广东",
        "广西",
        "北京",
        "香港",
    ]
