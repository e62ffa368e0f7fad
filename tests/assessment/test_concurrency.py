"""Counters and capacities of assessment under concurrent writers (PostgreSQL row locks):
admission ticket numbers, seats, double submits, and fee decisions racing each other.
Each asserts no duplicate, no gap, no over-booking and no lost update."""

from __future__ import annotations

import pytest

from onex.assessment.models import (
    Candidate,
    ExamPlan,
    FeeEvent,
    FeeVersion,
    Registration,
    RegistrationStatus,
    TicketSequence,
)
from onex.assessment.selectors.exams import ticket_prefix
from onex.assessment.services import exams as exam_services
from onex.assessment.services import fees as fee_services
from onex.catalog.models import Level
from onex.core.models import AuditEvent, Role
from tests.factories_assessment import Exams
from tests.factories_assessment_sites import build_world
from tests.personas import Personas, division, make_user
from tests.race import outcomes, race, require_postgresql

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _register(ex: Exams, plan_pk: int, students: list[Candidate]) -> list[Registration]:
    plan = ExamPlan.objects.get(pk=plan_pk)
    return exam_services.registration_register_students(
        actor=ex.p.gd_school.actor, plan=plan, candidates=students
    )


def test_ticket_numbers_of_plans_sharing_a_prefix_have_no_duplicate_and_no_gap(
    ex: Exams,
) -> None:
    require_postgresql()
    plans = [ex.plan(capacity=50), ex.plan(capacity=50, title="第二场")]
    prefix = ticket_prefix(plans[0])
    assert ticket_prefix(plans[1]) == prefix
    workers, batch = 8, 3
    students = [[ex.student() for _ in range(batch)] for _ in range(workers)]

    results = race(workers, lambda i: _register(ex, plans[i % 2].pk, students[i]))

    assert outcomes(results) == ["ok"] * workers
    tickets = sorted(Registration.objects.values_list("ticket_number", flat=True))
    assert tickets == [f"{prefix}{n:05d}" for n in range(1, workers * batch + 1)]
    assert TicketSequence.objects.get(prefix=prefix).last == workers * batch


def test_batches_racing_for_the_last_seats_never_overbook(ex: Exams) -> None:
    require_postgresql()
    plan = ex.plan(capacity=10)
    students = [[ex.student() for _ in range(3)] for _ in range(6)]

    results = race(6, lambda i: _register(ex, plan.pk, students[i]))

    assert outcomes(results) == ["Conflict"] * 3 + ["ok"] * 3  # 3 batches of 3 fit in 10
    registered = Registration.objects.filter(plan=plan, status=RegistrationStatus.REGISTERED)
    assert registered.count() == 9
    assert AuditEvent.objects.filter(action="assessment.registration_create").count() == 9


def test_the_same_registration_submitted_four_times_at_once_registers_once(ex: Exams) -> None:
    require_postgresql()
    plan = ex.plan(capacity=30)
    pair = [ex.student(), ex.student()]

    results = race(4, lambda i: _register(ex, plan.pk, pair))

    assert outcomes(results) == ["Conflict"] * 3 + ["ok"]
    prefix = ticket_prefix(plan)
    tickets = sorted(Registration.objects.values_list("ticket_number", flat=True))
    assert tickets == [f"{prefix}00001", f"{prefix}00002"]  # the losers used no number


def test_two_provincial_staff_deciding_one_fee_proposal_at_once_one_wins(
    personas: Personas,
) -> None:
    require_postgresql()
    world = build_world(personas)
    version = fee_services.fee_propose(
        actor=personas.org.actor,
        province=division("440000"),
        certificate=world.certificate,
        level=Level.JUNIOR,
        amount="260",
    )
    second = make_user("gd-staff-2", personas.gd.unit, Role.STAFF)
    deciders = [personas.gd.actor, second.actor] * 3

    def decide(i: int) -> FeeVersion:
        copy = FeeVersion.objects.get(pk=version.pk)
        if i % 2:
            return fee_services.fee_return(actor=deciders[i], version=copy, reason="请补充测算")
        return fee_services.fee_approve(actor=deciders[i], version=copy)

    results = race(6, decide)

    assert outcomes(results) == ["Conflict"] * 5 + ["ok"]
    version.refresh_from_db()
    assert version.status in ("approved", "returned")
    assert FeeEvent.objects.filter(version=version, action__in=("approve", "return")).count() == 1
    decisions = AuditEvent.objects.filter(
        target_id=str(version.pk), action__in=("assessment.fee.approve", "assessment.fee.return")
    )
    assert decisions.count() == 1


def test_the_same_fee_proposal_submitted_four_times_at_once_makes_one_version(
    personas: Personas,
) -> None:
    require_postgresql()
    world = build_world(personas)

    def propose(i: int) -> FeeVersion:
        return fee_services.fee_propose(
            actor=personas.org.actor,
            province=division("440000"),
            certificate=world.certificate,
            level=Level.JUNIOR,
            amount="260",
        )

    results = race(4, propose)

    assert outcomes(results) == ["Conflict"] * 3 + ["ok"]
    assert list(FeeVersion.objects.values_list("number", flat=True)) == [1]
