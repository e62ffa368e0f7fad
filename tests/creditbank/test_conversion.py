"""Conversion (R37): schools' rules within the platform defaults, learners' requests through
department, academic affairs, org and credit bank, and what the account shows."""

from __future__ import annotations

from decimal import Decimal

import pytest

from onex.certificates.services.status import certificate_revoke
from onex.core.errors import Forbidden, InvalidInput, RuleViolation
from onex.core.workflows import perform
from onex.creditbank.models import ConversionExemption, CourseCategory, RequestStatus
from onex.creditbank.selectors import account_summary, conversion_report
from onex.creditbank.services import conversion as conversion_services
from onex.creditbank.workflows import CONVERSION_REQUEST, CREDIT_PLAN, LEARNING_OUTCOME
from tests.factories_creditbank import Bank, client_for
from tests.workflow_support import assert_same_moves


def _recognise(bank: Bank, request: object) -> object:
    p = bank.p
    for persona, action in (
        (bank.staff, "department_approve"),
        (p.gd_school, "academic_approve"),
        (p.org, "org_check"),
        (p.bank, "recognise"),
    ):
        request = conversion_services.request_move(
            actor=persona.actor,
            request=request,
            action=action,  # type: ignore[arg-type]
        )
    return request


def test_r37_rule_without_credits_recognised_by_the_credit_bank_is_refused(bank: Bank) -> None:
    with pytest.raises(RuleViolation) as refused:
        bank.rule()
    assert refused.value.rule == "R37"


def test_r37_rules_may_not_exceed_eight_credits_per_certificate(bank: Bank) -> None:
    bank.plan(credits="10")
    bank.rule("物流基础", "5")
    with pytest.raises(RuleViolation) as refused:
        bank.rule("仓储基础", "4")  # 9 > the platform default of 8
    assert refused.value.rule == "R37"
    bank.rule("仓储基础", "3")  # 8 is allowed


def test_r37_rules_may_not_exceed_what_the_credit_bank_recognised(bank: Bank) -> None:
    bank.plan(credits="4")
    with pytest.raises(RuleViolation) as refused:
        bank.rule("物流基础", "5")
    assert refused.value.rule == "R37"


def test_r37_junior_replaces_basic_courses_intermediate_core_courses(bank: Bank) -> None:
    bank.plan(credits="6")
    with pytest.raises(RuleViolation) as refused:
        bank.rule("供应链管理", "3", category=CourseCategory.CORE)
    assert refused.value.rule == "R37"
    bank.plan(credits="6", level="intermediate")
    with pytest.raises(RuleViolation):
        bank.rule("物流基础", "3", category=CourseCategory.BASIC, level="intermediate")
    bank.rule("供应链管理", "3", category=CourseCategory.CORE, level="intermediate")


def test_r37_one_course_is_replaced_by_one_certificate_at_most(bank: Bank) -> None:
    bank.plan(credits="6")
    bank.rule("物流基础", "3")
    other = bank.ex.certificate.__class__.objects.create(
        code="C2-02", name="冷链物流", org=bank.p.org_obj, batch=bank.certificate.batch
    )
    other.levels.create(level="junior")
    from_other = bank.ex.certificate
    bank.ex.certificate = other
    try:
        bank.plan(credits="6")
        with pytest.raises(RuleViolation) as refused:
            bank.rule("物流基础", "3")
    finally:
        bank.ex.certificate = from_other
    assert refused.value.rule == "R37"


def test_only_the_school_defines_its_rules(bank: Bank) -> None:
    bank.plan(credits="6")
    with pytest.raises(Forbidden):
        conversion_services.rule_create(
            actor=bank.p.hb_school.actor,
            specialty=bank.ex.specialty,
            certificate=bank.certificate,
            level="junior",
            course_name="x",
            course_category=CourseCategory.BASIC,
            credits=Decimal("1"),
        )


def test_r37_request_moves_through_each_role_and_exemptions_reach_the_account(
    bank: Bank,
) -> None:
    request, _learner, outcome = bank.requested()
    p = bank.p
    with pytest.raises(Forbidden):  # the school's admin is academic affairs, not the department
        conversion_services.request_move(
            actor=p.gd_school.actor, request=request, action="department_approve"
        )
    with pytest.raises(Forbidden):
        conversion_services.request_move(
            actor=bank.staff.actor, request=request, action="academic_approve"
        )
    recognised = _recognise(bank, request)
    assert recognised.status == RequestStatus.RECOGNISED  # type: ignore[attr-defined]
    exemption = ConversionExemption.objects.get(request=request)
    assert exemption.course_name == "物流基础"
    summary = account_summary(outcome.account)
    assert summary.exempted_credits == Decimal("3")
    steps = [e.action for e in request.events.all()]
    assert steps == ["submit", "department_approve", "academic_approve", "org_check", "recognise"]
    rows = conversion_report(actor=p.bank.actor, by="school")
    assert rows[0].recognised == 1 and rows[0].credits == Decimal("3")


def test_a_return_needs_a_reason_and_the_learner_resubmits(bank: Bank) -> None:
    request, learner, _outcome = bank.requested()
    with pytest.raises(InvalidInput):
        conversion_services.request_move(actor=bank.staff.actor, request=request, action="return")
    returned = conversion_services.request_move(
        actor=bank.staff.actor, request=request, action="return", reason="材料不全"
    )
    assert returned.status == RequestStatus.RETURNED
    again = conversion_services.request_move(
        actor=learner.actor, request=request, action="resubmit"
    )
    assert again.status == RequestStatus.SUBMITTED


