"""Reads of R03's periodic progress reports: the report periods, who owes a report for one,
and which reports are late or missing.

The policy documents say only "periodically" (定期报送) and give no due date, so the cadence
(``r03.period_months``), the deadline after a period ends (``r03.due_days``) and the reminder
lead (``r03.reminder_days``) are platform defaults in the policy profile, labelled as such.
Periods are calendar-aligned blocks of that many months (6: 1 January and 1 July), so every
unit's period for a date is the same and a period is named by its first day.

Who owes a report for a period: every pilot school that was a pilot school during it, the
provinces that had such schools, and the orgs whose certificates they pilot (the same pilot
applications that make an org file monthly reports, R41).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.core.actors import Actor
from onex.core.models import Unit, UnitKind
from onex.core.policy import ProfileEntry, policy_entry, policy_value
from onex.feedback.models import ProgressReminder, ProgressReport
from onex.geo.models import Division
from onex.pilots.models import PilotApplication, School
from onex.pilots.models.applications import CONFIRMED_STATUSES

MONTHS_KEY = "r03.period_months"
DUE_DAYS_KEY = "r03.due_days"
REMINDER_DAYS_KEY = "r03.reminder_days"
# Calendar-aligned periods need a length that divides the year.
DIVISORS = (1, 2, 3, 4, 6, 12)
CHINESE_QUARTERS = ("一", "二", "三", "四")


class ReportState:
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    PENDING = "pending"


STATE_LABELS: dict[str, str | Promise] = {
    ReportState.ON_TIME: gettext_lazy("按时报送"),
    ReportState.LATE: gettext_lazy("逾期报送"),
    ReportState.MISSING: gettext_lazy("逾期未报"),
    ReportState.PENDING: gettext_lazy("未到截止日期"),
}


def state_label(state: str) -> str:
    return str(STATE_LABELS[state])


@dataclass(frozen=True)
class ReportPeriod:
    start: dt.date
    end: dt.date
    months: int

    @property
    def label(self) -> str:
        year = self.start.year
        if self.months == 12:
            return _("%(y)s 年度") % {"y": year}
        if self.months == 6:
            if self.start.month == 1:
                return _("%(y)s 年上半年") % {"y": year}
            return _("%(y)s 年下半年") % {"y": year}
        if self.months == 3:
            quarter = CHINESE_QUARTERS[(self.start.month - 1) // 3]
            return _("%(y)s 年第%(q)s季度") % {"y": year, "q": quarter}
        if self.months == 1:
            return _("%(y)s 年 %(m)s 月") % {"y": year, "m": self.start.month}
        return _("%(y)s 年 %(a)s–%(b)s 月") % {
            "y": year,
            "a": self.start.month,
            "b": self.end.month,
        }

    def due_on(self, *, province: Division | None = None) -> dt.date:
        """The deadline: the profile's days after the period ends (the unit's province's)."""
        days = int(policy_value(DUE_DAYS_KEY, province=province, on=self.start))
        return self.end + dt.timedelta(days=days)

    def previous(self) -> ReportPeriod:
        return period_containing(self.start - dt.timedelta(days=1))


def period_months(on: dt.date | None = None) -> int:
    """The period length in force: the largest divisor of 12 not above the profile's value."""
    wanted = int(policy_value(MONTHS_KEY, on=on))
    return max(d for d in DIVISORS if d <= max(wanted, 1))


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_containing(day: dt.date) -> ReportPeriod:
    months = period_months(day)
    first_month = (day.month - 1) // months * months + 1
    start = dt.date(day.year, first_month, 1)
    return ReportPeriod(start, _add_months(start, months) - dt.timedelta(days=1), months)


def period_at(start: dt.date) -> ReportPeriod | None:
    """The period beginning on ``start``, or None when no period begins that day."""
    period = period_containing(start)
    return period if period.start == start else None


def recent_periods(*, today: dt.date | None = None, count: int = 4) -> list[ReportPeriod]:
    """The current period and the ``count - 1`` before it (the ones a unit may file for)."""
    period = period_containing(today or timezone.localdate())
    periods = [period]
    while len(periods) < count:
        period = period.previous()
        periods.append(period)
    return periods


def latest_due_period(*, today: dt.date | None = None) -> ReportPeriod:
    """The latest period whose (national) deadline has passed: what officials check first."""
    today = today or timezone.localdate()
    periods = recent_periods(today=today, count=8)
    return next((p for p in periods if p.due_on() < today), periods[-1])


