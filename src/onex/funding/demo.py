"""Demo data for funding (R17, R29, R39): runs after the exams demo.

- Guangdong's demo schools receive the central award (the Ministry), the provincial special
  fund (Guangdong) and their own funds; the demo school spends part of them, each payment with
  a PDF voucher, so the funds flow chart of Guangdong has three stages.
- One expenditure is attempted out of the special fund to repay a loan (R39): it is refused,
  and the refusal is logged (``REFUSED`` names it; a test replays it).
- Guangdong's profile sets its settlement deadline (002: completed exams settled by a date) to
  shortly after the oldest demo exam, so that exam, still unsettled, is listed as overdue (R29);
  the next one is settled and confirmed by the org.

Idempotent: allocations are looked up by title, expenditures by payee and purpose.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from onex.assessment.models.exams import ExamPlan
from onex.core.actors import Actor
from onex.core.errors import DomainError, RuleViolation
from onex.core.models import PolicyScope, PolicyValue, Role, Unit, UnitKind
from onex.core.policy import policy_value_set
from onex.funding.models import (
    Allocation,
    Expenditure,
    ExpenditureCategory,
    FundSource,
    ProhibitedUse,
    Settlement,
)
from onex.funding.selectors.settlements import DEADLINE_KEY, settlements_due
from onex.funding.services import funds as fund_services
from onex.funding.services import settlements as settlement_services
from onex.geo.models import Division
from onex.pilots.models import School

PROVINCE = "440000"
SCHOOL = "广州番禺职业技术学院"
OTHER_SCHOOLS = ("深圳职业技术学院", "广东轻工职业技术学院")
# A voucher: the smallest file the upload check accepts as a PDF.
VOUCHER = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# (source, title, amount) per school; the demo school gets all three.
ALLOCATIONS: tuple[tuple[str, str, str], ...] = (
    (FundSource.CENTRAL_AWARD, "1+X 证书制度试点中央奖补资金", "300000.00"),
    (FundSource.PROVINCIAL_SPECIAL, "广东省 1+X 证书制度试点专项资金", "150000.00"),
    (FundSource.SCHOOL_OWN, "学校自筹 1+X 试点经费", "50000.00"),
)
# (allocation index, category, amount, payee, purpose) of the demo school.
EXPENDITURES: tuple[tuple[int, str, str, str, str], ...] = (
    (0, ExpenditureCategory.TRAINING_FACILITIES, "128000.00", "广州智联物流设备有限公司",
     "物流管理实训室仓储设备采购"),
    (0, ExpenditureCategory.TEACHER_TRAINING, "36500.00", "北京中物联物流采购培训中心",
     "12 名教师参加物流管理职业技能等级证书师资培训"),
    (1, ExpenditureCategory.TEACHING_RESOURCES, "42800.00", "广东高等教育出版社",
     "书证融通课程资源开发"),
    (1, ExpenditureCategory.EXAM_FEES, "15600.00", "北京中物联物流采购培训中心",
     "物流管理（初级）考核费用"),
    (2, ExpenditureCategory.STUDENT_TRAINING, "9800.00", "广州番禺职业技术学院物流学院",
     "学生证书培训耗材"),
)  # fmt: skip
# R39: the demo's refused expenditure (special fund, repaying a loan).
REFUSED = (1, ProhibitedUse.REPAY_DEBT, "20000.00", "中国建设银行番禺支行", "偿还实训楼建设贷款")


def _system_actor(kind: str, province: Division | None = None) -> Actor:
    unit = Unit.objects.filter(kind=kind, province=province).first() if province else None
    if unit is None:
        unit = Unit.objects.filter(kind=kind).first()
    user = unit.users.filter(role__in=(Role.ADMIN, Role.STAFF)).first() if unit else None
    if user is not None:
        return Actor.for_user(user)
    return Actor(user=None, unit=unit, role=Role.ADMIN)


def _school_actor(school: School) -> Actor:
    user = school.unit.users.filter(role__in=(Role.ADMIN, Role.STAFF)).first()
    return Actor.for_user(user) if user else Actor(user=None, unit=school.unit, role=Role.ADMIN)


def _allocator(source: str, school: School) -> Actor:
    if source == FundSource.CENTRAL_AWARD:
        return _system_actor(UnitKind.MINISTRY)
    if source == FundSource.PROVINCIAL_SPECIAL:
        return _system_actor(UnitKind.PROVINCE, school.province)
    return _school_actor(school)


def _voucher(n: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"voucher-{n}.pdf", VOUCHER, content_type="application/pdf")


def attempt_refused(allocation: Allocation, actor: Actor) -> RuleViolation | None:
    """Replay the demo's prohibited expenditure; returns the refusal (None if it went through)."""
    _i, category, amount, payee, purpose = REFUSED
    try:
        with transaction.atomic():
            fund_services.expenditure_record(
                actor=actor,
                allocation=allocation,
                category=category,
                amount=Decimal(amount),
                spent_on=timezone.localdate(),
                payee=payee,
                purpose=purpose,
                evidence=_voucher(99),
            )
    except RuleViolation as refused:
        return refused
    return None


