"""Demo data of supervision: monitoring points for every demo certificate (R20; 2-05 and 1-06
left short on purpose), a Guangdong
spot-check round with a rectification (R41), one disqualified school whose refused student
registration is shown (R23, R47), and one proceeding against the demo org awaiting its answer
(R22). Idempotent: nothing is created twice."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

from django.utils import timezone

from onex.assessment.services.students import student_upsert
from onex.catalog.models import Certificate, Org, OrgStatus
from onex.core.actors import Actor
from onex.core.calendar import CalendarDataMissing
from onex.core.errors import DomainError
from onex.core.models import Role, Unit, UnitKind
from onex.core.policy import policy_value
from onex.core.registry import DemoReport
from onex.pilots.models import PilotApplication, School, SchoolPilotStatus
from onex.pilots.models.applications import CONFIRMED_STATUSES
from onex.supervision.models import (
    MonitoringPoint,
    PointStatus,
    Proceeding,
    SchoolReason,
    SpotCheckRound,
    TargetKind,
)
from onex.supervision.selectors.lists import designable_schools
from onex.supervision.services import monitoring, proceedings, spotchecks

Log = Callable[[str], None]

DEMO_ORG = "北京中物联物流采购培训中心"
ROUND_PROVINCE = "440000"
ROUND_TITLE = "2026年秋季1+X证书试点随机抽查"
ROUND_SEED = "gd-2026-autumn"
DISQUALIFIED_SCHOOL = "襄阳职业技术学院"
DEMO_ID = "110101199003077514"  # a valid test resident ID (checksum), used only to be refused


def _acting(unit: Unit) -> Actor:
    return Actor(user=None, unit=unit, role=Role.ADMIN)


# Left short on purpose, so the coverage page shows a certificate with too few points although
# confirmed schools remain to designate (1-06 is short for want of confirmed schools: see the
# pilots demo's CONFIRMED_SHORT).
POINTS_SHORT = {"2-05": 3}


def _points(ministry: Actor, created: Counter[str]) -> None:
    target = int(policy_value("r20.monitoring_points_per_certificate"))
    for certificate in Certificate.objects.order_by("code"):
        # Counted as the coverage page counts: a disqualified school's point monitors nothing.
        have = MonitoringPoint.objects.filter(
            certificate=certificate,
            status=PointStatus.ACTIVE,
            school__pilot_status=SchoolPilotStatus.ACTIVE,
        ).count()
        wanted = POINTS_SHORT.get(certificate.code, target)
        if have >= wanted:
            continue
        for school in designable_schools(certificate=certificate)[: wanted - have]:
            monitoring.point_designate(
                actor=ministry, certificate=certificate, school=school, note="演示数据"
            )
            created["monitoring_points"] += 1


def _round(province: Unit, created: Counter[str]) -> None:
    if SpotCheckRound.objects.filter(title=ROUND_TITLE).exists():
        return
    actor = _acting(province)
    population = spotchecks.round_population(province.province_id or 0)
    if len(population) < 1:
        return
    round_ = spotchecks.round_create(
        actor=actor,
        title=ROUND_TITLE,
        planned_on=timezone.localdate(),
        sample_size=min(2, len(population)),
        seed=ROUND_SEED,
    )
    created["spot_check_rounds"] += 1
    items = list(round_.items.select_related("round", "school").order_by("position"))
    first = items[0]
    first = spotchecks.item_record(
        actor=actor,
        item=first,
        issues=True,
        findings="考核现场未按规定核验考生身份；试点工作台账不完整。",
    )
    # Issued four weeks ago, so its deadline (N working days later) falls near today: a deadline
    # counted from today in December would reach a year the calendar may not know yet
    # (CalendarDataMissing, by design); then it is issued earlier still.
    today = timezone.localdate()
    for weeks_ago in (4, 8):
        try:
            spotchecks.rectification_issue(
                actor=actor,
                item=first,
                requirement="完善考生身份核验流程并补齐试点工作台账，整改完成后报送整改情况。",
                issued_on=today - dt.timedelta(weeks=weeks_ago),
            )
            break
        except CalendarDataMissing:
            continue
    created["rectifications"] += 1
    for item in items[1:]:
        spotchecks.item_record(actor=actor, item=item, issues=False, findings="")


def _disqualified_school(
    ministry: Actor, provinces: dict[int, Unit], created: Counter[str], report: DemoReport
) -> None:
    if Proceeding.objects.filter(target_kind=TargetKind.SCHOOL).exists():
        return
    # A school with a confirmed pilot outside the spot-check round's province: the named one
    # (the pilots demo gives it no other pilot), else the last such school by code.
    ids = PilotApplication.objects.filter(status__in=CONFIRMED_STATUSES).values("school")
    candidates = (
        School.objects.filter(pk__in=ids, pilot_status=SchoolPilotStatus.ACTIVE)
        .exclude(province__code=ROUND_PROVINCE)
        .select_related("province", "unit")
        .order_by("-code")
    )
    school = candidates.filter(name=DISQUALIFIED_SCHOOL).first() or candidates.first()
    if school is None or school.province_id not in provinces:
        return
    proceeding = proceedings.proceeding_propose_school(
        actor=_acting(provinces[school.province_id]),
        school=school,
        reasons=[SchoolReason.MISSED_WEEKLY_REPORTS, SchoolReason.LAX_MANAGEMENT],
        facts="该校连续三周未报送试点工作周报；抽查发现考核管理不严格。",
    )
    proceeding = proceedings.proceeding_answer(
        actor=_acting(school.unit),
        proceeding=proceeding,
        answer="学校已指定专人负责周报，并完善考核管理制度，请求从轻处理。",
    )
    proceedings.proceeding_disqualify(
        actor=ministry,
        proceeding=proceeding,
        note="经核实，周报连续三周缺报属实，决定取消该校试点资格。",
    )
    created["disqualified_schools"] += 1
    # The effect, shown: the school can no longer register a student (R23).
    try:
        student_upsert(
            actor=_acting(school.unit),
            school=school,
            name="演示学生",
            id_type="resident",
            id_number=DEMO_ID,
            gender="male",
            specialty=None,
        )
    except DomainError as exc:
        report.refusals.append(f"{school.name}: {exc.message}")


def _org_proceeding(ministry: Actor, created: Counter[str]) -> None:
    if Proceeding.objects.filter(target_kind=TargetKind.ORG).exists():
        return
    org = Org.objects.filter(name=DEMO_ORG, status=OrgStatus.ACTIVE).first()
    if org is None:
        return
    proceedings.proceeding_propose_org(
        actor=ministry,
        org=org,
        reasons=["stale_standards"],
        facts="平台反馈显示该组织题库两年未更新，请说明情况。",
    )
    created["org_proceedings"] += 1


def load(report: DemoReport, log: Log) -> None:
    created: Counter[str] = Counter()
    ministry_unit = Unit.objects.filter(kind=UnitKind.MINISTRY).first()
    if ministry_unit is None:
        log("supervision demo: skipped (no ministry unit)")
        return
    ministry = _acting(ministry_unit)
    provinces = {
        u.province_id: u
        for u in Unit.objects.filter(kind=UnitKind.PROVINCE)
        if u.province_id is not None
    }
    # The disqualification first: a disqualified school is no longer designable (R20).
    _disqualified_school(ministry, provinces, created, report)
    _points(ministry, created)
    gd = next(
        (u for u in provinces.values() if u.province and u.province.code == ROUND_PROVINCE), None
    )
    if gd is not None:
        _round(gd, created)
    _org_proceeding(ministry, created)
    report.created.update(created)
    if created:
        log("supervision demo: " + ", ".join(f"{k} {n}" for k, n in sorted(created.items())))
