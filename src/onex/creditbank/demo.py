"""Demo data of the credit bank: the credit bank's and a department clerk's logins, a student
learner login, accounts for the demo learners with certificate and course outcomes, one
approved and one overdue plan (with a reminder), conversion rules at two schools, requests in
several states, and one revoked certificate whose credits and exemption are suspended.

Idempotent: every object is looked up before it is created; runs after the certificates demo,
whose certificates (platform-examined ones from the closed demo exam plan, and the back-filled
ones of 李明, which are shown but never credited, R44) it enters into the accounts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

from onex.assessment.models import Candidate
from onex.catalog.models import Certificate, Level
from onex.certificates.models import CertificateStatus, IssuedCertificate
from onex.certificates.services.status import certificate_revoke
from onex.core import crypto
from onex.core.accounts import unit_create, user_create
from onex.core.actors import Actor
from onex.core.errors import DomainError
from onex.core.models import Role, Unit, UnitKind, User
from onex.creditbank.models import (
    ConversionRequest,
    ConversionRule,
    CourseCategory,
    CreditPlan,
    LearningAccount,
    LearningOutcome,
    OutcomeKind,
    PlanReminder,
    PlanStatus,
)
from onex.creditbank.services import accounts as account_services
from onex.creditbank.services import conversion as conversion_services
from onex.creditbank.services import plans as plan_services
from onex.pilots.models import School, Specialty

DEMO_BANK = "国家学分银行"
DEMO_SCHOOL = "广州番禺职业技术学院"
DEMO_STUDENT_UNIT = "演示在校生（学分转换）"
BANK_USERNAME = "demo-creditbank"
STAFF_USERNAME = "demo-school-staff"
STUDENT_USERNAME = "demo-student"
DEMO_PASSWORD = "onex-demo-pass"  # noqa: S105  (the same as core's demo accounts)
CERTIFICATE_CODE = "1-03"

Log = Callable[[str], None]


def _unit(created: Counter[str], kind: str, name: str) -> Unit:
    unit = Unit.objects.filter(kind=kind, name=name).first()
    if unit is None:
        unit = unit_create(actor=Actor.system(), kind=kind, name=name)
        created["units"] += 1
    return unit


def _user(created: Counter[str], username: str, unit: Unit, role: str) -> None:
    if User.objects.filter(username=username).exists():
        return
    user_create(
        actor=Actor.system(),
        username=username,
        password=DEMO_PASSWORD,
        unit=unit,
        role=role,
        display_name=username,
    )
    created["users"] += 1


def _clear_id(candidate: Candidate) -> str:
    # The platform copies the number to record outcomes; no person views it.
    return crypto.decrypt(
        bytes(candidate.id_number_enc), context=candidate._id_number_context()
    ).decode()


def _plans(created: Counter[str], certificate: Certificate, bank: Actor, log: Log) -> None:
    org = Actor(user=None, unit=certificate.org.unit, role=Role.ADMIN)
    published = certificate.batch.published_on
    plan = CreditPlan.objects.filter(certificate=certificate, level=Level.JUNIOR).first()
    if plan is None:
        plan = plan_services.plan_create(
            actor=org,
            certificate=certificate,
            level=Level.JUNIOR,
            credits=Decimal("6"),
            outcome_description="掌握仓储、配送、运输等物流基础作业技能，能完成物流单证处理。",
            course_categories="专业基础课：物流基础、仓储管理实务",
        )
        plan = plan_services.plan_submit(
            actor=org, plan=plan, today=published + dt.timedelta(days=20)
        )
        plan_services.plan_approve(
            actor=bank,
            plan=plan,
            reason="学分建议合理，同意。",
            today=published + dt.timedelta(days=35),
        )
        created["creditbank.plans"] += 1
    # 中级: a draft never submitted, long past its due date: overdue (R16), the org reminded.
    levels = set(certificate.levels.values_list("level", flat=True))
    if (
        Level.INTERMEDIATE in levels
        and not CreditPlan.objects.filter(
            certificate=certificate, level=Level.INTERMEDIATE
        ).exists()
    ):
        plan_services.plan_create(
            actor=org,
            certificate=certificate,
            level=Level.INTERMEDIATE,
            credits=Decimal("8"),
            outcome_description="能制订物流作业计划并组织实施。",
            course_categories="专业核心课：供应链管理",
        )
        created["creditbank.plans"] += 1
    if not PlanReminder.objects.filter(org=certificate.org).exists():
        created["creditbank.reminders"] += plan_services.plan_reminders_send(org=certificate.org)


def _specialty(school: School, name: str = "物流") -> Specialty | None:
    return Specialty.objects.filter(school=school, name__contains=name).order_by("code").first()


def _rules(created: Counter[str], certificate: Certificate, log: Log) -> list[Specialty]:
    specialties: list[Specialty] = []
    demo_school = School.objects.filter(name=DEMO_SCHOOL).first()
    other = (
        School.objects.filter(specialties__name__contains="物流")
        .exclude(name=DEMO_SCHOOL)
        .order_by("code")
        .first()
    )
    for school in (demo_school, other):
        if school is None:
            continue
        specialty = _specialty(school)
        if specialty is None:
            continue
        specialties.append(specialty)
        actor = Actor(user=None, unit=school.unit, role=Role.ADMIN)
        for course, credits in (("物流基础", "3"), ("仓储管理实务", "2")):
            if ConversionRule.objects.filter(specialty=specialty, course_name=course).exists():
                continue
            try:
                conversion_services.rule_create(
                    actor=actor,
                    specialty=specialty,
                    certificate=certificate,
                    level=Level.JUNIOR,
                    course_name=course,
                    course_category=CourseCategory.BASIC,
                    credits=Decimal(credits),
                )
            except DomainError as exc:
                log(f"creditbank demo: rule refused ({exc.rule or exc.code}): {exc.message}")
                continue
            created["creditbank.rules"] += 1
    return specialties


# The demo exam plan certifies three students: (steps of their request, revoke afterwards?).
RECOGNISE = ("department_approve", "academic_approve", "org_check", "recognise")
STORIES: tuple[tuple[tuple[str, ...], bool], ...] = (
    (RECOGNISE, False),  # the demo-student login: exemptions and credits in the account
    (RECOGNISE, True),  # then the certificate is revoked: credits and exemptions suspended
    (("return", "resubmit"), False),  # returned by the department, resubmitted: awaits review
)


def _actor_for(action: str, request: ConversionRequest, bank: Actor, learner: Actor) -> Actor:
    school = request.school.unit
    if action in ("department_approve", "return"):
        return Actor(user=None, unit=school, role=Role.STAFF)
    if action == "academic_approve":
        return Actor(user=None, unit=school, role=Role.ADMIN)
    if action == "org_check":
        return Actor(user=None, unit=request.org.unit, role=Role.ADMIN)
    if action == "resubmit":
        return learner
    return bank


def _requests(
    created: Counter[str],
    certificate: Certificate,
    specialty: Specialty,
    bank: Actor,
    student_unit: Unit,
    log: Log,
) -> None:
    issued = (
        IssuedCertificate.objects.filter(
            certificate=certificate,
            level=Level.JUNIOR,
            registration__isnull=False,
            school=specialty.school,
            status=CertificateStatus.VALID,
        )
        .select_related("learning_outcome")
        .order_by("pk")
    )
    stories = list(STORIES)
    for index, certificate_row in enumerate(issued):
        if not stories:
            break
        outcome = LearningOutcome.objects.filter(issued_certificate=certificate_row).first()
        if outcome is None or ConversionRequest.objects.filter(outcome=outcome).exists():
            continue
        steps, revoke = stories.pop(0)
        account = outcome.account
        unit = (
            student_unit
            if index == 0
            else _unit(created, UnitKind.LEARNER, f"{account.holder_name}（演示学习者）")
        )
        if account.learner_unit_id is None:
            account_services.account_link_learner(actor=Actor.system(), account=account, unit=unit)
        learner = Actor(user=None, unit=account.learner_unit, role=Role.STAFF)
        try:
            request = conversion_services.request_submit(
                actor=learner, outcome=outcome, specialty=specialty, note="申请以证书免修相应课程。"
            )
            for action in steps:
                conversion_services.request_move(
                    actor=_actor_for(action, request, bank, learner),
                    request=request,
                    action=action,
                    reason="请补充课程成绩单。" if action == "return" else "",
                )
        except DomainError as exc:
            log(f"creditbank demo: request refused ({exc.rule or exc.code}): {exc.message}")
            continue
        created["creditbank.requests"] += 1
        if index == 0:
            _courses(created, account, specialty.school, log)
        if revoke:
            org = Actor(user=None, unit=certificate.org.unit, role=Role.ADMIN)
            certificate_revoke(
                actor=org, certificate=certificate_row, reason="考核过程存在违规，经核查撤销证书。"
            )
            account_services.outcome_follow_certificate(certificate=certificate_row)
            created["creditbank.revoked"] += 1


def _courses(created: Counter[str], account: LearningAccount, school: School, log: Log) -> None:
    candidate = Candidate.objects.filter(
        school=school, id_number_hash=account.id_number_hash
    ).first()
    if candidate is None:
        return
    actor = Actor(user=None, unit=school.unit, role=Role.ADMIN)
    for course, credits, score, term in (
        ("管理学基础", "3", "86", "2023-2024-1"),
        ("经济学原理", "2", "78.5", "2023-2024-2"),
    ):
        if LearningOutcome.objects.filter(
            account=account, kind=OutcomeKind.COURSE, course_name=course
        ).exists():
            continue
        try:
            account_services.course_outcome_record(
                actor=actor,
                school=school,
                name=candidate.name,
                id_type=candidate.id_type,
                id_number=_clear_id(candidate),
                course=course,
                credits=Decimal(credits),
                score=Decimal(score),
                term=term,
            )
        except DomainError as exc:
            log(f"creditbank demo: course refused: {exc.message}")
            return
        created["creditbank.courses"] += 1


def load_demo(*, stdout: Log) -> dict[str, int]:
    created: Counter[str] = Counter()
    bank_unit = _unit(created, UnitKind.CREDITBANK, DEMO_BANK)
    _user(created, BANK_USERNAME, bank_unit, Role.ADMIN)
    student_unit = _unit(created, UnitKind.LEARNER, DEMO_STUDENT_UNIT)
    _user(created, STUDENT_USERNAME, student_unit, Role.STAFF)
    school = School.objects.filter(name=DEMO_SCHOOL).select_related("unit").first()
    if school is not None:
        _user(created, STAFF_USERNAME, school.unit, Role.STAFF)
    certificate = (
        Certificate.objects.select_related("org", "org__unit", "batch")
        .filter(code=CERTIFICATE_CODE)
        .first()
    )
    if certificate is None or school is None:
        stdout("creditbank demo: catalogue or demo school missing; skipped")
        return dict(created)
    created.update(
        {f"creditbank.outcomes_{k}": v for k, v in account_services.outcomes_sync().items()}
    )
    bank = Actor(user=None, unit=bank_unit, role=Role.ADMIN)
    _plans(created, certificate, bank, stdout)
    specialties = _rules(created, certificate, stdout)
    demo_specialty = next((s for s in specialties if s.school_id == school.pk), None)
    if demo_specialty is None:
        stdout("creditbank demo: the demo school has no logistics specialty; no requests")
        return dict(created)
    _requests(created, certificate, demo_specialty, bank, student_unit, stdout)
    if not CreditPlan.objects.filter(status=PlanStatus.APPROVED).exists():
        stdout("creditbank demo: no approved plan")
    return dict(created)
