"""Registrations and objections: the declared tables, and the page and the API offer exactly
their moves for every persona (a learner never sees the org's moves, issue 25)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from onex.assessment.models import (
    FeeStatus,
    Objection,
    ObjectionStatus,
    Registration,
    RegistrationStatus,
)
from onex.assessment.services import exams as exam_services
from onex.assessment.services import results as result_services
from onex.assessment.workflows import OBJECTION, REGISTRATION
from onex.core.errors import Forbidden
from onex.core.workflows import registered
from tests.factories_assessment import Exams, make_id
from tests.workflow_support import assert_same_moves

pytestmark = pytest.mark.django_db


def _same(reg: Registration, ex: Exams) -> dict[str, set[str]]:
    return assert_same_moves(
        workflow=REGISTRATION,
        obj=reg,
        personas=ex.p,
        api_url=f"/api/v1/assessment/exams/registrations/{reg.pk}",
        page_url=reverse("assessment:registration_detail", args=[reg.pk]),
    )


def _self_registered(ex: Exams) -> Registration:
    return exam_services.registration_register_self(
        actor=ex.p.learner.actor,
        plan=ex.plan(),
        name="张三",
        id_type="resident",
        id_number=make_id(900),
        gender="male",
    )


def test_open_registration_offers_the_party_to_withdraw_and_the_org_to_record_payment(
    ex: Exams,
) -> None:
    [reg] = ex.register(ex.plan(), ex.student())
    seen = _same(reg, ex)

    assert seen["gd_school"] == {"withdraw"}
    assert seen["org"] == {"pay"}  # the school's fee is collected by the org
    assert all(not moves for name, moves in seen.items() if name not in ("gd_school", "org"))


def test_learner_sees_only_its_own_moves_never_the_payment_record(ex: Exams) -> None:
    """Issue 25: no '登记已缴费' button on the learner's own fee."""
    reg = _self_registered(ex)
    assert reg.fee_status == FeeStatus.UNPAID
    seen = _same(reg, ex)

    assert seen["learner"] == {"withdraw"}
    assert seen["org"] == {"pay"}
    client = Client()
    client.force_login(ex.p.learner.user)
    page = client.get(reverse("assessment:registration_detail", args=[reg.pk])).content.decode()
    assert "登记已缴费" not in page
    refused = client.post(reverse("assessment:registration_action", args=[reg.pk, "pay"]))
    assert refused.status_code == 403
    api = client.post(f"/api/v1/assessment/exams/registrations/{reg.pk}/pay")
    assert api.status_code == 403
    reg.refresh_from_db()
    assert reg.fee_status == FeeStatus.UNPAID
    with pytest.raises(Forbidden):
        exam_services.registration_pay(actor=ex.p.learner.actor, registration=reg)


def test_withdrawn_registration_is_taken_up_again_through_its_move(ex: Exams) -> None:
    [reg] = ex.register(ex.plan(), ex.student())
    exam_services.registration_withdraw(actor=ex.p.gd_school.actor, registration=reg)
    seen = _same(reg, ex)
    assert seen["gd_school"] == {"register"}
    assert seen["org"] == set()
    again = exam_services.registration_register_again(actor=ex.p.gd_school.actor, registration=reg)
    assert again.status == RegistrationStatus.REGISTERED and again.withdrawn_at is None
    assert again.ticket_number == reg.ticket_number
    events = list(again.events.values_list("action", "from_status", "to_status"))
    assert events[-2:] == [
        ("withdraw", "registered", "withdrawn"),
        ("register", "withdrawn", "registered"),
    ]


def test_score_registration_offers_the_org_the_result(ex: Exams) -> None:
    plan = ex.plan()
    [reg] = ex.register(plan, ex.student())
    exam_services.registration_pay(actor=ex.p.org.actor, registration=reg)
    ex.to_scoring(plan)
    seen = _same(reg, ex)
    assert seen["org"] == {"result"}
    assert all(not moves for name, moves in seen.items() if name != "org")


def test_publicity_offers_the_party_an_objection_and_the_org_its_answer(ex: Exams) -> None:
    _plan, regs = ex.published(1)
    [reg] = regs
    exam_services.registration_pay(actor=ex.p.org.actor, registration=reg)
    seen = _same(reg, ex)
    assert seen["gd_school"] == {"objection"}
    assert seen["org"] == set()
    objection = result_services.objection_lodge(
        actor=ex.p.gd_school.actor, registration=reg, reason="请复核"
    )
    # The objection's own table: only the plan's org answers, and the page offers the same.
    answered = assert_same_moves(
        workflow=OBJECTION,
        obj=objection,
        personas=ex.p,
        api_url=f"/api/v1/assessment/exams/objections/{objection.pk}",
        page_url=reverse("assessment:registration_detail", args=[reg.pk]),
    )
    assert answered["org"] == {"answer"}
    assert all(not moves for name, moves in answered.items() if name != "org")
    done = result_services.objection_answer(
        actor=ex.p.org.actor,
        objection=objection,
        answer="已复核",
        theory=Decimal("90"),
        practical=Decimal("90"),
    )
    assert done.status == ObjectionStatus.ANSWERED and done.score_changed
    assert list(Objection.objects.get(pk=objection.pk).events.values_list("action", flat=True)) == [
        "lodge",
        "answer",
    ]


def test_the_registration_and_objection_workflows_are_registered() -> None:
    workflows = list(registered())
    assert REGISTRATION in workflows and OBJECTION in workflows
    for workflow, states in (
        (REGISTRATION, set(RegistrationStatus.values)),
        (OBJECTION, set(ObjectionStatus.values)),
    ):
        for move in workflow.moves:
            assert set(move.sources) <= states and set(move.possible_targets()) <= states
