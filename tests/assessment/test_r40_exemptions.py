"""R40: a poor-household (建档立卡) exemption is a claim with a basis that the responsible office
confirms (the registering school for its students, the plan's org for the public); only a
confirmed claim waives the fee, and every step is audited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from onex.assessment.models import ExemptionStatus, FeeStatus, Registration
from onex.assessment.services import exams as exam_services
from onex.assessment.workflows import EXEMPTION, REGISTRATION
from onex.core.errors import Forbidden, InvalidInput, NotFound
from onex.core.models import AuditEvent
from tests.factories_assessment import Exams, make_id
from tests.workflow_support import every_persona, offered_moves

pytestmark = pytest.mark.django_db


def _self_registered_poor(ex: Exams, *, basis: str = "建档立卡户 4401-0099") -> Registration:
    return exam_services.registration_register_self(
        actor=ex.p.learner.actor,
        plan=ex.plan(),
        name="李四",
        id_type="resident",
        id_number=make_id(950),
        gender="male",
        poor_household=True,
        exemption_basis=basis,
    )


def _audited(reg: Registration) -> list[str]:
    return list(
        AuditEvent.objects.filter(action__startswith="assessment.exemption.", target_id=str(reg.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def _moves_per_persona(reg: Registration, ex: Exams) -> dict[str, set[str]]:
    """Table (both of the registration's workflows) == API ``moves`` == page buttons."""
    seen: dict[str, set[str]] = {}
    for name, persona in every_persona(ex.p).items():
        reg.refresh_from_db()
        table, api, page = offered_moves(
            workflow=EXEMPTION,
            obj=reg,
            persona=persona,
            api_url=f"/api/v1/assessment/exams/registrations/{reg.pk}",
            page_url=reverse("assessment:registration_detail", args=[reg.pk]),
        )
        table |= set(REGISTRATION.allowed_actions(reg, persona.actor))
        if api is None or page is None:
            assert api is None and page is None and table == set(), name
        else:
            assert table == api == page, (name, table, api, page)
        seen[name] = table
    return seen


def test_r40_self_declared_claim_does_not_waive_the_fee(ex: Exams) -> None:
    reg = _self_registered_poor(ex)
    assert reg.exemption_status == ExemptionStatus.CLAIMED
    assert reg.exemption_basis == "建档立卡户 4401-0099"
    assert reg.fee_status == FeeStatus.UNPAID and reg.fee_amount > 0
    # Ticking the box without a basis files no claim at all.
    [student_reg] = ex.register(ex.plan(), ex.student(poor=True))
    assert student_reg.exemption_status == ExemptionStatus.NONE
    assert student_reg.fee_status == FeeStatus.UNPAID and student_reg.fee_amount > 0


def test_r40_claim_needs_a_basis(ex: Exams) -> None:
    [reg] = ex.register(ex.plan(), ex.student(poor=True))
    with pytest.raises(InvalidInput):
        exam_services.registration_exemption_claim(
            actor=ex.p.gd_school.actor, registration=reg, basis="  "
        )


def test_r40_school_confirms_its_students_claim_and_the_fee_is_zero(ex: Exams) -> None:
    [reg] = ex.register(ex.plan(), ex.student(poor=True))
    seen = _moves_per_persona(reg, ex)
    assert seen["gd_school"] == {"withdraw", "exemption_claim"}
    assert seen["org"] == {"pay"}
    school = ex.p.gd_school.actor
    exam_services.registration_exemption_claim(actor=school, registration=reg, basis="档案 17")
    seen = _moves_per_persona(reg, ex)
    assert seen["gd_school"] == {"withdraw", "exemption_confirm", "exemption_refuse"}
    assert seen["org"] == {"pay"}  # the school's students: not the org's call
    with pytest.raises(Forbidden):
        exam_services.registration_exemption_confirm(actor=ex.p.org.actor, registration=reg)
    reg = exam_services.registration_exemption_confirm(actor=school, registration=reg)
    assert reg.exemption_status == ExemptionStatus.CONFIRMED
    assert reg.fee_amount == Decimal("0.00") and reg.fee_status == FeeStatus.EXEMPT
    assert _audited(reg) == [
        "assessment.exemption.exemption_claim",
        "assessment.exemption.exemption_confirm",
    ]


def test_r40_org_refuses_a_public_claim_and_the_fee_stays_due(ex: Exams) -> None:
    reg = _self_registered_poor(ex)
    fee = reg.fee_amount
    seen = _moves_per_persona(reg, ex)
    assert seen["org"] == {"pay", "exemption_confirm", "exemption_refuse"}
    assert seen["learner"] == {"withdraw"}  # the claimant never confirms its own claim
    with pytest.raises(Forbidden):
        exam_services.registration_exemption_confirm(actor=ex.p.learner.actor, registration=reg)
    with pytest.raises(InvalidInput):
        exam_services.registration_exemption_refuse(
            actor=ex.p.org.actor, registration=reg, reason=""
        )
    client = Client()
    client.force_login(ex.p.org.user)
    answer = client.post(
        f"/api/v1/assessment/exams/registrations/{reg.pk}/exemption_refuse",
        {"reason": "档案号查无此户"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["exemption_status"] == ExemptionStatus.REFUSED
    reg.refresh_from_db()
    assert reg.fee_amount == fee and fee > 0 and reg.fee_status == FeeStatus.UNPAID
    assert _audited(reg) == [
        "assessment.exemption.exemption_claim",
        "assessment.exemption.exemption_refuse",
    ]


def test_r40_page_confirm_by_the_org_waives_the_public_fee(ex: Exams) -> None:
    reg = _self_registered_poor(ex)
    client = Client()
    client.force_login(ex.p.org.user)
    client.post(reverse("assessment:registration_action", args=[reg.pk, "exemption_confirm"]))
    reg.refresh_from_db()
    assert reg.exemption_status == ExemptionStatus.CONFIRMED
    assert reg.fee_amount == Decimal("0.00") and reg.fee_status == FeeStatus.EXEMPT


def test_r40_outsider_gets_404(ex: Exams) -> None:
    reg = _self_registered_poor(ex)
    with pytest.raises(NotFound):
        exam_services.registration_exemption_confirm(actor=ex.p.hb_school.actor, registration=reg)
    client = Client()
    client.force_login(ex.p.hb_school.user)
    api = client.post(
        f"/api/v1/assessment/exams/registrations/{reg.pk}/exemption_confirm",
        {},
        content_type="application/json",
    )
    assert api.status_code == 404
    page = client.post(
        reverse("assessment:registration_action", args=[reg.pk, "exemption_confirm"])
    )
    assert page.status_code == 404
    reg.refresh_from_db()
    assert reg.exemption_status == ExemptionStatus.CLAIMED
