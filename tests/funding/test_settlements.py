"""R29: completed exams' school-paid fees are settled by the deadline; the supervision side reads
a per-school funds-compliance figure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from onex.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from onex.core.models import PolicyScope
from onex.core.policy import policy_value_set
from onex.funding.models import FundSource, SettlementStatus
from onex.funding.selectors.settlements import (
    school_funds_compliance,
    settlement_deadline,
    settlements_due,
    unsettled_overdue,
)
from onex.funding.services import funds as fund_services
from onex.funding.services import settlements as settlement_services
from tests.factories_assessment import FEE, Exams
from tests.factories_funding import allocate, held_exam
from tests.personas import division

pytestmark = pytest.mark.django_db


def test_r29_a_completed_exam_not_settled_by_the_deadline_is_listed(ex: Exams) -> None:
    p = ex.p
    plan = held_exam(ex, 2, days_ago=400)  # held more than a year ago: past 31 December
    [due] = settlements_due(actor=p.gd.actor)
    assert due.amount_due == FEE * 2 and due.registrations == 2
    assert due.deadline == dt.date(plan.exam_date.year, 12, 31)
    assert [d.plan for d in unsettled_overdue(actor=p.gd.actor)] == [plan]
    assert [d.plan for d in unsettled_overdue(actor=p.gd_school.actor)] == [plan]
    assert [d.plan for d in unsettled_overdue(actor=p.org.actor)] == [plan]
    assert unsettled_overdue(actor=p.hb.actor) == []
    assert unsettled_overdue(actor=p.hb_school.actor) == []

    # Recorded by the school is not yet settled: only the org's confirmation settles it.
    settlement = settlement_services.settlement_record(
        actor=p.gd_school.actor,
        school=p.gd_school_obj,
        plan=plan,
        amount=FEE * 2,
        settled_on=timezone.localdate(),
    )
    assert [d.plan for d in unsettled_overdue(actor=p.gd.actor)] == [plan]
    settlement_services.settlement_confirm(actor=p.org.actor, settlement=settlement)
    assert unsettled_overdue(actor=p.gd.actor) == []


def test_r29_an_exam_not_yet_past_its_deadline_is_not_overdue(ex: Exams) -> None:
    plan = held_exam(ex, 1)
    [due] = settlements_due(actor=ex.p.gd.actor)
    assert due.plan == plan and not due.settled
    assert not due.overdue(plan.exam_date)
    assert due.overdue(due.deadline + dt.timedelta(days=1))


def test_r29_the_province_profile_sets_the_deadline(ex: Exams) -> None:
    plan = held_exam(ex, 1, days_ago=30)
    own_date = plan.exam_date + dt.timedelta(days=10)
    policy_value_set(
        actor=ex.p.gd.actor,
        key="r29.settlement_deadline",
        value=own_date.isoformat(),
        scope=PolicyScope.PROVINCE,
        province=division("440000"),
        effective_from=plan.exam_date - dt.timedelta(days=1),
    )
    assert settlement_deadline(province=division("440000"), exam_date=plan.exam_date) == own_date
    assert [d.plan for d in unsettled_overdue(actor=ex.p.gd.actor)] == [plan]
    # A profile date before the exam itself gives way to the end of the exam's year.
    early = plan.exam_date - dt.timedelta(days=1)
    assert settlement_deadline(province=division("420000"), exam_date=early) == dt.date(
        early.year, 12, 31
    )


def test_r29_only_the_org_confirms_and_only_the_paying_school_records(ex: Exams) -> None:
    p = ex.p
    plan = held_exam(ex, 1)
    with pytest.raises(Forbidden):
        settlement_services.settlement_record(
            actor=p.gd.actor,
            school=p.gd_school_obj,
            plan=plan,
            amount=FEE,
            settled_on=timezone.localdate(),
        )
    with pytest.raises(NotFound):  # Hubei's school owes nothing for this plan
        settlement_services.settlement_record(
            actor=p.hb_school.actor,
            school=p.hb_school_obj,
            plan=plan,
            amount=FEE,
            settled_on=timezone.localdate(),
        )
    with pytest.raises(InvalidInput) as short:
        settlement_services.settlement_record(
            actor=p.gd_school.actor,
            school=p.gd_school_obj,
            plan=plan,
            amount=Decimal("1.00"),
            settled_on=timezone.localdate(),
        )
    assert short.value.field == "note"
    settlement = settlement_services.settlement_record(
        actor=p.gd_school.actor,
        school=p.gd_school_obj,
        plan=plan,
        amount=FEE,
        settled_on=timezone.localdate(),
    )
    with pytest.raises(Conflict):
        settlement_services.settlement_record(
            actor=p.gd_school.actor,
            school=p.gd_school_obj,
            plan=plan,
            amount=FEE,
            settled_on=timezone.localdate(),
        )
    with pytest.raises(Forbidden):
        settlement_services.settlement_confirm(actor=p.gd_school.actor, settlement=settlement)
    with pytest.raises(Forbidden):
        settlement_services.settlement_confirm(actor=p.gd.actor, settlement=settlement)
    disputed = settlement_services.settlement_dispute(
        actor=p.org.actor, settlement=settlement, reason="未收到款项"
    )
    assert disputed.status == SettlementStatus.DISPUTED
    again = settlement_services.settlement_resubmit(
        actor=p.gd_school.actor,
        settlement=settlement,
        amount=FEE,
        settled_on=timezone.localdate(),
        note="已补付",
    )
    assert again.status == SettlementStatus.RECORDED
    done = settlement_services.settlement_confirm(actor=p.org.actor, settlement=settlement)
    assert done.status == SettlementStatus.CONFIRMED and done.confirmed_at is not None


def test_school_funds_compliance_for_the_supervision_side(ex: Exams) -> None:
    p = ex.p
    late = held_exam(ex, 1, days_ago=400)
    start = dt.date(late.exam_date.year, 1, 1)
    end = dt.date(late.exam_date.year, 12, 31)
    gd, sz, hb = p.gd_school_obj.pk, p.sz_school_obj.pk, p.hb_school_obj.pk
    figures = school_funds_compliance(school_ids=[gd, sz, hb], start=start, end=end)
    assert figures == {gd: Decimal("0.0000"), sz: Decimal("1.0000"), hb: Decimal("1.0000")}
    assert all(isinstance(v, Decimal) for v in figures.values())
    settlement = settlement_services.settlement_record(
        actor=p.gd_school.actor,
        school=p.gd_school_obj,
        plan=late,
        amount=FEE,
        settled_on=late.exam_date + dt.timedelta(days=5),
    )
    settlement_services.settlement_confirm(actor=p.org.actor, settlement=settlement)
    assert school_funds_compliance(school_ids=[gd], start=start, end=end) == {gd: Decimal("1.0000")}
    # R41: special funds marked for recovery make the school non-compliant.
    allocate(p, school=p.hb_school_obj, source=FundSource.PROVINCIAL_SPECIAL)
    fund_services.school_special_funds_mark_for_recovery(
        actor=p.hb.actor, school=p.hb_school_obj, reason="取消试点资格"
    )
    assert school_funds_compliance(school_ids=[hb], start=start, end=end) == {hb: Decimal("0.0000")}
