"""Registration: R44 (confirmed schools and specialties), R35 (public, fee), R46 (voluntary,
withdrawal), capacity (also under concurrency on PostgreSQL), admission ticket numbers."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from onex.assessment.models import (
    Candidate,
    ExamPlan,
    FeePayer,
    FeeStatus,
    PlanStatus,
    Registration,
    RegistrationStatus,
)
from onex.assessment.selectors import exams as exam_selectors
from onex.assessment.services import exams as exam_services
from onex.catalog import models as catalog_models
from onex.core import policy
from onex.core.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from onex.core.models import AuditEvent, Role
from tests.factories_assessment import FEE, Exams, approve_fee, make_id
from tests.personas import make_user

pytestmark = pytest.mark.django_db


# --- R44 ---------------------------------------------------------------------------------------


def test_r44_student_of_unconfirmed_specialty_cannot_be_registered(ex: Exams) -> None:
    plan = ex.plan()
    confirmed = ex.student()
    unconfirmed = ex.student(specialty=ex.other_specialty)
    with pytest.raises(RuleViolation) as info:
        ex.register(plan, confirmed, unconfirmed)
    assert info.value.rule_id == "R44"
    assert "计算机应用" in str(info.value.message)
    assert not Registration.objects.exists()  # all or none


def test_r44_student_of_unconfirmed_school_cannot_be_registered(ex: Exams) -> None:
    # Hubei school: no confirmed pilot. Registered by its own school in a plan it can see.
    from tests.factories import accept_filing

    accept_filing(ex.p, ex.certificate, "420000", ex.p.hb.actor)
    from tests.personas import division

    approve_fee(ex.certificate, "420000")
    plan = ex.plan(province=division("420000"))
    student = ex.student(school=ex.p.hb_school_obj)
    with pytest.raises(RuleViolation) as info:
        exam_services.registration_register_students(
            actor=ex.p.hb_school.actor, plan=plan, candidates=[student]
        )
    assert info.value.rule_id == "R44"


def test_r44_confirmed_student_is_registered_and_school_pays(ex: Exams) -> None:
    plan = ex.plan()
    [reg] = ex.register(plan, ex.student())
    assert reg.status == RegistrationStatus.REGISTERED
    assert reg.fee_payer == FeePayer.SCHOOL and reg.fee_amount == FEE
    assert reg.fee_status == FeeStatus.UNPAID
    assert reg.school == ex.p.gd_school_obj
    assert AuditEvent.objects.filter(action="assessment.registration_create").count() == 1


def test_r44_confirmation_at_another_level_does_not_count(ex: Exams) -> None:
    from onex.pilots.models.applications import PilotApplication

    PilotApplication.objects.update(levels=["intermediate"])
    plan = ex.plan()
    with pytest.raises(RuleViolation) as info:
        ex.register(plan, ex.student())
    assert info.value.rule_id == "R44"


# --- R35, R40: fees --------------------------------------------------------------------------


def test_r35_member_of_the_public_registers_and_pays_the_approved_fee(ex: Exams) -> None:
    plan = ex.plan()
    reg = exam_services.registration_register_self(
        actor=ex.p.learner.actor,
        plan=plan,
        name="张三",
        id_type="resident",
        id_number=make_id(900),
        gender="male",
        phone="13800000001",
    )
    assert reg.school is None and reg.candidate.school is None
    assert reg.candidate.learner_unit == ex.p.learner.unit
    assert reg.fee_payer == FeePayer.LEARNER and reg.fee_amount == FEE
    assert reg.fee_status == FeeStatus.UNPAID
    # Issue 25: the learner does not record its own payment; the org collecting the fee does.
    with pytest.raises(Forbidden):
        exam_services.registration_pay(actor=ex.p.learner.actor, registration=reg)
    reg = exam_services.registration_pay(actor=ex.p.org.actor, registration=reg)
    assert reg.fee_status == FeeStatus.PAID and reg.paid_at is not None
    with pytest.raises(Conflict):
        exam_services.registration_pay(actor=ex.p.org.actor, registration=reg)


def test_r35_public_registration_validates_the_id_number(ex: Exams) -> None:
    plan = ex.plan()
    bad = make_id(901)[:-1] + ("0" if make_id(901)[-1] != "0" else "1")
    with pytest.raises(InvalidInput) as info:
        exam_services.registration_register_self(
            actor=ex.p.learner.actor,
            plan=plan,
            name="张三",
            id_type="resident",
            id_number=bad,
            gender="male",
        )
    assert info.value.field == "id_number"
    assert bad not in str(info.value.message)
    assert not Candidate.objects.exists()


def test_r35_public_registration_checks_gender_against_id(ex: Exams) -> None:
    plan = ex.plan()
    with pytest.raises(InvalidInput) as info:
        exam_services.registration_register_self(
            actor=ex.p.learner.actor,
            plan=plan,
            name="张三",
            id_type="resident",
            id_number=make_id(902),
            gender="female",
        )
    assert info.value.field == "gender"


def test_r35_without_approved_fee_public_cannot_register(ex: Exams) -> None:
    from onex.assessment.models import FeeVersion

    FeeVersion.objects.all().delete()
    plan = ex.plan()
    with pytest.raises(RuleViolation) as info:
        exam_services.registration_register_self(
            actor=ex.p.learner.actor,
            plan=plan,
            name="张三",
            id_type="resident",
            id_number=make_id(903),
            gender="male",
        )
    assert info.value.rule_id == "R30"
    assert not Registration.objects.exists()


def test_r40_poor_household_student_pays_nothing_once_the_school_confirms(ex: Exams) -> None:
    plan = ex.plan()
    [reg] = ex.register(plan, ex.student(poor=True))
    assert reg.fee_status == FeeStatus.UNPAID  # the flag alone waives nothing
    school = ex.p.gd_school.actor
    exam_services.registration_exemption_claim(actor=school, registration=reg, basis="户籍档案 01")
    reg = exam_services.registration_exemption_confirm(actor=school, registration=reg)
    assert reg.fee_amount == Decimal("0.00")
    assert reg.fee_payer == FeePayer.EXEMPT and reg.fee_status == FeeStatus.EXEMPT


def test_pilot_students_fee_is_never_charged_to_the_student(ex: Exams) -> None:
    plan = ex.plan()
    [reg] = ex.register(plan, ex.student())
    assert reg.fee_payer != FeePayer.LEARNER


def test_schools_cannot_use_self_registration(ex: Exams) -> None:
    plan = ex.plan()
    with pytest.raises(Forbidden):
        exam_services.registration_register_self(
            actor=ex.p.gd_school.actor,
            plan=plan,
            name="张三",
            id_type="resident",
            id_number=make_id(904),
            gender="male",
        )


# --- R46: voluntary ----------------------------------------------------------------------------


def test_r46_student_may_withdraw_until_registration_closes(ex: Exams) -> None:
    plan = ex.plan()
    [reg] = ex.register(plan, ex.student())
    reg = exam_services.registration_withdraw(
        actor=ex.p.gd_school.actor, registration=reg, reason="学生本人不愿参加"
    )
    assert reg.status == RegistrationStatus.WITHDRAWN
    # Registering again keeps the ticket number.
    [again] = ex.register(plan, reg.candidate)
    assert again.pk == reg.pk and again.ticket_number == reg.ticket_number


def test_r46_withdrawal_is_refused_after_registration_closed(ex: Exams) -> None:
    plan = ex.plan(capacity=1)
    [reg] = ex.register(plan, ex.student())
    exam_services.plan_close_registration(actor=ex.p.org.actor, plan=plan)
    with pytest.raises(Conflict):
        exam_services.registration_withdraw(actor=ex.p.gd_school.actor, registration=reg)
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.REGISTERED


def test_r46_withdrawal_is_refused_after_the_window_even_if_not_closed(ex: Exams) -> None:
    plan = ex.plan()
    [reg] = ex.register(plan, ex.student())
    ex.age(plan, 11)
    with pytest.raises(Conflict):
        exam_services.registration_withdraw(actor=ex.p.gd_school.actor, registration=reg)


def test_r46_no_setting_makes_a_certificate_a_graduation_requirement() -> None:
    words = ("graduat", "毕业")
    models = [catalog_models.Certificate, catalog_models.CertificateLevel, ExamPlan, Registration]
    for model in models:
        for f in model._meta.get_fields():
            text = f"{f.name} {getattr(f, 'verbose_name', '')}".lower()
            assert not any(w in text for w in words), f"{model.__name__}.{f.name}"
    for item in policy.REGISTRY.values():
        text = f"{item.key} {item.label}".lower()
        assert not any(w in text for w in words), item.key


def test_r46_learner_withdraws_own_public_registration(ex: Exams) -> None:
    plan = ex.plan()
    reg = exam_services.registration_register_self(
        actor=ex.p.learner.actor,
        plan=plan,
        name="张三",
        id_type="resident",
        id_number=make_id(905),
        gender="male",
    )
    reg = exam_services.registration_withdraw(actor=ex.p.learner.actor, registration=reg)
    assert reg.status == RegistrationStatus.WITHDRAWN


# --- refusals and scoping ----------------------------------------------------------------------


def test_school_registering_another_schools_student_gets_404(ex: Exams) -> None:
    plan = ex.plan()
    other = ex.student(school=ex.p.hb_school_obj)
    with pytest.raises(NotFound):
        ex.register(plan, other)


def test_school_viewer_cannot_register(ex: Exams) -> None:
    plan = ex.plan()
    viewer = make_user("school-viewer", ex.p.gd_school_obj.unit, Role.VIEWER)
    with pytest.raises(Forbidden):
        exam_services.registration_register_students(
            actor=viewer.actor, plan=plan, candidates=[ex.student()]
        )


def test_other_school_gets_404_on_registration(ex: Exams) -> None:
    plan = ex.plan()
    [reg] = ex.register(plan, ex.student())
    with pytest.raises(NotFound):
        exam_selectors.registration_get(actor=ex.p.hb_school.actor, pk=reg.pk)
    with pytest.raises(NotFound):
        exam_services.registration_withdraw(actor=ex.p.hb_school.actor, registration=reg)


def test_province_sees_registration_but_cannot_withdraw_it(ex: Exams) -> None:
    plan = ex.plan()
    [reg] = ex.register(plan, ex.student())
    assert exam_selectors.registration_get(actor=ex.p.gd.actor, pk=reg.pk) == reg
    with pytest.raises(Forbidden):
        exam_services.registration_withdraw(actor=ex.p.gd.actor, registration=reg)


def test_registration_before_opening_or_in_draft_is_refused(ex: Exams) -> None:
    draft = ex.plan(open_=False)
    with pytest.raises(NotFound):  # schools do not see drafts
        ex.register(draft, ex.student())
    exam_services.plan_open_registration(actor=ex.p.org.actor, plan=draft)
    ExamPlan.objects.filter(pk=draft.pk).update(
        registration_opens=draft.registration_opens + dt.timedelta(days=1)
    )
    with pytest.raises(Conflict):
        ex.register(draft, ex.student())


def test_double_registration_is_refused(ex: Exams) -> None:
    plan = ex.plan()
    student = ex.student()
    ex.register(plan, student)
    with pytest.raises(Conflict):
        ex.register(plan, student)


# --- capacity and tickets ----------------------------------------------------------------------


def test_capacity_is_never_exceeded(ex: Exams) -> None:
    plan = ex.plan(capacity=2)
    ex.register(plan, ex.student(), ex.student())
    with pytest.raises(Conflict) as info:
        ex.register(plan, ex.student())
    assert info.value.details["capacity"] == 2
    assert plan.registrations.count() == 2


def test_withdrawn_seat_is_free_again(ex: Exams) -> None:
    plan = ex.plan(capacity=1)
    [reg] = ex.register(plan, ex.student())
    exam_services.registration_withdraw(actor=ex.p.gd_school.actor, registration=reg)
    ex.register(plan, ex.student())


def test_ticket_numbers_are_deterministic_and_unique_across_plans(ex: Exams) -> None:
    plan_a = ex.plan()
    plan_b = ex.plan()
    regs = ex.register(plan_a, ex.student(), ex.student()) + ex.register(plan_b, ex.student())
    prefix = f"{plan_a.exam_date.year}44C2011"
    assert [r.ticket_number for r in regs] == [f"{prefix}00001", f"{prefix}00002", f"{prefix}00003"]
    assert len({r.ticket_number for r in Registration.objects.all()}) == 3


def test_ticket_number_unique_constraint(ex: Exams) -> None:
    from django.db import IntegrityError, transaction

    plan = ex.plan()
    [reg] = ex.register(plan, ex.student())
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            plan=plan,
            candidate=ex.student(),
            province=reg.province,
            ticket_number=reg.ticket_number,
            fee_amount=FEE,
            fee_payer=FeePayer.SCHOOL,
            fee_status=FeeStatus.UNPAID,
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_exceed_capacity_on_postgresql(ex: Exams) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only meaningful on PostgreSQL")
    capacity, threads_n = 3, 8
    plan = ex.plan(capacity=capacity)
    students = [ex.student() for _ in range(threads_n)]
    actor = ex.p.gd_school.actor
    barrier = threading.Barrier(threads_n)
    outcomes: list[str] = []
    lock = threading.Lock()

    def register(candidate: Candidate) -> None:
        try:
            barrier.wait()
            exam_services.registration_register_students(
                actor=actor, plan=plan, candidates=[candidate]
            )
            result = "ok"
        except Conflict:
            result = "full"
        except Exception as exc:  # pragma: no cover - reported through the assertion
            result = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    workers = [threading.Thread(target=register, args=(s,)) for s in students]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(outcomes) == ["full"] * (threads_n - capacity) + ["ok"] * capacity
    assert (
        Registration.objects.filter(plan=plan, status=RegistrationStatus.REGISTERED).count()
        == capacity
    )
    assert plan.status == PlanStatus.REGISTRATION_OPEN
