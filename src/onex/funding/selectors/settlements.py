"""R29: completed exams and whether their school-paid fees were settled by the deadline.

What "settled" means here: a completed exam (a plan held or later, ``EXAM_TAKEN_STATUSES``) owes
its org the fees of every registration the school pays for (``fee_payer = school``, not
withdrawn). The school records a ``Settlement`` with the amount paid; it counts as settled once
the org confirms it (the payer is not the one who can tell the money arrived, the same rule as
``registration_pay``). The deadline is the policy date ``r29.settlement_deadline`` in force on
the exam date in the school's province (platform default: 31 December of the exam's year); a
profile date earlier than the exam itself gives way to the end of the exam's year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from onex.assessment.models.exams import (
    EXAM_TAKEN_STATUSES,
    ExamPlan,
    FeePayer,
    Registration,
    RegistrationStatus,
)
from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.policy import policy_value
from onex.core.registry import year_end
from onex.core.scoping import fetch
from onex.funding.models import (
    ZERO,
    Allocation,
    AllocationStatus,
    Settlement,
    SettlementStatus,
)
from onex.geo.models import Division
from onex.pilots.models import School

DEADLINE_KEY = "r29.settlement_deadline"


def settlement_scope(*, actor: Actor) -> QuerySet[Settlement]:
    """National all; province its schools'; city its city's schools'; school own; org its own."""
    extra = [(UnitKind.ORG, Q(org__unit=actor.unit_id))]
    return Settlement.objects.filter(
        actor.region_q(province="province", city="school__city", unit="school__unit", extra=extra)
    ).select_related("plan", "plan__certificate", "school", "org", "province")


def settlement_get(*, actor: Actor, pk: int) -> Settlement:
    return fetch(settlement_scope(actor=actor), pk=pk)


def settlement_deadline(*, province: Division, exam_date: dt.date) -> dt.date:
    """The date by which the fees of an exam held on ``exam_date`` must be settled (R29)."""
    value = policy_value(DEADLINE_KEY, province=province, on=exam_date)
    if not isinstance(value, dt.date) or value < exam_date:
        return year_end(exam_date)
    return value


@dataclass(frozen=True)
class SettlementDue:
    """One completed exam's fees one school owes one org."""

    plan: ExamPlan
    school: School
    registrations: int
    amount_due: Decimal
    deadline: dt.date
    settlement: Settlement | None

    @property
    def settled(self) -> bool:
        return self.settlement is not None and self.settlement.status == SettlementStatus.CONFIRMED

    @property
    def settled_on_time(self) -> bool:
        return (
            self.settled
            and self.settlement is not None
            and (self.settlement.settled_on <= self.deadline)
        )

    def overdue(self, today: dt.date) -> bool:
        return not self.settled and today > self.deadline


def _due_registrations(actor: Actor) -> QuerySet[Registration]:
    extra = [(UnitKind.ORG, Q(plan__org__unit=actor.unit_id))]
    return Registration.objects.filter(
        actor.region_q(
            province="school__province", city="school__city", unit="school__unit", extra=extra
        ),
        school__isnull=False,
        fee_payer=FeePayer.SCHOOL,
        status=RegistrationStatus.REGISTERED,
        plan__status__in=EXAM_TAKEN_STATUSES,
    )


def settlements_due(
    *,
    actor: Actor,
    school_ids: Iterable[int] | None = None,
    province: Division | None = None,
    q: str = "",
) -> list[SettlementDue]:
    """Every completed exam with school-paid fees the actor may see, with its settlement."""
    regs = _due_registrations(actor)
    if school_ids is not None:
        regs = regs.filter(school_id__in=list(school_ids))
    if province is not None:
        regs = regs.filter(school__province=province)
    if q:
        q = q.strip()
        regs = regs.filter(
            Q(plan__title__icontains=q)
            | Q(school__name__icontains=q)
            | Q(plan__org__name__icontains=q)
        )
    rows = list(
        regs.values("plan_id", "school_id")
        .annotate(n=Count("pk"), due=Sum("fee_amount"))
        .order_by("plan_id", "school_id")
    )
    plans = ExamPlan.objects.select_related("org", "certificate", "province").in_bulk(
        {r["plan_id"] for r in rows}
    )
    schools = School.objects.select_related("province").in_bulk({r["school_id"] for r in rows})
    settlements = {
        (s.plan_id, s.school_id): s
        for s in Settlement.objects.filter(plan_id__in=plans.keys(), school_id__in=schools.keys())
    }
    deadlines: dict[tuple[int, dt.date], dt.date] = {}
    out: list[SettlementDue] = []
    for r in rows:
        plan, school = plans[r["plan_id"]], schools[r["school_id"]]
        key = (school.province_id, plan.exam_date)
        if key not in deadlines:
            deadlines[key] = settlement_deadline(province=school.province, exam_date=plan.exam_date)
        out.append(
            SettlementDue(
                plan=plan,
                school=school,
                registrations=int(r["n"]),
                amount_due=(r["due"] or ZERO).quantize(ZERO),
                deadline=deadlines[key],
                settlement=settlements.get((plan.pk, school.pk)),
            )
        )
    out.sort(key=lambda d: (d.deadline, d.plan.exam_date, d.school.name))
    return out


def unsettled_overdue(
    *, actor: Actor, today: dt.date | None = None, province: Division | None = None
) -> list[SettlementDue]:
    """R29: completed exams whose fees were not settled by the deadline."""
    today = today or timezone.localdate()
    return [d for d in settlements_due(actor=actor, province=province) if d.overdue(today)]


def settlement_due_for(*, actor: Actor, plan_id: int, school: School) -> SettlementDue | None:
    """The fees ``school`` owes for the completed exam ``plan_id``, or None."""
    for due in settlements_due(actor=actor, school_ids=[school.pk]):
        if due.plan.pk == plan_id:
            return due
    return None


# --- the compliance figure the supervision side reads ------------------------------------------

ONE = Decimal("1.0000")
_PLACES = Decimal("0.0001")


def school_funds_compliance(
    *, school_ids: Iterable[int], start: dt.date, end: dt.date
) -> dict[int, Decimal]:
    """Per school, a funds-compliance ratio in [0, 1] for the period [start, end].

    The share of the school's completed-exam settlements falling due in the period (deadline
    within it) that were confirmed as settled by their deadline (R29); 1 when none fell due.
    A school whose special funds are marked for recovery or recovered (R41) scores 0.
    Read with the platform's reach (``Actor.system``): the caller scopes the schools.
    """
    ids = list(school_ids)
    system = Actor.system()
    result = dict.fromkeys(ids, ONE)
    due_in_period: dict[int, list[SettlementDue]] = {i: [] for i in ids}
    for due in settlements_due(actor=system, school_ids=ids):
        if start <= due.deadline <= end:
            due_in_period[due.school.pk].append(due)
    for school_id, dues in due_in_period.items():
        if dues:
            on_time = sum(1 for d in dues if d.settled_on_time)
            result[school_id] = (Decimal(on_time) / Decimal(len(dues))).quantize(_PLACES)
    recovering = Allocation.objects.filter(
        school_id__in=ids,
        status__in=(AllocationStatus.FOR_RECOVERY, AllocationStatus.RECOVERED),
    ).values_list("school_id", flat=True)
    for school_id in set(recovering):
        result[school_id] = Decimal("0.0000")
    return result
