"""Writes of the reporting app: filing, submitting and amending reports (R41), the missed-week
alarms and watch list (R23/R47), and the reminders before each deadline."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import Forbidden, InvalidInput, RuleViolation
from onex.core.limits import DOCUMENT_MAX
from onex.core.models import UnitKind, User
from onex.core.policy import policy_value
from onex.core.workflows import perform
from onex.geo.models import Division
from onex.pilots.models import School
from onex.reporting.models import (
    Alarm,
    AlarmStatus,
    Period,
    Reminder,
    Report,
    ReportKind,
    ReportStatus,
    ReportVersion,
)
from onex.reporting.selectors import (
    due_at_for,
    missed_streaks,
    owed_provinces,
    owes,
    owing_units,
    period_for,
    period_get,
)
from onex.reporting.services.tallies import tally_report_filed, tally_weeks_added
from onex.reporting.workflows import REPORT

logger = logging.getLogger(__name__)

MAX_STUDENTS = 1_000_000
FILER_KINDS: dict[str, tuple[str, ...]] = {
    ReportKind.WEEKLY: (UnitKind.SCHOOL,),
    ReportKind.MONTHLY: (UnitKind.ORG,),
    ReportKind.HALF_YEAR: (UnitKind.SCHOOL, UnitKind.ORG),
}


@dataclass(frozen=True)
class ReportInput:
    students_trained: int = 0
    students_examined: int = 0
    progress: str = ""
    problems: str = ""
    next_plan: str = ""


def _clean(values: ReportInput, *, submit: bool) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name in ("students_trained", "students_examined"):
        number = getattr(values, name)
        if not isinstance(number, int) or number < 0 or number > MAX_STUDENTS:
            raise InvalidInput(_("人数须为 0 至 1000000 之间的整数。"), field=name)
        cleaned[name] = number
    for name in ("progress", "problems", "next_plan"):
        text = (getattr(values, name) or "").strip()
        if len(text) > DOCUMENT_MAX:
            raise InvalidInput(_("内容过长。"), field=name)
        cleaned[name] = text
    if submit and not cleaned["progress"]:
        raise InvalidInput(_("请填写工作进展。"), field="progress")
    return cleaned


def _filer_province(*, actor: Actor, kind: str, province: str | None) -> Division:
    """The province the report goes to: a school's own; an org names one it reports to."""
    assert actor.unit_id is not None
    if actor.kind == UnitKind.SCHOOL:
        school = School.objects.select_related("province").filter(unit_id=actor.unit_id).first()
        if school is None:
            raise Forbidden(_("本单位不是登记的学校。"))
        return school.province
    owed = owed_provinces(kind=kind, unit_id=actor.unit_id)
    if province:
        match = [p for p in owed if p.code == province]
        if match:
            return match[0]
    elif len(owed) == 1:
        return owed[0]
    raise RuleViolation("R41", _("请选择本组织需要报告的省份（本组织的证书在该省有试点院校）。"))


def report_file(
    *,
    actor: Actor,
    kind: str,
    period_start: dt.date,
    values: ReportInput,
    submit: bool,
    province: str | None = None,
    note: str = "",
) -> Report:
    """Save, submit or amend the actor's ``kind`` report for the period starting ``period_start``.

    A school files weekly reports and half-year summaries while it is a pilot school; an org
    files monthly reports and half-year summaries to each province where its certificates
    have pilot schools (R41). Late filing is accepted and marked late; a submitted report is
    amended, never overwritten: each submission is kept as a version.
    """
    actor.require(actor.kind in FILER_KINDS.get(kind, ()), _("本单位不报送此类报告。"))
    actor.require_write()
    period = period_get(kind=kind, start=period_start)
    if period is None:
        raise InvalidInput(_("没有这个报告期。"), field="period_start")
    if period.first_day > timezone.localdate():
        raise InvalidInput(_("报告期尚未开始。"), field="period_start")
    division = _filer_province(actor=actor, kind=kind, province=province)
    assert actor.unit is not None
    if not owes(kind=kind, unit_id=actor.unit.pk, province_id=division.pk, period=period):
        raise RuleViolation(
            "R41",
            _("%(period)s 期间本单位不是需要报送%(kind)s的试点单位。")
            % {"period": period.label, "kind": ReportKind(kind).label},
        )
    cleaned = _clean(values, submit=submit)
    report = _draft(actor=actor, kind=kind, period=period, province=division)
    if report.status == ReportStatus.SUBMITTED:
        return _submit(actor=actor, report=report, values=cleaned, action="amend", note=note)
    if submit:
        return _submit(actor=actor, report=report, values=cleaned, action="submit", note=note)
    return perform(REPORT, actor=actor, obj=report, action="update", changes=cleaned)


