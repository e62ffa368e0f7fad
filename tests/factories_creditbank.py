"""Builders for the credit bank tests: platform-examined certificates of the exams world, an
approved credit recording plan, conversion rules, learner accounts and requests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.test import Client
from django.utils import timezone

from onex.assessment.models import Candidate, PlanStatus
from onex.assessment.services import exams as exam_services
from onex.catalog.models import Level
from onex.certificates.models import IssuedCertificate
from onex.certificates.services.issue import certificate_enter, certificate_issue
from onex.core.models import Role, UnitKind
from onex.creditbank.models import (
    ConversionRequest,
    ConversionRule,
    CourseCategory,
    CreditPlan,
    LearningAccount,
    LearningOutcome,
)
from onex.creditbank.services import accounts as account_services
from onex.creditbank.services import conversion as conversion_services
from onex.creditbank.services import plans as plan_services
from tests.factories_assessment import Exams, exams_world, make_id
from tests.personas import Persona, Personas, division, make_unit, make_user

Capture = Callable[..., Any]


@dataclass
class Bank:
    ex: Exams
    capture: Capture  # pytest-django's django_capture_on_commit_callbacks

    @property
    def p(self) -> Personas:
        return self.ex.p

    @property
    def staff(self) -> Persona:
        staff: Persona = self.ex.p.gd_school_staff  # type: ignore[attr-defined]
        return staff

    @property
    def certificate(self) -> Any:
        return self.ex.certificate

    def examined(self) -> tuple[IssuedCertificate, Candidate]:
        """A certificate issued from a closed plan on the platform (R44), listeners run."""
        plan, regs = self.ex.published(1)
        plan = self.ex.age(plan, 30)
        plan = exam_services.plan_close(actor=self.p.org.actor, plan=plan)
        assert plan.status == PlanStatus.CLOSED
        with self.capture(execute=True):
            issued = certificate_issue(
                actor=self.p.org.actor, registration=regs[0], issued_on=timezone.localdate()
            )
        return issued, regs[0].candidate

    def entered(self, serial: int = 900) -> IssuedCertificate:
        """A certificate entered without a platform exam (R44: shown, never credited)."""
        with self.capture(execute=True):
            return certificate_enter(
                actor=self.p.org.actor,
                certificate=self.certificate,
                level=Level.JUNIOR,
                province=division("440000"),
                holder_name="王五",
                id_type="resident",
                id_number=make_id(serial),
                issued_on=timezone.localdate(),
            )

    def plan(
        self, *, credits: str = "6", level: str = Level.JUNIOR, approve: bool = True
    ) -> CreditPlan:
        plan = plan_services.plan_create(
            actor=self.p.org.actor,
            certificate=self.certificate,
            level=level,
            credits=Decimal(credits),
            outcome_description="掌握物流基础作业技能",
            course_categories="专业基础课",
        )
        plan = plan_services.plan_submit(actor=self.p.org.actor, plan=plan)
        if approve:
            plan = plan_services.plan_approve(
                actor=self.p.bank.actor,
                plan=plan,
                today=timezone.localdate() - dt.timedelta(days=1),
            )
        return plan

    def rule(
        self,
        course: str = "物流基础",
        credits: str = "3",
        category: str = CourseCategory.BASIC,
        level: str = Level.JUNIOR,
    ) -> ConversionRule:
        return conversion_services.rule_create(
            actor=self.p.gd_school.actor,
            specialty=self.ex.specialty,
            certificate=self.certificate,
            level=level,
            course_name=course,
            course_category=category,
            credits=Decimal(credits),
        )

    def learner_for(self, candidate: Candidate, persona: Persona | None = None) -> Persona:
        """A learner login claiming the candidate's account."""
        persona = persona or make_user(
            f"learner-{candidate.pk}", make_unit(UnitKind.LEARNER, candidate.name), Role.STAFF
        )
        account_services.account_claim(
            actor=persona.actor,
            name=candidate.name,
            id_type="resident",
            id_number=make_id(self._serial_of(candidate)),
        )
        return persona

    def learner_for_number(self, name: str, id_number: str) -> Persona:
        """A learner login claiming the account of ``id_number``."""
        persona = make_user(
            f"learner-{id_number[-6:]}", make_unit(UnitKind.LEARNER, name), Role.STAFF
        )
        account_services.account_claim(
            actor=persona.actor, name=name, id_type="resident", id_number=id_number
        )
        return persona

    def second_learner(self) -> Persona:
        """A learner login with an account of their own (someone else's record is not theirs)."""
        return self.learner_for_number("赵六", make_id(901))

    def _serial_of(self, candidate: Candidate) -> int:
        # Exams.student names its students 学生001, 学生002, … after their ID serial.
        return int(candidate.name.removeprefix("学生"))

    def requested(self) -> tuple[ConversionRequest, Persona, LearningOutcome]:
        """A learner with a credited certificate outcome asks for conversion under one rule."""
        self.plan()
        self.rule()
        issued, candidate = self.examined()
        learner = self.learner_for(candidate)
        outcome = LearningOutcome.objects.get(issued_certificate=issued)
        request = conversion_services.request_submit(
            actor=learner.actor, outcome=outcome, specialty=self.ex.specialty
        )
        return request, learner, outcome

    def account_of(self, issued: IssuedCertificate) -> LearningAccount:
        return LearningAccount.objects.get(id_number_hash=issued.id_number_hash)


def bank_world(personas: Personas, capture: Capture) -> Bank:
    # The Guangzhou school's department clerk (staff); the school's admin acts for academic
    # affairs. Set on the cast here, not in tests/personas.py: other apps' workflow tests
    # expect the school's moves for its admin alone.
    personas.gd_school_staff = make_user(  # type: ignore[attr-defined]
        "gd-school-staff", personas.gd_school_obj.unit, Role.STAFF
    )
    return Bank(ex=exams_world(personas), capture=capture)


def client_for(persona: Persona) -> Client:
    client = Client()
    client.force_login(persona.user)
    return client