def settings_entries() -> dict[str, ProfileEntry]:
    """The three profile entries, for pages that show them with their platform-default tag."""
    return {
        "months": policy_entry(MONTHS_KEY),
        "due_days": policy_entry(DUE_DAYS_KEY),
        "reminder_days": policy_entry(REMINDER_DAYS_KEY),
    }


@dataclass(frozen=True)
class Owed:
    unit_id: int
    unit_name: str
    kind: str  # UnitKind
    province: Division | None

    @property
    def kind_label(self) -> str:
        return str(UnitKind(self.kind).label)


def owing(period: ReportPeriod, *, province_id: int | None = None) -> list[Owed]:
    """The units that owe a progress report for ``period`` (optionally in one province)."""
    schools = School.objects.filter(
        pilot_since__isnull=False, pilot_since__lte=period.end, unit__isnull=False
    ).filter(Q(pilot_until__isnull=True) | Q(pilot_until__gt=period.start))
    if province_id is not None:
        schools = schools.filter(province_id=province_id)
    school_rows = list(schools.values_list("unit_id", "province_id"))
    province_ids = {p for _u, p in school_rows}
    divisions = Division.objects.in_bulk(province_ids)
    units = Unit.objects.in_bulk([u for u, _p in school_rows])
    rows = [
        Owed(u, units[u].name, UnitKind.SCHOOL, divisions[p]) for u, p in school_rows if u in units
    ]
    for unit in Unit.objects.filter(kind=UnitKind.PROVINCE, province_id__in=province_ids):
        rows.append(Owed(unit.pk, unit.name, UnitKind.PROVINCE, divisions[unit.province_id]))
    if province_id is None:
        org_units = (
            PilotApplication.objects.filter(status__in=CONFIRMED_STATUSES, school__in=schools)
            .order_by()
            .values_list("certificate__org__unit_id", flat=True)
            .distinct()
        )
        for unit in Unit.objects.filter(pk__in=org_units):
            rows.append(Owed(unit.pk, unit.name, UnitKind.ORG, None))
    return rows


@dataclass(frozen=True)
class StatusRow:
    owed: Owed
    period: ReportPeriod
    due_on: dt.date
    state: str
    report: ProgressReport | None

    @property
    def state_label(self) -> str:
        return state_label(self.state)


def report_status(
    *,
    actor: Actor,
    period: ReportPeriod,
    state: str = "",
    q: str = "",
    today: dt.date | None = None,
) -> list[StatusRow]:
    """Per owing unit in the actor's scope: on time, late, missing or not yet due (R03).

    The Ministry sees every province, school and org; a province sees itself and its schools;
    any other unit sees its own row."""
    today = today or timezone.localdate()
    province_id = actor.province_id if actor.kind == UnitKind.PROVINCE else None
    rows = owing(period, province_id=province_id)
    if not actor.is_national and actor.kind != UnitKind.PROVINCE:
        rows = [r for r in rows if r.unit_id == actor.unit_id]
    if q:
        rows = [r for r in rows if q.strip() in r.unit_name]
    reports = {
        r.unit_id: r
        for r in ProgressReport.objects.filter(
            period_start=period.start, unit_id__in=[r.unit_id for r in rows]
        )
    }
    due_by_province: dict[int | None, dt.date] = {}
    result: list[StatusRow] = []
    for owed in rows:
        key = owed.province.pk if owed.province else None
        if key not in due_by_province:
            due_by_province[key] = period.due_on(province=owed.province)
        due = due_by_province[key]
        report = reports.get(owed.unit_id)
        if report is not None:
            current = ReportState.LATE if report.is_late else ReportState.ON_TIME
        else:
            current = ReportState.MISSING if today > due else ReportState.PENDING
        if state and current != state:
            continue
        result.append(StatusRow(owed, period, due, current, report))
    order: dict[str, int] = {UnitKind.PROVINCE: 0, UnitKind.ORG: 1, UnitKind.SCHOOL: 2}
    result.sort(key=lambda r: (order.get(r.owed.kind, 3), r.owed.unit_name))
    return result


def pending_reminders(*, actor: Actor) -> list[ProgressReminder]:
    """The actor's unit's reminders for periods it has still not reported (its to-do list)."""
    if actor.unit_id is None:
        return []
    filed = ProgressReport.objects.filter(unit_id=actor.unit_id, period_start__isnull=False)
    latest: dict[dt.date, ProgressReminder] = {}
    for reminder in (
        ProgressReminder.objects.filter(unit_id=actor.unit_id)
        .exclude(period_start__in=filed.values("period_start"))
        .order_by("sent_at", "pk")
    ):
        latest[reminder.period_start] = reminder  # the overdue one replaces the earlier one
    return sorted(latest.values(), key=lambda r: r.due_on)