def _draft(*, actor: Actor, kind: str, period: Period, province: Division) -> Report:
    assert actor.unit is not None
    with transaction.atomic():
        existing = (
            Report.objects.select_for_update()
            .filter(kind=kind, unit=actor.unit, province=province, period_start=period.first_day)
            .first()
        )
        if existing is not None:
            return existing
        report = Report.objects.create(
            kind=kind,
            unit=actor.unit,
            province=province,
            city_id=actor.unit.city_id if actor.kind == UnitKind.SCHOOL else None,
            period_start=period.first_day,
            period_end=period.last_day,
            period_label=period.label,
            due_at=due_at_for(kind=kind, period=period, province=province),
            created_by=actor.user,
        )
        audit_record(
            actor=actor,
            action="reporting.report.create",
            target=report,
            new={"kind": kind, "period": period.label, "province": province.pk},
        )
        return report


def _submit(
    *, actor: Actor, report: Report, values: dict[str, Any], action: str, note: str
) -> Report:
    now = timezone.now()

    def changes(locked: Report) -> dict[str, Any]:
        if action == "submit":
            return {
                **values,
                "submitted_at": now,
                "is_late": now > locked.due_at,
                "version": locked.version + 1,
            }
        return {**values, "version": locked.version + 1}

    def version(locked: Report) -> dict[str, Any]:
        ReportVersion.objects.create(
            report=locked,
            version=locked.version,
            note=note.strip()[:300],
            submitted_at=now,
            submitted_by=actor.user,
            **values,
        )
        if action == "submit":
            tally_report_filed(locked)
        return {"version": locked.version}

    def after(locked: Report) -> None:
        # Filing again may end a missed-week streak: re-judge this school's alarm at once.
        if locked.kind == ReportKind.WEEKLY:
            school_ids = list(
                School.objects.filter(unit_id=locked.unit_id).values_list("pk", flat=True)
            )
            alarms_scan(
                actor=Actor.system(), province_ids=[locked.province_id], school_ids=school_ids
            )

    return perform(
        REPORT,
        actor=actor,
        obj=report,
        action=action,
        reason=note.strip()[:1000],
        changes=changes,
        related=version,
        after_commit=after,
    )


# --- alarms and watch list (R23/R47) -------------------------------------------------------------


def last_due_week(*, province: Division | None, now: dt.datetime) -> dt.date | None:
    """The Monday of the latest week whose weekly report deadline has passed by ``now``."""
    week = period_for(kind=ReportKind.WEEKLY, on=timezone.localtime(now).date())
    if week is None:
        return None
    if due_at_for(kind=ReportKind.WEEKLY, period=week, province=province) <= now:
        return week.first_day
    earlier = period_get(kind=ReportKind.WEEKLY, start=week.first_day - dt.timedelta(days=7))
    if (
        earlier is not None
        and due_at_for(kind=ReportKind.WEEKLY, period=earlier, province=province) <= now
    ):
        return earlier.first_day
    return week.first_day - dt.timedelta(days=14)


