"""Learning accounts and outcomes (R37, R44): certificates enter on commit, one account per
person, claims, course outcomes and their import."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from onex.certificates.services.status import (
    certificate_reinstate,
    certificate_revoke,
    certificate_suspend,
)
from onex.core.errors import Forbidden, InvalidInput, RuleViolation
from onex.creditbank import shell as creditbank_shell
from onex.creditbank.models import (
    AccountOpenedVia,
    LearningAccount,
    LearningOutcome,
    OutcomeStatus,
)
from onex.creditbank.selectors import account_summary
from onex.creditbank.services import accounts as account_services
from onex.creditbank.services.accounts import outcomes_sync
from tests.factories_assessment import make_id
from tests.factories_creditbank import Bank, client_for


def test_r44_platform_certificate_enters_the_account_on_commit_with_plan_credits(
    bank: Bank,
) -> None:
    bank.plan(credits="6")
    issued, candidate = bank.examined()
    outcome = LearningOutcome.objects.get(issued_certificate=issued)
    assert outcome.creditable is True
    assert outcome.credits == Decimal("6")
    account = outcome.account
    assert account.opened_via == AccountOpenedVia.OUTCOME
    assert account.holder_name == candidate.name
    assert account.id_number_hash == issued.id_number_hash
    assert account_summary(account).credits == Decimal("6")


def test_r44_certificate_entered_without_exam_is_shown_but_never_credited(bank: Bank) -> None:
    bank.plan(credits="6")
    issued = bank.entered()
    outcome = LearningOutcome.objects.get(issued_certificate=issued)
    assert outcome.creditable is False
    assert outcome.credits == 0
    assert outcome.events.get().reason  # the timeline says why (R44)


def test_r16_credits_apply_only_from_the_approval_on(bank: Bank) -> None:
    issued, _candidate = bank.examined()  # before any plan: recorded without credits
    outcome = LearningOutcome.objects.get(issued_certificate=issued)
    assert outcome.credits == 0
    bank.plan(credits="5")  # approved yesterday: the outcome (issued today) is credited now
    outcome.refresh_from_db()
    assert outcome.credits == Decimal("5")
    assert outcome.credit_plan is not None


def test_r44_revocation_suspends_the_outcome_and_its_credits_history_kept(bank: Bank) -> None:
    bank.plan(credits="6")
    issued, _candidate = bank.examined()
    with bank.capture(execute=True):
        certificate_suspend(actor=bank.p.org.actor, certificate=issued, reason="复核")
    outcome = LearningOutcome.objects.get(issued_certificate=issued)
    assert outcome.status == OutcomeStatus.SUSPENDED
    assert account_summary(outcome.account).credits == 0
    assert account_summary(outcome.account).suspended_credits == Decimal("6")
    with bank.capture(execute=True):
        certificate_reinstate(actor=bank.p.org.actor, certificate=issued, reason="复核无误")
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.ACTIVE
    with bank.capture(execute=True):
        certificate_revoke(actor=bank.p.org.actor, certificate=issued, reason="替考")
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.SUSPENDED
    assert "替考" in outcome.status_reason
    steps = list(outcome.events.values_list("action", flat=True))
    assert steps == ["record", "suspend", "reinstate", "suspend"]


def test_periodic_sync_enters_missed_certificates_and_aligns_status(bank: Bank) -> None:
    bank.examined()
    LearningOutcome.objects.all().delete()
    assert outcomes_sync() == {"created": 1, "aligned": 0}
    assert outcomes_sync() == {"created": 0, "aligned": 0}


def test_one_account_per_person_is_a_database_constraint(bank: Bank) -> None:
    issued, _candidate = bank.examined()
    account = bank.account_of(issued)
    duplicate = LearningAccount(
        holder_name="x", opened_via=AccountOpenedVia.LEARNER, id_number_hash=account.id_number_hash
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_a_learner_claims_the_account_their_certificate_opened(bank: Bank) -> None:
    issued, candidate = bank.examined()
    learner = bank.learner_for(candidate)
    account = bank.account_of(issued)
    assert account.learner_unit_id == learner.unit.pk


def test_a_claim_with_the_wrong_name_is_refused_without_saying_why(bank: Bank) -> None:
    issued, candidate = bank.examined()
    serial = int(candidate.name.removeprefix("学生"))
    with pytest.raises(InvalidInput):
        account_services.account_claim(
            actor=bank.p.learner.actor, name="别人", id_type="resident", id_number=make_id(serial)
        )
    assert bank.account_of(issued).learner_unit_id is None


def test_a_learner_without_outcomes_opens_an_account(bank: Bank) -> None:
    account = account_services.account_claim(
        actor=bank.p.learner.actor, name="张三", id_type="resident", id_number=make_id(777)
    )
    assert account.opened_via == AccountOpenedVia.LEARNER
    with pytest.raises(Forbidden):
        account_services.account_claim(
            actor=bank.p.gd_school.actor, name="张三", id_type="resident", id_number=make_id(778)
        )


def test_r37_school_records_course_outcomes_of_its_own_students_only(bank: Bank) -> None:
    student = bank.ex.student()
    serial = int(student.name.removeprefix("学生"))
    outcome = account_services.course_outcome_record(
        actor=bank.p.gd_school.actor,
        school=bank.p.gd_school_obj,
        name=student.name,
        id_type="resident",
        id_number=make_id(serial),
        course="物流基础",
        credits=Decimal("3"),
        score=Decimal("88"),
        term="2024-2025-1",
    )
    assert outcome.credits == Decimal("3")
    assert account_summary(outcome.account).credits == Decimal("3")
    with pytest.raises(RuleViolation) as refused:
        account_services.course_outcome_record(
            actor=bank.p.gd_school.actor,
            school=bank.p.gd_school_obj,
            name="路人",
            id_type="resident",
            id_number=make_id(4321),
            course="物流基础",
            credits=Decimal("3"),
            score=None,
            term="2024-2025-1",
        )
    assert refused.value.rule == "R37"
    with pytest.raises(Forbidden):
        account_services.course_outcome_record(
            actor=bank.p.hb_school.actor,
            school=bank.p.gd_school_obj,
            name=student.name,
            id_type="resident",
            id_number=make_id(serial),
            course="x",
            credits=Decimal("1"),
            score=None,
            term="t",
        )


def test_a_failing_listener_never_fails_the_issue_and_the_sync_catches_up(
    bank: Bank, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*, certificate: object) -> None:
        raise RuntimeError("credit bank down")

    monkeypatch.setattr(creditbank_shell, "outcome_from_certificate", broken)
    issued, _candidate = bank.examined()
    assert not LearningOutcome.objects.filter(issued_certificate=issued).exists()
    monkeypatch.undo()
    assert outcomes_sync()["created"] == 1
    assert LearningOutcome.objects.filter(issued_certificate=issued).exists()


def test_learner_portal_claims_through_the_page_and_the_api(bank: Bank) -> None:
    client = client_for(bank.p.learner)
    page = client.get("/creditbank/")
    assert page.status_code == 200 and 'name="claim"' in page.content.decode()
    assert client.get("/api/v1/creditbank/account").status_code == 404
    response = client.post(
        "/api/v1/creditbank/account/claim",
        {"name": "张三", "id_type": "resident", "id_number": make_id(901)},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert client.get("/api/v1/creditbank/account").status_code == 200
    assert client_for(bank.p.gd_school).get("/creditbank/").status_code == 403


def test_school_records_one_course_outcome_on_the_accounts_page(bank: Bank) -> None:
    student = bank.ex.student()
    serial = int(student.name.removeprefix("学生"))
    client = client_for(bank.p.gd_school)
    form = {
        "name": student.name,
        "id_type": "resident",
        "id_number": make_id(serial),
        "course": "物流基础",
        "credits": "3",
        "score": "90",
        "term": "2024-2025-1",
    }
    response = client.post("/creditbank/accounts/", form)
    assert response.status_code == 302
    assert LearningOutcome.objects.filter(course_name="物流基础").count() == 1
    refused = client.post("/creditbank/accounts/", {**form, "id_number": make_id(3333)})
    assert refused.status_code == 422
    assert "R37" in refused.content.decode()
    assert client_for(bank.p.org).get("/creditbank/accounts/").status_code == 200
