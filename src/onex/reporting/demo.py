"""Demo reports: a year of weekly reports of the demo pilot schools with realistic gaps (one
school misses the last weeks running and is in alarm, some file late, some amend), monthly
reports of the orgs to each province and half-year summaries; then the alarm scan.

History is written in bulk (the reports are dated in the past: the services stamp "now");
the alarms and reminders go through the services.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from onex.core.actors import Actor
from onex.geo.models import Division
from onex.pilots.models import School
from onex.reporting.models import Period, Report, ReportKind, ReportStatus, ReportVersion
from onex.reporting.selectors import due_at_for, filers_sql
from onex.reporting.services import alarms_scan, periods_ensure
from onex.reporting.services.tallies import tally_rebuild

WEEKS = 52
# The school that stopped filing: its last weeks are missing, so the scan raises an alarm.
ALARM_SCHOOL = "顺德职业技术学院"
ALARM_WEEKS = 4
PROGRESS = (
    "完成本周证书培训课程教学，组织学生开展实训操作练习。",
    "开展考前辅导和模拟测试，检查考核站点设备。",
    "召开试点工作推进会，落实培训计划和师资安排。",
    "组织教师参加培训评价组织的师资培训，完善课程标准。",
)
PROBLEMS = ("", "", "实训设备数量不足，部分学生需分批练习。", "学生课程安排紧，培训时间难以集中。")
PLANS = (
    "继续按计划开展培训，准备下阶段考核报名。",
    "完成考核报名信息核对，组织考前说明会。",
    "总结本月培训情况，调整教学进度。",
)


def _roll(*parts: object) -> int:
    """A stable pseudo-random number 0–99 for the parts (the demo is the same every run)."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return digest[0] * 100 // 256


def _reliability(code: str) -> tuple[int, int]:
    """(chance in % that a week is filed, chance in % that a filed week is late) per school."""
    profiles = ((97, 3), (92, 10), (85, 20), (75, 30))
    return profiles[_roll("profile", code) % len(profiles)]


def load_demo(*, stdout: Callable[[str], None]) -> dict[str, int]:
    created: Counter[str] = Counter()
    periods_ensure()
    if Report.objects.exists():
        return dict(created)
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        _weekly(created, today=today, now=now)
        _others(created, today=today, now=now)
        # The reports (and the pilots demo's pilot dates) went in around the services, which
        # keep the compliance summary.
        created["compliance_tally_rows"] = tally_rebuild(actor=Actor.system())
    raised, _closed = alarms_scan(actor=Actor.system(), now=now)
    created["alarms"] = raised
    stdout(f"reporting demo: {dict(created)}")
    return dict(created)


def _bulk(reports: list[Report], versions: list[list[ReportVersion]]) -> None:
    Report.objects.bulk_create(reports, batch_size=500)
    saved = {
        (r.kind, r.unit_id, r.province_id, r.period_start): r.pk
        for r in Report.objects.filter(kind__in={r.kind for r in reports}).only(
            "pk", "kind", "unit_id", "province_id", "period_start"
        )
    }
    rows: list[ReportVersion] = []
    for report, its in zip(reports, versions, strict=True):
        pk = saved[(report.kind, report.unit_id, report.province_id, report.period_start)]
        for version in its:
            version.report_id = pk
            rows.append(version)
    ReportVersion.objects.bulk_create(rows, batch_size=500)


