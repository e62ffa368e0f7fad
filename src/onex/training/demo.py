"""Demo data of training: activity filings (on time, inside the lead time, one refused), a
programme refused for its roster and one published with enrolments and attendance, workload
ratio and performance pay at the demo school, an alliance, and resources with one stale
question bank.

Idempotent: every row is looked up by its title or natural key first. Runs after the assessment
demo, which signs the demo org's agreement and accepts its Guangdong filing (R18, R38); without
them the org's part is skipped and the reason logged.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone

from onex.catalog.models import Certificate
from onex.core.actors import Actor
from onex.core.calendar import add_working_days
from onex.core.errors import DomainError
from onex.core.models import Role, Unit
from onex.geo.models import Division
from onex.pilots.models import School
from onex.pilots.selectors.coordination import add_months
from onex.training.models import (
    ActivityFiling,
    ActivityKind,
    Alliance,
    Enrolment,
    EnrolmentStatus,
    LicensedPublisher,
    PerformancePay,
    ProgrammeStatus,
    Resource,
    ResourceKind,
    Teacher,
    TeacherShare,
    TrainingProgramme,
    TrainingWorkload,
    WorkloadRatio,
)
from onex.training.services import activities, programmes, resources, staff

Log = Callable[[str], None]

CERTIFICATE_CODE = "1-03"  # 物流管理, the demo org's certificate
PROVINCE = "440000"
SCHOOL = "广州番禺职业技术学院"
TERM = "2026-2027-1"
TRAINING_TITLE = "物流管理证书师资培训（第一期）"
PUBLISHERS = (
    ("高等教育出版社", "新出发京批字第直110004号"),
    ("机械工业出版社", "新出发京批字第直110016号"),
    ("中国劳动社会保障出版社", "新出发京批字第直110023号"),
)
TEACHERS = (("周敏", "物流管理系"), ("吴磊", "物流管理系"), ("郑洁", "经济管理系"))


def _unit_actor(unit: Unit) -> Actor:
    return Actor(user=None, unit=unit, role=Role.ADMIN)


def load_demo(*, stdout: Log) -> dict[str, int]:
    created: Counter[str] = Counter()
    created.update(_publishers())
    certificate = (
        Certificate.objects.select_related("org", "org__unit").filter(code=CERTIFICATE_CODE).first()
    )
    province = Division.objects.filter(code=PROVINCE).first()
    school = School.objects.select_related("unit").filter(name=SCHOOL).first()
    if certificate is None or province is None or school is None:
        stdout("training demo: catalogue, divisions or demo school missing; skipped")
        return dict(created)
    other = (
        School.objects.select_related("unit")
        .filter(province=province)
        .exclude(pk=school.pk)
        .order_by("code")
        .first()
    )
    created.update(_school_part(school, other, certificate, stdout))
    try:
        created.update(_org_part(certificate, province, school, stdout))
    except DomainError as exc:
        stdout(f"training demo: org part skipped ({exc.rule or exc.code}): {exc.message}")
    return dict(created)


def _publishers() -> Counter[str]:
    created: Counter[str] = Counter()
    for name, licence in PUBLISHERS:
        if not LicensedPublisher.objects.filter(name=name).exists():
            resources.publisher_create(actor=Actor.system(), name=name, licence_number=licence)
            created["training.publishers"] += 1
    return created


def _teachers(school: School, actor: Actor) -> list[Teacher]:
    found = []
    for name, department in TEACHERS:
        teacher = Teacher.objects.filter(school=school, name=name).first()
        if teacher is None:
            teacher = staff.teacher_create(actor=actor, name=name, department=department)
        found.append(teacher)
    return found


def _school_part(
    school: School, other: School | None, certificate: Certificate, stdout: Log
) -> Counter[str]:
    created: Counter[str] = Counter()
    actor = _unit_actor(school.unit)
    before = Teacher.objects.filter(school=school).count()
    teachers = _teachers(school, actor)
    created["training.teachers"] += Teacher.objects.filter(school=school).count() - before
    if not WorkloadRatio.objects.filter(school=school, term=TERM).exists():
        staff.ratio_set(actor=actor, term=TERM, ratio="0.50", note="学校绩效工资分配办法第 5 条")
        created["training.ratios"] += 1
    for teacher, hours in zip(teachers[:2], ("32", "16"), strict=True):
        if not TrainingWorkload.objects.filter(teacher=teacher, term=TERM).exists():
            staff.workload_record(
                actor=actor, teacher=teacher, term=TERM, hours=hours, note="物流管理证书培训"
            )
            created["training.workloads"] += 1
    if not PerformancePay.objects.filter(teacher=teachers[0], term=TERM).exists():
        staff.pay_record(
            actor=actor,
            teacher=teachers[0],
            term=TERM,
            amount="1600.00",
            basis="承担物流管理证书培训 32 学时，按 0.5 折算 16 学时计入绩效",
        )
        created["training.pay"] += 1
    try:
        staff.pay_record(
            actor=actor, teacher=teachers[2], term=TERM, amount="800.00", basis="未承担培训"
        )
    except DomainError as exc:
        stdout(f"training demo: performance pay refused as expected ({exc.rule}): {exc.message}")
    name = "广州物流管理证书培训联合体"
    alliance = Alliance.objects.filter(name=name).first()
    if alliance is None:
        alliance = staff.alliance_create(actor=actor, name=name, certificate=certificate)
        created["training.alliances"] += 1
    if other is not None:
        other_actor = _unit_actor(other.unit)
        if not alliance.members.filter(school=other).exists():
            staff.alliance_join(actor=other_actor, alliance=alliance)
        if not TeacherShare.objects.filter(alliance=alliance).exists():
            staff.teacher_share(
                actor=other_actor,
                alliance=alliance,
                teacher=teachers[0],
                host=other,
                term=TERM,
                hours="12",
            )
            created["training.shares"] += 1
    return created


def _org_part(
    certificate: Certificate, province: Division, school: School, stdout: Log
) -> Counter[str]:
    created: Counter[str] = Counter()
    org = certificate.org
    actor = _unit_actor(org.unit)
    today = timezone.localdate()
    plans = (
        ("2026 年物流管理职业技能等级标准宣贯会", ActivityKind.PROMOTION, 40, 1, [school]),
        (TRAINING_TITLE, ActivityKind.TEACHER_TRAINING, 20, 4, [school]),
        ("物流管理证书考核（广州考点）", ActivityKind.ASSESSMENT, 2, 1, [school]),
    )
    for title, kind, lead, days, schools in plans:
        if ActivityFiling.objects.filter(org=org, title=title).exists():
            continue
        starts = add_working_days(today, lead, assume_weekends=True).value
        activities.activity_create(
            actor=actor,
            org=org,
            province=province,
            data=activities.ActivityInput(
                kind=kind,
                title=title,
                starts_on=starts,
                ends_on=starts + dt.timedelta(days=days),
                venue="广州市番禺区市良路 1342 号",
                schools=schools,
                description="面向广东省试点院校，活动方案见附件。",
            ),
        )
        created["training.activities"] += 1
    try:
        activities.activity_create(
            actor=actor,
            org=org,
            province=province,
            data=activities.ActivityInput(
                kind=ActivityKind.MEETING,
                title="已召开的试点工作推进会（事后备案）",
                starts_on=today - dt.timedelta(days=3),
                ends_on=today - dt.timedelta(days=3),
                venue="广州",
            ),
        )
    except DomainError as exc:
        stdout(f"training demo: late activity filing refused as expected ({exc.rule})")
    created.update(_programmes(certificate, province, school, actor, today, stdout))
    created.update(_resources(certificate, actor, today))
    return created


def _programme(
    actor: Actor, certificate: Certificate, province: Division, title: str, start: dt.date
) -> TrainingProgramme:
    existing = TrainingProgramme.objects.filter(org=certificate.org, title=title).first()
    if existing is not None:
        return existing
    return programmes.programme_create(
        actor=actor,
        org=certificate.org,
        data=programmes.ProgrammeInput(
            certificate=certificate,
            province=province,
            title=title,
            starts_on=start,
            ends_on=start + dt.timedelta(days=4),
            hours=Decimal("40"),
            venue="广州番禺职业技术学院实训楼",
            description="物流管理职业技能等级证书（中级）师资培训。",
        ),
    )


def _programmes(
    certificate: Certificate,
    province: Division,
    school: School,
    actor: Actor,
    today: dt.date,
    stdout: Log,
) -> Counter[str]:
    created: Counter[str] = Counter()
    filed = ActivityFiling.objects.filter(org=certificate.org, title=TRAINING_TITLE).first()
    start = filed.starts_on if filed is not None else today
    refused = _programme(actor, certificate, province, "物流管理师资培训（团队待补充）", start)
    if not refused.trainers.exists():
        created["training.programmes"] += 1
        for name, employer, industry in (
            ("王宏", "广东交通职业技术学院", False),
            ("李娜", "广州番禺职业技术学院", False),
            ("赵强", "深圳职业技术学院", False),
            ("孙立", "顺丰速运有限公司", True),
        ):
            programmes.trainer_add(
                actor=actor,
                programme=refused,
                name=name,
                employer=employer,
                from_industry=industry,
            )
        programmes.fee_item_add(actor=actor, programme=refused, name="培训费", amount="1200")
    try:
        programmes.programme_publish(actor=actor, programme=refused)
    except DomainError as exc:
        stdout(f"training demo: programme not published as expected ({exc.rule})")

    published = _programme(actor, certificate, province, TRAINING_TITLE, start)
    if published.status == ProgrammeStatus.DRAFT:
        created["training.programmes"] += 1
        for name, employer, industry in (
            ("王宏", "广东交通职业技术学院", False),
            ("孙立", "顺丰速运有限公司", True),
            ("钱程", "京东物流集团", True),
            ("李娜", "广州番禺职业技术学院", False),
        ):
            programmes.trainer_add(
                actor=actor,
                programme=published,
                name=name,
                employer=employer,
                from_industry=industry,
            )
        programmes.fee_item_add(actor=actor, programme=published, name="培训费", amount="1200")
        programmes.fee_item_add(actor=actor, programme=published, name="资料费", amount="100")
        try:
            programmes.fee_item_add(
                actor=actor, programme=published, name="培训师认证费", amount="500"
            )
        except DomainError as exc:
            stdout(f"training demo: certification fee refused as expected ({exc.rule})")
        programmes.programme_publish(actor=actor, programme=published)
        programmes.programme_open(actor=actor, programme=published)
    school_actor = _unit_actor(school.unit)
    for teacher in Teacher.objects.filter(school=school, name__in=["周敏", "吴磊"]):
        if not Enrolment.objects.filter(programme=published, teacher=teacher).exists():
            programmes.enrol(actor=school_actor, programme=published, teacher=teacher)
            created["training.enrolments"] += 1
    first = Enrolment.objects.filter(programme=published).order_by("pk").first()
    if first is not None and first.status == EnrolmentStatus.ENROLLED and not first.attended_hours:
        programmes.enrolment_attend(actor=actor, enrolment=first, hours="40")
        programmes.enrolment_complete(actor=actor, enrolment=first)
    return created


def _resources(certificate: Certificate, actor: Actor, today: dt.date) -> Counter[str]:
    created: Counter[str] = Counter()
    publisher = LicensedPublisher.objects.filter(name=PUBLISHERS[0][0]).first()
    rows = (
        ("物流管理职业技能等级证书教材（中级）", ResourceKind.TEXTBOOK, today.replace(day=1),
         False, "45.00", publisher, "9787040500004"),
        ("物流管理典型工作案例库", ResourceKind.CASE_LIBRARY, add_months(today, -2), True,
         "0", None, ""),
        ("物流管理（初级）习题库", ResourceKind.QUESTION_BANK, add_months(today, -20), True,
         "0", None, ""),
        ("物流管理（中级）习题库", ResourceKind.QUESTION_BANK, add_months(today, -1), False,
         "30.00", None, ""),
    )  # fmt: skip
    for title, kind, updated, free, price, pub, isbn in rows:
        if Resource.objects.filter(org=certificate.org, title=title).exists():
            continue
        resources.resource_create(
            actor=actor,
            org=certificate.org,
            data=resources.ResourceInput(
                certificate=certificate,
                kind=kind,
                title=title,
                updated_on=updated,
                free=free,
                price=price,
                publisher=pub,
                isbn=isbn,
                url="https://example.org/resources",
                # R08: priced at cost (the price does not exceed the declared cost).
                unit_cost=None if free else price,
                cost_basis="" if free else "印制、平台运维与内容开发分摊",
            ),
        )
        created["training.resources"] += 1
    return created
