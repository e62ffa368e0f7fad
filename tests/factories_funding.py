"""Builders for the funding tests: allocations, expenditures with evidence, a held exam."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from onex.assessment.models import ExamPlan
from onex.assessment.services import exams as exam_services
from onex.core.actors import Actor
from onex.funding.models import Allocation, Expenditure, ExpenditureCategory, FundSource
from onex.funding.services import funds as fund_services
from onex.pilots.models import School
from tests.factories import PDF
from tests.factories_assessment import Exams
from tests.personas import Personas


def evidence(name: str = "发票.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def allocate(
    p: Personas,
    *,
    school: School | None = None,
    source: str = FundSource.PROVINCIAL_SPECIAL,
    amount: str = "100000.00",
    actor: Actor | None = None,
    title: str = "1+X 证书试点省级专项资金",
) -> Allocation:
    school = school or p.gd_school_obj
    if actor is None:
        actor = {
            FundSource.CENTRAL_AWARD: p.ministry.actor,
            FundSource.PROVINCIAL_SPECIAL: p.gd.actor
            if school.province.code == "440000"
            else p.hb.actor,
            FundSource.SCHOOL_OWN: p.gd_school.actor,
        }[source]
    return fund_services.allocation_create(
        actor=actor,
        school=school,
        source=source,
        year=timezone.localdate().year,
        title=title,
        amount=Decimal(amount),
    )


def spend(
    p: Personas,
    allocation: Allocation,
    amount: str,
    *,
    category: str = ExpenditureCategory.TEACHER_TRAINING,
    purpose: str = "教师参加物流管理职业技能等级证书师资培训",
    actor: Actor | None = None,
) -> Expenditure:
    return fund_services.expenditure_record(
        actor=actor or p.gd_school.actor,
        allocation=allocation,
        category=category,
        amount=Decimal(amount),
        spent_on=timezone.localdate(),
        payee="北京中物联物流采购培训中心",
        purpose=purpose,
        evidence=evidence(),
    )


def held_exam(ex: Exams, students: int = 2, *, days_ago: int = 0) -> ExamPlan:
    """A plan whose exam was held, with ``students`` of the Guangzhou school registered (the
    school pays). ``days_ago`` moves the exam further into the past."""
    plan = ex.plan()
    ex.register(plan, *[ex.student() for _ in range(students)])
    org = ex.p.org.actor
    plan = ex.age(plan, 21 + days_ago)
    plan = exam_services.plan_close_registration(actor=org, plan=plan)
    return exam_services.plan_mark_held(actor=org, plan=plan)


def past(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)
