"""Credit recording plans (学分记录建议方案, R16).

The certificate's org proposes one plan per level within the profile's months of the
certificate's publication (``r16.credit_plan_months``, 1 by default); a late plan is still
accepted, and marked late. The national credit bank approves it (its credits apply to outcomes
achieved from the approval date on) or returns it with reasons. Overdue plans are listed, the
org sees a to-do, and a daily task records a reminder for each (``plan_reminders_send``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.catalog.models import Certificate, Level, Org
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import Conflict, InvalidInput, RuleViolation
from onex.core.models import UnitKind
from onex.core.workflows import perform
from onex.creditbank.models import (
    CreditPlan,
    CreditPlanEvent,
    LearningOutcome,
    OutcomeKind,
    PlanReminder,
)
from onex.creditbank.selectors import overdue_plans, plan_due_on
from onex.creditbank.workflows import CREDIT_PLAN

PLAN_CREDITS_MAX = Decimal("30")
TEXT_MAX = 2000


def _clean(credits: Decimal, outcome_description: str, course_categories: str) -> dict[str, object]:
    if credits <= 0 or credits > PLAN_CREDITS_MAX:
        raise InvalidInput(_("建议学分应大于 0 且不超过 30。"), field="credits")
    if credits != credits.quantize(Decimal("0.1")):
        raise InvalidInput(_("学分最多保留 1 位小数。"), field="credits")
    description = (outcome_description or "").strip()
    categories = (course_categories or "").strip()
    if not description or len(description) > TEXT_MAX:
        raise InvalidInput(
            _("请填写学习成果描述（不超过 2000 个字符）。"), field="outcome_description"
        )
    if not categories or len(categories) > TEXT_MAX:
        raise InvalidInput(
            _("请填写建议对应的课程类别（不超过 2000 个字符）。"), field="course_categories"
        )
    return {
        "credits": credits,
        "outcome_description": description,
        "course_categories": categories,
    }


def plan_create(
    *,
    actor: Actor,
    certificate: Certificate,
    level: str,
    credits: Decimal,
    outcome_description: str,
    course_categories: str,
) -> CreditPlan:
    """The certificate's org drafts its plan for one level (R16)."""
    actor.require(
        actor.kind == UnitKind.ORG and certificate.org.unit_id == actor.unit_id,
        _("只有证书所属的培训评价组织可以提出学分记录建议方案。"),
    )
    actor.require_write()
    if level not in Level.values or not certificate.levels.filter(level=level).exists():
        raise InvalidInput(_("该证书没有这个等级。"), field="level")
    values = _clean(credits, outcome_description, course_categories)
    plan = CreditPlan(
        certificate=certificate,
        level=level,
        org=certificate.org,
        due_on=plan_due_on(certificate),
        created_by=actor.user,
        **values,
    )
    try:
        with transaction.atomic():
            plan.save()
            CreditPlanEvent.record(
                actor=actor, plan=plan, action="create", from_status="", to_status=plan.status
            )
            audit_record(
                actor=actor,
                action="creditbank.plan.create",
                target=plan,
                new={k: str(v) for k, v in values.items()},
            )
    except IntegrityError:
        raise Conflict(_("该证书等级已有学分记录建议方案，请在原方案上修改。")) from None
    return plan


def plan_edit(
    *,
    actor: Actor,
    plan: CreditPlan,
    credits: Decimal,
    outcome_description: str,
    course_categories: str,
) -> CreditPlan:
    values = _clean(credits, outcome_description, course_categories)
    return perform(CREDIT_PLAN, actor=actor, obj=plan, action="edit", changes=values)


def plan_submit(*, actor: Actor, plan: CreditPlan, today: dt.date | None = None) -> CreditPlan:
    """R16: submitted after the due date the plan is accepted and marked late."""
    today = today or timezone.localdate()
    return perform(
        CREDIT_PLAN,
        actor=actor,
        obj=plan,
        action="submit",
        changes=lambda p: {"submitted_on": today, "late": today > p.due_on},
    )


def _apply_credits(plan: CreditPlan) -> dict[str, object]:
    """Approved credits apply from the effective date on: outcomes achieved since then that
    have no plan yet (R44: creditable ones only) are credited now."""
    updated = LearningOutcome.objects.filter(
        kind=OutcomeKind.CERTIFICATE,
        certificate_id=plan.certificate_id,
        level=plan.level,
        creditable=True,
        credit_plan__isnull=True,
        achieved_on__gte=plan.effective_from,
    ).update(credit_plan=plan, credits=plan.credits)
    return {"outcomes_credited": updated}


def plan_approve(
    *, actor: Actor, plan: CreditPlan, reason: str = "", today: dt.date | None = None
) -> CreditPlan:
    effective = today or timezone.localdate()

    def check(locked: CreditPlan) -> None:
        if locked.submitted_on is None:
            raise RuleViolation("R16", _("方案尚未提交，不能审核。"))

    return perform(
        CREDIT_PLAN,
        actor=actor,
        obj=plan,
        action="approve",
        reason=reason,
        check=check,
        changes={"effective_from": effective, "decision_reason": (reason or "").strip()},
        related=_apply_credits,
    )


def plan_return(*, actor: Actor, plan: CreditPlan, reason: str) -> CreditPlan:
    return perform(
        CREDIT_PLAN,
        actor=actor,
        obj=plan,
        action="return",
        reason=reason,
        changes={"decision_reason": (reason or "").strip()},
    )


def plan_move(*, actor: Actor, plan: CreditPlan, action: str, reason: str = "") -> CreditPlan:
    """The page's and API's one entry for the plan's moves other than ``edit``."""
    if action == "submit":
        return plan_submit(actor=actor, plan=plan)
    if action == "approve":
        return plan_approve(actor=actor, plan=plan, reason=reason)
    if action == "return":
        return plan_return(actor=actor, plan=plan, reason=reason)
    raise InvalidInput(_("未知的操作。"), field="action")


def plan_reminders_send(*, today: dt.date | None = None, org: Org | None = None) -> int:
    """R16: record (once a day) a reminder to the org of every overdue plan; the org's to-do
    list shows them. Returns how many reminders were recorded."""
    today = today or timezone.localdate()
    actor = Actor.system()
    sent = 0
    for item in overdue_plans(actor=actor, today=today):
        if org is not None and item.org.pk != org.pk:
            continue
        with transaction.atomic():
            _reminder, created = PlanReminder.objects.get_or_create(
                certificate=item.certificate, level=item.level, sent_on=today, org=item.org
            )
            if created:
                sent += 1
                audit_record(
                    actor=actor,
                    action="creditbank.plan.remind",
                    target=item.certificate,
                    new={"level": item.level, "due_on": item.due_on.isoformat()},
                )
    return sent
