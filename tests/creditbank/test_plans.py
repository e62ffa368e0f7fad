"""Credit recording plans (R16): proposal by the org, late marking, approval or return by the
credit bank, the overdue list, to-do and reminders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from onex.core.dashboard import dashboard_for
from onex.core.errors import Forbidden, InvalidInput
from onex.creditbank.models import PlanReminder, PlanStatus
from onex.creditbank.selectors import overdue_plans, plan_due_on
from onex.creditbank.services import plans as plan_services
from tests.factories_creditbank import Bank, client_for


def test_r16_due_date_is_a_month_after_the_certificates_publication(bank: Bank) -> None:
    # Batch 2 of the test catalogue was published on 2019-09-11.
    assert plan_due_on(bank.certificate) == dt.date(2019, 10, 11)


def test_r16_a_plan_submitted_after_the_month_is_accepted_and_marked_late(bank: Bank) -> None:
    plan = bank.plan(approve=False)
    assert plan.status == PlanStatus.SUBMITTED
    assert plan.late is True
    on_time = plan_services.plan_create(
        actor=bank.p.org.actor,
        certificate=bank.certificate,
        level="intermediate",
        credits=Decimal("4"),
        outcome_description="x",
        course_categories="y",
    )
    on_time = plan_services.plan_submit(
        actor=bank.p.org.actor, plan=on_time, today=dt.date(2019, 10, 1)
    )
    assert on_time.late is False


def test_r16_overdue_plans_are_listed_and_the_org_reminded(bank: Bank) -> None:
    overdue = overdue_plans(actor=bank.p.org.actor)
    assert {o.level for o in overdue} == {"junior", "intermediate"}
    assert overdue_plans(actor=bank.p.gd_school.actor) == []
    assert plan_services.plan_reminders_send() == 2
    assert plan_services.plan_reminders_send() == 0  # once a day
    assert PlanReminder.objects.filter(org=bank.p.org_obj).count() == 2
    todos = dashboard_for(actor=bank.p.org.actor).todos
    assert any("学分记录建议方案" in t.title and t.count == 2 for t in todos)
    bank.plan(level="junior", approve=False)  # submitted: no longer overdue
    assert {o.level for o in overdue_plans(actor=bank.p.bank.actor)} >= {"intermediate"}
    assert "junior" not in {o.level for o in overdue_plans(actor=bank.p.org.actor)}


def test_r16_only_the_certificates_org_proposes_and_only_the_credit_bank_decides(
    bank: Bank,
) -> None:
    with pytest.raises(Forbidden):
        plan_services.plan_create(
            actor=bank.p.gd_school.actor,
            certificate=bank.certificate,
            level="junior",
            credits=Decimal("4"),
            outcome_description="x",
            course_categories="y",
        )
    plan = bank.plan(approve=False)
    with pytest.raises(Forbidden):
        plan_services.plan_approve(actor=bank.p.org.actor, plan=plan)
    with pytest.raises(Forbidden):
        plan_services.plan_approve(actor=bank.p.ministry.actor, plan=plan)
    with pytest.raises(InvalidInput):
        plan_services.plan_return(actor=bank.p.bank.actor, plan=plan, reason="")
    returned = plan_services.plan_return(actor=bank.p.bank.actor, plan=plan, reason="学分偏高")
    assert returned.status == PlanStatus.RETURNED
    edited = plan_services.plan_edit(
        actor=bank.p.org.actor,
        plan=returned,
        credits=Decimal("4"),
        outcome_description="修订",
        course_categories="专业基础课",
    )
    again = plan_services.plan_submit(actor=bank.p.org.actor, plan=edited)
    approved = plan_services.plan_approve(actor=bank.p.bank.actor, plan=again)
    assert approved.status == PlanStatus.APPROVED
    assert approved.effective_from is not None
    assert [e.action for e in approved.events.all()] == [
        "create",
        "submit",
        "return",
        "edit",
        "submit",
        "approve",
    ]


def test_plan_pages_and_api_for_the_org_and_the_bank(bank: Bank) -> None:
    plan = bank.plan(approve=False)
    org = client_for(bank.p.org)
    assert org.get("/creditbank/plans/").status_code == 200
    assert org.get("/creditbank/plans/overdue/").status_code == 200
    assert org.get("/creditbank/plans/?format=xlsx").status_code == 200
    assert org.get("/creditbank/plans/new/").status_code == 200
    body = org.get(f"/api/v1/creditbank/plans/{plan.pk}").json()
    assert body["late"] is True and body["moves"] == []
    outsider = client_for(bank.p.gd_school)
    assert outsider.get(f"/creditbank/plans/{plan.pk}/").status_code == 404
    assert outsider.get(f"/api/v1/creditbank/plans/{plan.pk}").status_code == 404
    bank_client = client_for(bank.p.bank)
    response = bank_client.post(
        f"/api/v1/creditbank/plans/{plan.pk}/return",
        {"reason": ""},
        content_type="application/json",
    )
    assert response.status_code == 422
    response = bank_client.post(
        f"/creditbank/plans/{plan.pk}/", {"action": "approve", "reason": "同意"}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED


def test_org_creates_a_plan_through_the_api(bank: Bank) -> None:
    response = client_for(bank.p.org).post(
        "/api/v1/creditbank/plans",
        {
            "certificate": bank.certificate.code,
            "level": "junior",
            "credits": "4",
            "outcome_description": "x",
            "course_categories": "y",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["moves"] == ["edit", "submit"]
