"""What the exam workflows offer an actor now, and the timelines they leave behind."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from onex.assessment.models import (
    ExamPlan,
    Objection,
    ObjectionEvent,
    PlanStatus,
    Registration,
)
from onex.assessment.workflows import EXEMPTION, OBJECTION, PLAN, REGISTRATION
from onex.core.actors import Actor


def plan_moves(*, actor: Actor, plan: ExamPlan) -> list[str]:
    """The actions the actor may take now: the page's buttons and the API's ``moves``."""
    return PLAN.allowed_actions(plan, actor)


def registration_moves(*, actor: Actor, registration: Registration) -> list[str]:
    """What the actor may do with a registration now (a learner never sees the org's moves),
    its fee exemption claim's moves included (R40)."""
    return [
        *REGISTRATION.allowed_actions(registration, actor),
        *EXEMPTION.allowed_actions(registration, actor),
    ]


def objection_moves(*, actor: Actor, objection: Objection) -> list[str]:
    return OBJECTION.allowed_actions(objection, actor)


def plan_timeline(plan: ExamPlan) -> list[dict[str, Any]]:
    labels = dict(PlanStatus.choices)
    return [
        {
            "at": e.at,
            "action": _plan_action_label(e.action),
            "actor": f"{e.unit or ''} {e.user or ''}".strip(),
            "reason": e.reason,
            "status": e.to_status,
            "status_label": labels.get(e.to_status, e.to_status),
        }
        for e in plan.events.select_related("unit", "user")
    ]


def _plan_action_label(action: str) -> str:
    return _("创建计划") if action == "create" else PLAN.label(action)


def registration_timeline(registration: Registration) -> list[dict[str, Any]]:
    labels = {
        "register": _("报名"),
        "withdraw": _("撤销报名"),
        "pay": _("缴费"),
        "result": _("成绩登记"),
        "objection": _("提出异议"),
        "answer": _("答复异议"),
        "exemption_claim": _("申请建档立卡免缴"),
        "exemption_confirm": _("确认免缴"),
        "exemption_refuse": _("不予免缴"),
    }
    # Answers are the objections' own timeline; the candidate reads them here with the rest.
    answers = ObjectionEvent.objects.filter(
        objection__registration=registration, action="answer"
    ).select_related("unit", "user")
    events = sorted(
        [*registration.events.select_related("unit", "user"), *answers],
        key=lambda e: (e.at, e.pk),
    )
    return [
        {
            "at": e.at,
            "action": labels.get(e.action, e.action),
            "actor": f"{e.unit or ''} {e.user or ''}".strip(),
            "reason": e.reason,
        }
        for e in events
    ]