def test_r44_a_certificate_without_platform_exam_cannot_be_converted(bank: Bank) -> None:
    bank.plan(credits="6")
    bank.rule()
    issued = bank.entered()
    outcome = issued.learning_outcome
    learner = bank.p.learner
    account = outcome.account
    account.learner_unit = learner.unit
    account.save()
    with pytest.raises(RuleViolation) as refused:
        conversion_services.request_submit(
            actor=learner.actor, outcome=outcome, specialty=bank.ex.specialty
        )
    assert refused.value.rule == "R44"


def test_r44_revocation_suspends_the_exemptions_and_blocks_recognition(bank: Bank) -> None:
    request, _learner, outcome = bank.requested()
    for persona, action in (
        (bank.staff, "department_approve"),
        (bank.p.gd_school, "academic_approve"),
        (bank.p.org, "org_check"),
    ):
        request = conversion_services.request_move(
            actor=persona.actor, request=request, action=action
        )
    with bank.capture(execute=True):
        certificate_revoke(
            actor=bank.p.org.actor, certificate=outcome.issued_certificate, reason="替考"
        )
    with pytest.raises(RuleViolation) as refused:
        conversion_services.request_move(
            actor=bank.p.bank.actor, request=request, action="recognise"
        )
    assert refused.value.rule == "R44"


def test_recognised_exemptions_are_suspended_with_the_certificate(bank: Bank) -> None:
    request, _learner, outcome = bank.requested()
    _recognise(bank, request)
    with bank.capture(execute=True):
        certificate_revoke(
            actor=bank.p.org.actor, certificate=outcome.issued_certificate, reason="替考"
        )
    summary = account_summary(outcome.account)
    assert summary.exempted_credits == 0
    assert summary.credits == 0
    assert ConversionExemption.objects.filter(request=request).exists()  # history kept


def test_outsiders_get_404_and_pages_render_for_each_actor(bank: Bank) -> None:
    request, learner, outcome = bank.requested()
    for persona in (bank.p.hb_school, bank.p.learner, bank.p.gd):
        if persona is bank.p.gd:
            continue  # Guangdong sees its schools' requests
        client = client_for(persona)
        assert client.get(f"/creditbank/requests/{request.pk}/").status_code == 404
        assert client.get(f"/api/v1/creditbank/requests/{request.pk}").status_code == 404
        assert client.get(f"/api/v1/creditbank/accounts/{outcome.account_id}").status_code == 404
    mine = client_for(learner)
    page = mine.get("/creditbank/")
    assert page.status_code == 200
    assert "物流管理" in page.content.decode()
    summary = mine.get("/api/v1/creditbank/account").json()["summary"]
    assert Decimal(summary["credits"]) == Decimal("6")
    for persona in (bank.p.bank, bank.p.gd_school, bank.p.org, bank.p.gd):
        client = client_for(persona)
        for url in (
            "/creditbank/requests/",
            "/creditbank/requests/?format=xlsx",
            "/creditbank/rules/",
            "/creditbank/rules/?format=xlsx",
            "/creditbank/report/?by=province",
            "/creditbank/report/?format=xlsx",
            f"/creditbank/requests/{request.pk}/",
        ):
            assert client.get(url).status_code == 200, (persona.user.username, url)
    for persona in (bank.p.bank, bank.p.gd_school):
        client = client_for(persona)
        assert client.get("/creditbank/accounts/").status_code == 200
        assert client.get(f"/creditbank/accounts/{outcome.account_id}/").status_code == 200


def test_learner_submits_a_request_through_the_api(bank: Bank) -> None:
    bank.plan()
    bank.rule()
    issued, candidate = bank.examined()
    learner = bank.learner_for(candidate)
    response = client_for(learner).post(
        "/api/v1/creditbank/requests",
        {"outcome_id": issued.learning_outcome.pk, "specialty_id": bank.ex.specialty.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["moves"] == ["withdraw"]


def test_request_workflow_table_api_and_page_agree(bank: Bank) -> None:
    request, _learner, _outcome = bank.requested()
    url = f"/api/v1/creditbank/requests/{request.pk}"
    page = f"/creditbank/requests/{request.pk}/"
    seen = assert_same_moves(
        workflow=CONVERSION_REQUEST, obj=request, personas=bank.p, api_url=url, page_url=page
    )
    assert seen["gd_school_staff"] == {"department_approve", "return"}
    assert seen["gd_school"] == set()
    request = conversion_services.request_move(
        actor=bank.staff.actor, request=request, action="department_approve"
    )
    seen = assert_same_moves(
        workflow=CONVERSION_REQUEST, obj=request, personas=bank.p, api_url=url, page_url=page
    )
    assert seen["gd_school"] == {"academic_approve", "return"}


def test_plan_workflow_table_api_and_page_agree(bank: Bank) -> None:
    plan = bank.plan(approve=False)
    seen = assert_same_moves(
        workflow=CREDIT_PLAN,
        obj=plan,
        personas=bank.p,
        api_url=f"/api/v1/creditbank/plans/{plan.pk}",
        page_url=f"/creditbank/plans/{plan.pk}/",
    )
    assert seen["bank"] == {"approve", "return"}
    assert seen["ministry"] == set()


def test_outcomes_move_only_with_their_certificate(bank: Bank) -> None:
    issued, _candidate = bank.examined()
    outcome = issued.learning_outcome
    assert LEARNING_OUTCOME.allowed_actions(outcome, bank.p.bank.actor) == []
    with pytest.raises(Forbidden):
        perform(
            LEARNING_OUTCOME, actor=bank.p.bank.actor, obj=outcome, action="suspend", reason="x"
        )