def alarms_scan(
    *,
    actor: Actor,
    now: dt.datetime | None = None,
    province_ids: list[int] | None = None,
    school_ids: list[int] | None = None,
) -> tuple[int, int]:
    """Raise an alarm for each pilot school that missed its weekly report for N consecutive
    weeks (R23; N from the profile, 3 by default; Hubei counts late reports as missed, R47)
    and close the alarms of schools that filed again. Returns (raised, closed).

    One grouped query per province; the alarm puts the school on the province's and the
    city's watch list and to-do list. Disqualification itself is the province's decision.
    """
    actor.require(actor.is_system or actor.is_national)
    now = now or timezone.now()
    if province_ids is None:
        province_ids = list(
            School.objects.filter(pilot_since__isnull=False)
            .order_by()
            .values_list("province_id", flat=True)
            .distinct()
        )
    raised = closed = 0
    for province in Division.objects.filter(pk__in=province_ids).order_by("code"):
        last = last_due_week(province=province, now=now)
        if last is None:
            continue
        weeks = int(policy_value("r23.missed_weekly_reports_weeks", province=province, on=last))
        strict = bool(policy_value("r47.late_counts_as_missed", province=province, on=last))
        streaks = missed_streaks(
            province_id=province.pk,
            last_due_start=last,
            late_counts_as_missed=strict,
            school_ids=school_ids,
        )
        r, c = _apply_streaks(
            actor=actor,
            province=province,
            streaks=streaks,
            weeks=weeks,
            strict=strict,
            now=now,
            school_ids=school_ids,
        )
        raised += r
        closed += c
    return raised, closed


def _apply_streaks(
    *,
    actor: Actor,
    province: Division,
    streaks: list[tuple[int, int, dt.date | None]],
    weeks: int,
    strict: bool,
    now: dt.datetime,
    school_ids: list[int] | None,
) -> tuple[int, int]:
    raised = closed = 0
    rule = "R47" if strict else "R23"
    with transaction.atomic():
        open_alarms = Alarm.objects.select_for_update().filter(
            province=province, status=AlarmStatus.OPEN
        )
        if school_ids is not None:
            open_alarms = open_alarms.filter(school_id__in=school_ids)
        by_school = {a.school_id: a for a in open_alarms}
        cities = dict(
            School.objects.filter(pk__in=[s for s, _n, _f in streaks]).values_list("pk", "city_id")
        )
        for school_id, missed, first in streaks:
            alarm = by_school.pop(school_id, None)
            if missed >= weeks and first is not None:
                if alarm is None:
                    alarm = Alarm.objects.create(
                        school_id=school_id,
                        province=province,
                        city_id=cities[school_id],
                        rule=rule,
                        streak_start=first,
                        missed_weeks=missed,
                        raised_at=now,
                    )
                    audit_record(
                        actor=actor,
                        action="reporting.alarm.raise",
                        target=alarm,
                        new={
                            "school": school_id,
                            "missed_weeks": missed,
                            "from": first,
                            "rule": rule,
                        },
                    )
                    raised += 1
                elif alarm.missed_weeks != missed:
                    alarm.missed_weeks = missed
                    alarm.save(update_fields=["missed_weeks"])
            elif alarm is not None:
                closed += _close(actor=actor, alarm=alarm, now=now)
        for alarm in by_school.values():  # no longer a pilot school, or out of the query
            closed += _close(actor=actor, alarm=alarm, now=now)
    return raised, closed


def _close(*, actor: Actor, alarm: Alarm, now: dt.datetime) -> int:
    alarm.status = AlarmStatus.CLOSED
    alarm.closed_at = now
    alarm.save(update_fields=["status", "closed_at"])
    audit_record(
        actor=actor,
        action="reporting.alarm.close",
        target=alarm,
        old={"status": AlarmStatus.OPEN},
        new={"status": AlarmStatus.CLOSED},
    )
    return 1


# --- reminders before each deadline --------------------------------------------------------------


def reminders_send(*, actor: Actor, now: dt.datetime | None = None) -> int:
    """Remind every unit that still owes a report whose deadline falls within the next
    ``r41.reminder_days`` days: an in-app reminder (on its to-do list) and an e-mail to
    its users. One reminder per unit and period. Returns how many reminders were created."""
    actor.require(actor.is_system or actor.is_national)
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    created = 0
    provinces = list(
        Division.objects.filter(
            pk__in=School.objects.filter(pilot_since__isnull=False).values("province_id")
        ).order_by("code")
    )
    for kind in ReportKind.values:
        periods = Period.objects.filter(
            kind=kind, first_day__lte=today, last_day__gte=today - dt.timedelta(days=200)
        )
        for period in periods:
            for province in provinces:
                days = int(policy_value("r41.reminder_days", province=province, on=today))
                due = due_at_for(kind=kind, period=period, province=province)
                if not (now < due <= now + dt.timedelta(days=days)):
                    continue
                created += _remind(kind=kind, period=period, province=province, due=due)
    if created:
        audit_record(actor=actor, action="reporting.reminders.send", new={"created": created})
    return created


