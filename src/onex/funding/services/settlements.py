"""R29: a school records that it settled a completed exam's fees; the org confirms."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.assessment.models.exams import ExamPlan
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import Conflict, InvalidInput, NotFound
from onex.core.limits import REASON_MAX
from onex.core.models import UnitKind
from onex.core.workflows import perform
from onex.funding.models import Settlement, SettlementEvent
from onex.funding.selectors.settlements import settlement_due_for
from onex.funding.services.funds import money
from onex.funding.workflows import SETTLEMENT
from onex.pilots.models import School


def settlement_record(
    *,
    actor: Actor,
    school: School,
    plan: ExamPlan,
    amount: object,
    settled_on: dt.date,
    note: str = "",
) -> Settlement:
    """The school states that it paid the org the fees of a completed exam (R29)."""
    actor.require(
        actor.kind == UnitKind.SCHOOL and actor.unit_id == school.unit_id,
        _("只有付费的学校可以记录结算。"),
    )
    actor.require_write()
    due = settlement_due_for(actor=actor, plan_id=plan.pk, school=school)
    if due is None:
        raise NotFound(_("该考核没有本校应付的费用，或您无权查看。"))
    value = money(amount, allow_zero=True)
    if settled_on > timezone.localdate():
        raise InvalidInput(_("结算日期不能晚于今天。"), field="settled_on")
    if settled_on < plan.exam_date:
        raise InvalidInput(_("结算日期不能早于考试日期。"), field="settled_on")
    note = (note or "").strip()
    if len(note) > REASON_MAX:
        raise InvalidInput(_("不能超过 %(n)s 个字符。") % {"n": REASON_MAX}, field="note")
    if value < due.amount_due and not note:
        raise InvalidInput(
            _("结算金额低于应结金额 %(due)s 元，请说明原因。") % {"due": due.amount_due},
            field="note",
        )
    with transaction.atomic():
        if Settlement.objects.select_for_update().filter(plan=plan, school=school).exists():
            raise Conflict(_("该考核的结算已记录。"))
        settlement = Settlement.objects.create(
            plan=plan,
            school=school,
            province_id=school.province_id,
            org=plan.org,
            amount_due=due.amount_due,
            amount=value,
            settled_on=settled_on,
            note=note,
        )
        SettlementEvent.record(
            actor=actor,
            settlement=settlement,
            action="record",
            from_status="",
            to_status=settlement.status,
        )
        audit_record(
            actor=actor,
            action="funding.settlement.record",
            target=settlement,
            new={
                "plan": plan.pk,
                "school": school.pk,
                "amount_due": str(due.amount_due),
                "amount": str(value),
                "settled_on": settled_on.isoformat(),
            },
        )
    return settlement


def settlement_confirm(*, actor: Actor, settlement: Settlement) -> Settlement:
    """The org confirms the money arrived: the exam counts as settled (R29)."""
    return perform(
        SETTLEMENT,
        actor=actor,
        obj=settlement,
        action="confirm",
        changes=lambda _locked: {"confirmed_at": timezone.now()},
    )


def settlement_dispute(*, actor: Actor, settlement: Settlement, reason: str) -> Settlement:
    return perform(SETTLEMENT, actor=actor, obj=settlement, action="dispute", reason=reason)


def settlement_resubmit(
    *,
    actor: Actor,
    settlement: Settlement,
    amount: object,
    settled_on: dt.date,
    note: str = "",
) -> Settlement:
    value = money(amount, allow_zero=True)
    if settled_on > timezone.localdate():
        raise InvalidInput(_("结算日期不能晚于今天。"), field="settled_on")
    note = (note or "").strip()[:REASON_MAX]
    return perform(
        SETTLEMENT,
        actor=actor,
        obj=settlement,
        action="resubmit",
        reason=note,
        changes={"amount": value, "settled_on": settled_on, "note": note},
    )