def load_demo(*, stdout: Callable[[str], None]) -> dict[str, int]:
    created: Counter[str] = Counter()
    province = Division.objects.filter(code=PROVINCE).first()
    school = School.objects.filter(name=SCHOOL).first()
    if province is None or school is None:
        return {}
    year = timezone.localdate().year
    own: list[Allocation] = []
    for target in [school, *School.objects.filter(name__in=OTHER_SCHOOLS)]:
        sources = ALLOCATIONS if target == school else ALLOCATIONS[:2]
        for source, title, amount in sources:
            amount_here = amount if target == school else str(Decimal(amount) / 3)
            row = Allocation.objects.filter(school=target, title=title).first()
            if row is None:
                row = fund_services.allocation_create(
                    actor=_allocator(source, target),
                    school=target,
                    source=source,
                    year=year,
                    title=title,
                    amount=Decimal(amount_here).quantize(Decimal("0.01")),
                    document_number="粤教职函〔2026〕18号"
                    if source != FundSource.SCHOOL_OWN
                    else "",
                )
                created["allocations"] += 1
            if target == school:
                own.append(row)
    actor = _school_actor(school)
    for n, (index, category, amount, payee, purpose) in enumerate(EXPENDITURES):
        allocation = own[index]
        if Expenditure.objects.filter(allocation=allocation, payee=payee, purpose=purpose).exists():
            continue
        try:
            fund_services.expenditure_record(
                actor=actor,
                allocation=allocation,
                category=category,
                amount=Decimal(amount),
                spent_on=timezone.localdate() - dt.timedelta(days=30 - n * 5),
                payee=payee,
                purpose=purpose,
                evidence=_voucher(n),
            )
            created["expenditures"] += 1
        except DomainError as exc:
            stdout(f"funding demo: expenditure refused: {exc.message}")
    refused = attempt_refused(own[REFUSED[0]], actor)
    if refused is not None:
        stdout(f"funding demo: [{refused.rule}] {refused.message}（演示：被拒绝的支出）")
    created["settlements"] += _settlements(province, school, actor)
    return dict(created)


def _settlements(province: Division, school: School, actor: Actor) -> int:
    """R29: the oldest completed exam stays unsettled past Guangdong's deadline; the next one
    is settled and confirmed."""
    system = Actor.system()
    dues = [d for d in settlements_due(actor=system, school_ids=[school.pk])]
    if not dues:
        return 0
    dues.sort(key=lambda d: d.plan.exam_date)
    oldest: ExamPlan = dues[0].plan
    deadline = oldest.exam_date + dt.timedelta(days=10)
    if (
        deadline < timezone.localdate()
        and not PolicyValue.objects.filter(key=DEADLINE_KEY, province=province).exists()
    ):
        policy_value_set(
            actor=system,
            key=DEADLINE_KEY,
            value=deadline.isoformat(),
            scope=PolicyScope.PROVINCE,
            province=province,
            effective_from=oldest.exam_date - dt.timedelta(days=30),
            note="演示数据：广东省已完成考核的费用结清截止日期",
        )
    made = 0
    for due in dues[1:2]:
        if Settlement.objects.filter(plan=due.plan, school=school).exists():
            continue
        settlement = settlement_services.settlement_record(
            actor=actor,
            school=school,
            plan=due.plan,
            amount=due.amount_due,
            settled_on=timezone.localdate(),
        )
        org_user = due.plan.org.unit.users.filter(role__in=(Role.ADMIN, Role.STAFF)).first()
        if org_user is not None:
            settlement_services.settlement_confirm(
                actor=Actor.for_user(org_user), settlement=settlement
            )
        made += 1
    return made
