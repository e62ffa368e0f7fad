"""Builders for the exam tests (tests/assessment/conftest.py's ``ex`` fixture): a certificate
the demo org may examine in Guangdong, a confirmed pilot for the Guangzhou school, an approved
fee, students with valid generated ID numbers.

Time passes by moving a plan's dates back (``Exams.age``) instead of patching the clock: the
services compare with today, and a plan whose dates lie in the past is what "later" looks like.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F
from django.utils import timezone
from stdnum.cn import ric

from onex.assessment.models import (
    Candidate,
    ExamPlan,
    FeeStandard,
    FeeVersion,
    FeeVersionStatus,
    PlanStatus,
    Registration,
)
from onex.assessment.services import exams as exam_services
from onex.assessment.services import results as result_services
from onex.assessment.services import students as student_services
from onex.catalog.models import Certificate, Gender, Level
from onex.core.actors import Actor
from onex.pilots.models import School, Specialty
from onex.pilots.models.applications import ApplicationStatus, PilotApplication
from tests.factories import accept_filing, logistics_certificate, sign_agreement
from tests.personas import Personas, division

FEE = Decimal("200.00")


def make_id(serial: int, *, female: bool = False, region: str = "110105") -> str:
    """A valid 18-digit resident ID: fake region/birth date, check digit from stdnum."""
    born = dt.date(2001, 1, 1) + dt.timedelta(days=serial % 3000)
    seq = (serial % 499) * 2 + (0 if female else 1)  # 17th digit: odd male, even female
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum ignores the last character


def confirm_pilot(school: School, certificate: Certificate, specialty: Specialty) -> None:
    """A confirmed pilot application (R44), written directly: its workflow is tested in pilots."""
    PilotApplication.objects.create(
        school=school,
        province=school.province,
        city=school.city,
        certificate=certificate,
        specialty=specialty,
        levels=[Level.JUNIOR, Level.INTERMEDIATE],
        status=ApplicationStatus.CONFIRMED,
        # Confirmed a year ago: the pilot period (R14) covers every exam the tests hold.
        decided_at=timezone.now() - dt.timedelta(days=365),
    )


def approve_fee(certificate: Certificate, province: str, amount: Decimal = FEE) -> None:
    """An approved fee standard, written directly: its workflow is tested with the fees."""
    standard = FeeStandard.objects.create(
        org=certificate.org,
        province=division(province),
        certificate=certificate,
        level=Level.JUNIOR,
    )
    FeeVersion.objects.create(
        standard=standard,
        number=1,
        amount=amount,
        ceiling=Decimal("300.00"),
        status=FeeVersionStatus.APPROVED,
        proposed_at=timezone.now(),
        decided_at=timezone.now(),
        effective_from=dt.date(2019, 1, 1),
    )


@dataclass
class Exams:
    p: Personas
    certificate: Certificate
    specialty: Specialty
    other_specialty: Specialty
    hb_specialty: Specialty
    serial: int = 0
    students: list[Candidate] = field(default_factory=list)

    def student(
        self,
        name: str = "",
        *,
        school: School | None = None,
        specialty: Specialty | None = None,
        poor: bool = False,
        female: bool = False,
        actor: Actor | None = None,
    ) -> Candidate:
        self.serial += 1
        school = school or self.p.gd_school_obj
        if specialty is None:
            specialty = self.specialty if school == self.p.gd_school_obj else self.hb_specialty
        if actor is None:
            actor = (
                self.p.gd_school.actor if school == self.p.gd_school_obj else self.p.hb_school.actor
            )
        candidate, _status = student_services.student_upsert(
            actor=actor,
            school=school,
            name=name or f"学生{self.serial:03d}",
            id_type="resident",
            id_number=make_id(self.serial, female=female),
            gender=Gender.FEMALE if female else Gender.MALE,
            specialty=specialty,
            grade="2019级",
            poor_household=poor,
        )
        return candidate

    def plan(self, *, capacity: int = 30, open_: bool = True, **overrides: Any) -> ExamPlan:
        today = timezone.localdate()
        values: dict[str, Any] = {
            "certificate": self.certificate,
            "level": Level.JUNIOR,
            "province": division("440000"),
            "title": "",
            "exam_date": today + dt.timedelta(days=20),
            "start_time": dt.time(9, 0),
            "end_time": dt.time(11, 0),
            "capacity": capacity,
            "registration_opens": today,
            "registration_closes": today + dt.timedelta(days=10),
        }
        values.update(overrides)
        plan = exam_services.plan_create(actor=self.p.org.actor, **values)
        if open_:
            plan = exam_services.plan_open_registration(actor=self.p.org.actor, plan=plan)
        return plan

    def age(self, plan: ExamPlan, days: int) -> ExamPlan:
        """Move every date of the plan ``days`` into the past, as if that much time passed."""
        delta = dt.timedelta(days=days)
        ExamPlan.objects.filter(pk=plan.pk).update(
            registration_opens=F("registration_opens") - delta,
            registration_closes=F("registration_closes") - delta,
            exam_date=F("exam_date") - delta,
        )
        if plan.publicity_ends_on:
            ExamPlan.objects.filter(pk=plan.pk).update(
                publicity_starts_on=F("publicity_starts_on") - delta,
                publicity_ends_on=F("publicity_ends_on") - delta,
            )
        plan.refresh_from_db()
        return plan

    def register(self, plan: ExamPlan, *students: Candidate) -> list[Registration]:
        return exam_services.registration_register_students(
            actor=self.p.gd_school.actor, plan=plan, candidates=list(students)
        )

    def to_scoring(self, plan: ExamPlan) -> ExamPlan:
        org = self.p.org.actor
        plan = self.age(plan, 21)  # registration closed, exam day passed
        plan = exam_services.plan_close_registration(actor=org, plan=plan)
        plan = exam_services.plan_mark_held(actor=org, plan=plan)
        return exam_services.plan_start_scoring(actor=org, plan=plan)

    def score(self, registration: Registration, theory: str, practical: str) -> str:
        return result_services.result_record(
            actor=self.p.org.actor,
            registration=registration,
            theory=Decimal(theory),
            practical=Decimal(practical),
        )

    def published(self, n: int = 2) -> tuple[ExamPlan, list[Registration]]:
        """A plan in score publicity with ``n`` students: the first passed, the rest failed."""
        plan = self.plan()
        regs = self.register(plan, *[self.student() for _ in range(n)])
        plan = self.to_scoring(plan)
        for i, reg in enumerate(regs):
            self.score(reg, "80" if i == 0 else "50", "75")
        plan = exam_services.plan_publish_results(actor=self.p.org.actor, plan=plan)
        for reg in regs:
            reg.refresh_from_db()
        assert plan.status == PlanStatus.SCORE_PUBLICITY
        return plan, regs


def exams_world(personas: Personas) -> Exams:
    """A certificate the demo org may examine in Guangdong, the Guangzhou school's confirmed
    pilot specialty (and one not confirmed), Hubei's specialty and an approved fee."""
    _batch, certificate = logistics_certificate(personas)
    sign_agreement(personas)
    accept_filing(personas, certificate)
    specialty = Specialty.objects.create(
        school=personas.gd_school_obj, code="530802", name="物流管理"
    )
    other = Specialty.objects.create(
        school=personas.gd_school_obj, code="510201", name="计算机应用"
    )
    hb_specialty = Specialty.objects.create(
        school=personas.hb_school_obj, code="530802", name="物流管理"
    )
    confirm_pilot(personas.gd_school_obj, certificate, specialty)
    approve_fee(certificate, "440000")
    return Exams(
        p=personas,
        certificate=certificate,
        specialty=specialty,
        other_specialty=other,
        hb_specialty=hb_specialty,
    )