def _remind(*, kind: str, period: Period, province: Division, due: dt.datetime) -> int:
    owing = owing_units(kind=kind, period=period, province_id=province.pk)
    done = set(
        Reminder.objects.filter(
            kind=kind, province=province, period_start=period.first_day
        ).values_list("unit_id", flat=True)
    )
    units = [row[0] for row in owing if row[0] not in done]
    if not units:
        return 0
    local_due = timezone.localtime(due)
    message = _("%(kind)s（%(period)s）将于 %(due)s 截止，请按时报送。") % {
        "kind": ReportKind(kind).label,
        "period": period.label,
        "due": local_due.strftime("%Y-%m-%d %H:%M"),
    }
    recipients: dict[int, list[str]] = {}
    for unit_id, email in (
        User.objects.filter(unit_id__in=units, is_active=True)
        .exclude(email="")
        .values_list("unit_id", "email")
    ):
        recipients.setdefault(unit_id, []).append(email)
    Reminder.objects.bulk_create(
        [
            Reminder(
                kind=kind,
                unit_id=unit_id,
                province=province,
                period_start=period.first_day,
                due_at=due,
                message=message[:500],
                emails=len(recipients.get(unit_id, [])),
            )
            for unit_id in units
        ],
        ignore_conflicts=True,
    )
    subject = _("【1+X 试点】报告提醒")
    mails = [
        (subject, message, settings.DEFAULT_FROM_EMAIL, addresses)
        for addresses in recipients.values()
    ]
    if mails:
        transaction.on_commit(lambda: _send(mails))
    return len(units)


def _send(mails: list[tuple[str, str, str, list[str]]]) -> None:
    try:
        send_mass_mail(tuple(mails), fail_silently=False)
    except OSError:  # the in-app reminder stands; the mail server is an operations matter
        logger.exception("report reminder mail failed")


__all__ = [
    "ReportInput",
    "alarms_scan",
    "last_due_week",
    "periods_ensure",
    "reminders_send",
    "report_file",
]


# --- the calendar of periods ---------------------------------------------------------------------


def period_rows(first_year: int, last_year: int) -> list[tuple[str, dt.date, dt.date, str]]:
    """Every ISO week, month and half-year of the years (the rows of ``Period``)."""
    rows: list[tuple[str, dt.date, dt.date, str]] = []
    monday = dt.date.fromisocalendar(first_year, 1, 1)
    last = dt.date(last_year, 12, 31)
    while monday <= last:
        year, week, _day = monday.isocalendar()
        rows.append(
            (ReportKind.WEEKLY, monday, monday + dt.timedelta(days=6), f"{year}-W{week:02d}")
        )
        monday += dt.timedelta(days=7)
    for year in range(first_year, last_year + 1):
        for month in range(1, 13):
            start = dt.date(year, month, 1)
            following = dt.date(year + (month == 12), month % 12 + 1, 1)
            rows.append(
                (ReportKind.MONTHLY, start, following - dt.timedelta(days=1), f"{year}-{month:02d}")
            )
        rows.append((ReportKind.HALF_YEAR, dt.date(year, 1, 1), dt.date(year, 6, 30), f"{year}-H1"))
        rows.append(
            (ReportKind.HALF_YEAR, dt.date(year, 7, 1), dt.date(year, 12, 31), f"{year}-H2")
        )
    return rows


def periods_ensure(*, first_year: int = 2019, last_year: int = 2040) -> int:
    """Create the missing periods (migration 0002 ships 2019–2040; tests and later years call
    this). Returns how many were created."""
    existing = set(Period.objects.values_list("kind", "first_day"))
    missing = [
        Period(kind=kind, first_day=first, last_day=last, label=label)
        for kind, first, last, label in period_rows(first_year, last_year)
        if (kind, first) not in existing
    ]
    with transaction.atomic():
        Period.objects.bulk_create(missing, batch_size=500)
        tally_weeks_added([p.first_day for p in missing if p.kind == ReportKind.WEEKLY])
    return len(missing)