def _report(
    *,
    kind: str,
    unit_id: int,
    province: Division,
    city_id: int | None,
    period: Period,
    seed: str,
    late_chance: int,
    students: int,
) -> tuple[Report, list[ReportVersion]]:
    due = due_at_for(kind=kind, period=period, province=province)
    late = _roll("late", seed, period.first_day) < late_chance
    submitted = due + dt.timedelta(days=2, hours=3) if late else due - dt.timedelta(hours=5)
    n = _roll("n", seed, period.first_day)
    values: dict[str, Any] = {
        "students_trained": students + n % 20,
        "students_examined": (students // 3 + n % 7) if n % 4 == 0 else 0,
        "progress": PROGRESS[n % len(PROGRESS)],
        "problems": PROBLEMS[n % len(PROBLEMS)],
        "next_plan": PLANS[n % len(PLANS)],
    }
    amended = _roll("amend", seed, period.first_day) < 6
    report = Report(
        kind=kind,
        unit_id=unit_id,
        province=province,
        city_id=city_id,
        period_start=period.first_day,
        period_end=period.last_day,
        period_label=period.label,
        due_at=due,
        status=ReportStatus.SUBMITTED,
        submitted_at=submitted,
        is_late=late,
        version=2 if amended else 1,
        **values,
    )
    versions = [ReportVersion(version=1, submitted_at=submitted, **values)]
    if amended:
        corrected = {**values, "students_trained": values["students_trained"] + 3}
        report.students_trained = corrected["students_trained"]
        versions.append(
            ReportVersion(
                version=2,
                submitted_at=submitted + dt.timedelta(days=1),
                note="更正培训人数",
                **corrected,
            )
        )
    return report, versions


def _weekly(created: Counter[str], *, today: dt.date, now: dt.datetime) -> None:
    first = today - dt.timedelta(weeks=WEEKS)
    weeks = list(
        Period.objects.filter(kind=ReportKind.WEEKLY, first_day__gte=first, last_day__lt=today)
    )
    reports: list[Report] = []
    versions: list[list[ReportVersion]] = []
    for school in School.objects.filter(pilot_since__isnull=False).select_related("province"):
        filed, late_chance = _reliability(school.code)
        for index, week in enumerate(weeks):
            assert school.pilot_since is not None
            if week.first_day < school.pilot_since or (
                school.pilot_until and week.first_day >= school.pilot_until
            ):
                continue
            if school.name == ALARM_SCHOOL and index >= len(weeks) - ALARM_WEEKS:
                continue
            if _roll("filed", school.code, week.first_day) >= filed:
                continue
            report, its = _report(
                kind=ReportKind.WEEKLY,
                unit_id=school.unit_id,
                province=school.province,
                city_id=school.city_id,
                period=week,
                seed=school.code,
                late_chance=late_chance,
                students=40 + _roll("size", school.code),
            )
            reports.append(report)
            versions.append(its)
    _bulk(reports, versions)
    created["weekly reports"] = len(reports)
    created["late weekly reports"] = sum(r.is_late for r in reports)


def _others(created: Counter[str], *, today: dt.date, now: dt.datetime) -> None:
    """Monthly reports of orgs and half-year summaries, from the same list of who owes what."""
    start = today - dt.timedelta(weeks=WEEKS)
    for kind, label in (
        (ReportKind.MONTHLY, "monthly reports"),
        (ReportKind.HALF_YEAR, "half-year summaries"),
    ):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT unit_id, province_id, city_id, since, until FROM ({filers_sql(kind)}) f"  # noqa: S608 - table names and constants; values are parameters
            )
            filers = cursor.fetchall()
        periods = list(
            Period.objects.filter(
                kind=kind, first_day__gte=start - dt.timedelta(days=180), last_day__lt=today
            )
        )
        provinces = {d.pk: d for d in Division.objects.filter(pk__in={f[1] for f in filers})}
        reports: list[Report] = []
        versions: list[list[ReportVersion]] = []
        for unit_id, province_id, city_id, since, _until in filers:
            since_day = (
                since if isinstance(since, dt.date) else dt.date.fromisoformat(str(since)[:10])
            )
            seed = f"{unit_id}-{province_id}"
            for period in periods:
                if period.first_day < since_day or _roll("filed", seed, period.first_day) >= 85:
                    continue
                report, its = _report(
                    kind=kind,
                    unit_id=unit_id,
                    province=provinces[province_id],
                    city_id=city_id,
                    period=period,
                    seed=seed,
                    late_chance=25,
                    students=120,
                )
                reports.append(report)
                versions.append(its)
        _bulk(reports, versions)
        created[label] = len(reports)
