"""Demo data for students, exam plans, registrations and results (issue 4).

Runs after the pilots, applications and sites demos (confirmed pilots, the registered site and the
approved Guangdong fee for 物流管理 1-03 come from there) and before the certificates demo, which
issues certificates to the passed candidates of the closed plan.

- Students of 广州番禺职业技术学院 (the demo school) in its confirmed specialty, a few in a
  specialty not confirmed (R44 shows on the plan page), some never registered (R14 report).
- One plan of the demo org in each state, each with its own students; past plans are created
  with valid future dates through the services, registered, and then have their dates moved
  into the past (the only direct write here) so that the transitions' date checks pass.
- The demo learner (李明) is linked to a member-of-the-public candidate with a result in
  publicity and a registration in the open plan. One objection awaits the org's answer.

ID numbers are generated with valid check digits (stdnum) on birth dates in 2005–2008 and the
sequence block 9xx; they are demo values, not real people's numbers.

Idempotent: plans are looked up by title and built in a savepoint each (a refusal rolls the
whole plan back and is logged); students are upserted (unchanged rows write nothing).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from stdnum.cn import ric

from onex.assessment.models import Candidate, ExamPlan, PlanStatus, Registration
from onex.assessment.services import exams as exam_services
from onex.assessment.services import results as result_services
from onex.assessment.services import students as student_services
from onex.catalog.models import Certificate, Level
from onex.core.actors import Actor
from onex.core.errors import DomainError
from onex.core.models import Role, Unit, UnitKind
from onex.geo.models import Division
from onex.pilots.models import School, Specialty
from onex.pilots.models.applications import CONFIRMED_STATUSES, PilotApplication

CERTIFICATE_CODE = "1-03"  # 物流管理 of the demo org
PROVINCE = "440000"
SCHOOL = "广州番禺职业技术学院"
DEMO_LEARNER = "李明（演示学习者）"
LEARNER_NAME = "李明"
LEARNER_ID_BODY = "44011320000312001"  # the certificates demo's 李明

NAMES = (
    "王芳", "李娜", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周婷", "吴昊",
    "徐丽", "孙杰", "马超", "朱琳", "胡军", "郭燕", "何欢", "高峰", "林晓", "罗丹",
    "梁宇", "宋佳", "郑凯", "谢雨", "韩梅", "唐亮", "冯雪", "董鹏", "萧然", "程诚",
)  # fmt: skip

# (title, final state, how many students of the confirmed specialty, public learner?), oldest
# first. Titles number the sittings instead of naming a season: the dates follow the day the demo
# is loaded, so a season in the title would contradict them part of the year.
PLANS: tuple[tuple[str, str, int, bool], ...] = (
    ("物流管理（初级）第一期考核", PlanStatus.CLOSED, 6, False),
    ("物流管理（初级）第二期考核", PlanStatus.SCORE_PUBLICITY, 5, True),
    ("物流管理（初级）第三期考核", PlanStatus.SCORE_REGISTRATION, 3, False),
    ("物流管理（初级）第四期考核", PlanStatus.EXAM_HELD, 3, False),
    ("物流管理（初级）第五期考核", PlanStatus.REGISTRATION_CLOSED, 3, False),
    ("物流管理（初级）第六期考核", PlanStatus.REGISTRATION_OPEN, 4, True),
    ("物流管理（初级）第七期考核（草稿）", PlanStatus.DRAFT, 0, False),
)
# How many days each past plan is moved back, so the sittings follow one another in title order.
# Every past exam stays within the demo pilot's period (published 20 days ago, R14).
AGE_DAYS: dict[str, int] = {
    PlanStatus.CLOSED: 42,
    PlanStatus.SCORE_PUBLICITY: 40,
    PlanStatus.SCORE_REGISTRATION: 38,
    PlanStatus.EXAM_HELD: 36,
    PlanStatus.REGISTRATION_CLOSED: 40,
}
DRAFT_EXAM_IN_DAYS = 60  # the draft is the last sitting, after the open one
# Scores by position in a plan: a pass/fail mix (pass rule 60/60 unless the org's plan says).
SCORES = (("86", "90"), ("72.5", "65"), ("58", "80"), ("91", "55"), ("64", "61"), ("45", "50"))


def _id_number(serial: int) -> str:
    born = dt.date(2005, 1, 1) + dt.timedelta(days=37 * serial)
    body = f"440113{born:%Y%m%d}9{serial % 100:02d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum ignores the last character


def _grade(i: int) -> str:
    # Students still at school: enrolled one or two years before the current school year.
    year = timezone.localdate().year
    return f"{year - 1 - i % 2}级"


def _acting(unit: Unit) -> Actor:
    return Actor(user=None, unit=unit, role=Role.ADMIN)


def _students(
    school: School, confirmed: Specialty, created: Counter[str]
) -> tuple[list[Candidate], list[Candidate]]:
    """(students of the confirmed specialty, students of another specialty)."""
    other = (
        Specialty.objects.filter(school=school).exclude(pk=confirmed.pk).order_by("code").first()
    )
    actor = _acting(school.unit)
    main: list[Candidate] = []
    rest: list[Candidate] = []
    for i, name in enumerate(NAMES):
        serial = i + 1
        number = _id_number(serial)
        specialty = confirmed if i < 26 or other is None else other
        student, outcome = student_services.student_upsert(
            actor=actor,
            school=school,
            name=name,
            id_type="resident",
            id_number=number,
            gender="male" if int(number[16]) % 2 else "female",
            specialty=specialty,
            grade=_grade(i),
            poor_household=(i % 9 == 4),
        )
        if outcome == "created":
            created["assessment.students"] += 1
        (main if specialty == confirmed else rest).append(student)
    return main, rest


def _age(plan: ExamPlan, days: int) -> ExamPlan:
    # Demo only: the services refuse past dates, so a past plan is built now and moved back.
    delta = dt.timedelta(days=days)
    ExamPlan.objects.filter(pk=plan.pk).update(
        registration_opens=F("registration_opens") - delta,
        registration_closes=F("registration_closes") - delta,
        exam_date=F("exam_date") - delta,
    )
    if plan.publicity_ends_on is not None:
        ExamPlan.objects.filter(pk=plan.pk).update(
            publicity_starts_on=F("publicity_starts_on") - delta,
            publicity_ends_on=F("publicity_ends_on") - delta,
        )
    plan.refresh_from_db()
    return plan


def _build_plan(
    *,
    title: str,
    state: str,
    org: Actor,
    certificate: Certificate,
    province: Division,
    students: list[Candidate],
    school: School,
    learner: Actor | None,
    created: Counter[str],
) -> None:
    today = timezone.localdate()
    sites = list(
        exam_services._registered_sites(
            certificate=certificate, level=Level.JUNIOR, province=province
        )
    )
    plan = exam_services.plan_create(
        actor=org,
        certificate=certificate,
        level=Level.JUNIOR,
        province=province,
        title=title,
        exam_date=today
        + dt.timedelta(days=DRAFT_EXAM_IN_DAYS if state == PlanStatus.DRAFT else 30),
        start_time=dt.time(9, 0),
        end_time=dt.time(11, 30),
        capacity=40,
        registration_opens=today,
        registration_closes=today + dt.timedelta(days=14),
        sites=sites[:1],
        note="演示数据",
    )
    created["assessment.exam_plans"] += 1
    if state == PlanStatus.DRAFT:
        return
    plan = exam_services.plan_open_registration(actor=org, plan=plan)
    regs: list[Registration] = []
    if students:
        regs += exam_services.registration_register_students(
            actor=_acting(school.unit), plan=plan, candidates=students
        )
    if learner is not None:
        regs.append(
            exam_services.registration_register_self(
                actor=learner,
                plan=plan,
                name=LEARNER_NAME,
                id_type="resident",
                id_number=LEARNER_ID_BODY + ric.calc_check_digit(LEARNER_ID_BODY + "0"),
                gender="male",
                phone="13800000000",
            )
        )
    created["assessment.registrations"] += len(regs)
    if state == PlanStatus.REGISTRATION_OPEN:
        if len(regs) > 1:  # R46: one student changed their mind
            exam_services.registration_withdraw(
                actor=_acting(school.unit), registration=regs[0], reason="学生自愿放弃本次考核"
            )
        return
    plan = _age(plan, AGE_DAYS[state])  # window ended, exam day passed
    plan = exam_services.plan_close_registration(actor=org, plan=plan)
    if state == PlanStatus.REGISTRATION_CLOSED:
        # Registration closed, exam still ahead: move the exam date forward again.
        ExamPlan.objects.filter(pk=plan.pk).update(exam_date=today + dt.timedelta(days=7))
        return
    plan = exam_services.plan_mark_held(actor=org, plan=plan)
    if state == PlanStatus.EXAM_HELD:
        return
    plan = exam_services.plan_start_scoring(actor=org, plan=plan)
    if state == PlanStatus.SCORE_REGISTRATION:
        return
    for i, reg in enumerate(regs):
        theory, practical = SCORES[i % len(SCORES)]
        result_services.result_record(
            actor=org, registration=reg, theory=Decimal(theory), practical=Decimal(practical)
        )
    plan = exam_services.plan_publish_results(actor=org, plan=plan)
    if state == PlanStatus.SCORE_PUBLICITY:
        failed = next((r for r in regs if r.school_id and not _passed(r)), None)
        if failed is not None:
            result_services.objection_lodge(
                actor=_acting(school.unit),
                registration=failed,
                reason="考生认为实操成绩登记有误，申请复核。",
            )
            created["assessment.objections"] += 1
        return
    assert plan.publicity_ends_on is not None
    plan = _age(plan, (plan.publicity_ends_on - today).days + 1)  # the publicity is over
    exam_services.plan_close(actor=org, plan=plan)


def _passed(reg: Registration) -> bool:
    reg.refresh_from_db(fields=["passed"])
    return bool(reg.passed)


def load_demo(*, stdout: Callable[[str], None]) -> dict[str, int]:
    created: Counter[str] = Counter()
    certificate = (
        Certificate.objects.select_related("org", "org__unit").filter(code=CERTIFICATE_CODE).first()
    )
    province = Division.objects.filter(code=PROVINCE).first()
    school = School.objects.select_related("unit", "province", "city").filter(name=SCHOOL).first()
    if certificate is None or province is None or school is None:
        stdout("exams demo: catalogue, divisions or demo school missing; skipped")
        return dict(created)
    pilot = (
        PilotApplication.objects.filter(
            school=school, certificate=certificate, status__in=CONFIRMED_STATUSES
        )
        .select_related("specialty")
        .first()
    )
    if pilot is None:
        stdout("exams demo: no confirmed 1-03 pilot for the demo school (R44); skipped")
        return dict(created)
    main, _rest = _students(school, pilot.specialty, created)
    learner_unit = Unit.objects.filter(kind=UnitKind.LEARNER, name=DEMO_LEARNER).first()
    learner = Actor(user=None, unit=learner_unit, role=Role.STAFF) if learner_unit else None
    org = _acting(certificate.org.unit)
    cursor = 0
    # Students are handed out from the newest sitting back, so the closed plan's (certified)
    # students never share a name with the certificates demo's hand-entered holders.
    for title, state, n, public in reversed(PLANS):
        students, cursor = main[cursor : cursor + n], cursor + n
        if ExamPlan.objects.filter(title=title, org=certificate.org).exists():
            continue
        counts: Counter[str] = Counter()
        try:
            with transaction.atomic():
                _build_plan(
                    title=title,
                    state=state,
                    org=org,
                    certificate=certificate,
                    province=province,
                    students=students,
                    school=school,
                    learner=learner if public else None,
                    created=counts,
                )
        except DomainError as exc:
            stdout(f"exams demo: plan “{title}” not built ({exc.rule or exc.code}): {exc.message}")
        else:
            created.update(counts)
    return dict(created)
