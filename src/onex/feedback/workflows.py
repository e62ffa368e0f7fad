"""Declared moves: feedback is answered (R21); a concentrated issue is rectified (R22)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.workflows import Move, Workflow, register
from onex.feedback.models import (
    Feedback,
    FeedbackEvent,
    FeedbackStatus,
    IssueStatus,
    RectificationEvent,
    RectificationOrder,
)
from onex.feedback.selectors.feedback import feedback_scope, may_answer, order_scope


def is_order_org(actor: Actor, order: RectificationOrder) -> bool:
    return actor.kind == UnitKind.ORG and order.org.unit_id == actor.unit_id


def is_national_official(actor: Actor, order: RectificationOrder) -> bool:
    return actor.is_system or actor.kind == UnitKind.MINISTRY


FEEDBACK = register(
    Workflow(
        name="feedback.feedback",
        model=Feedback,
        scope=lambda actor: feedback_scope(actor=actor),
        event_model=FeedbackEvent,
        event_fk="feedback",
        moves=(
            Move(
                (FeedbackStatus.SUBMITTED,),
                "answer",
                FeedbackStatus.ANSWERED,
                may_answer,
                _("答复"),
                rule="R21",
                reason_required=True,
                denied=_("只有受理省份的教育行政部门或教育部可以答复。"),
            ),
        ),
    )
)

ORDER = register(
    Workflow(
        name="feedback.order",
        model=RectificationOrder,
        scope=lambda actor: order_scope(actor=actor),
        event_model=RectificationEvent,
        event_fk="order",
        related=("org",),
        moves=(
            Move(
                (IssueStatus.OPEN,),
                "report",
                IssueStatus.REPORTED,
                is_order_org,
                _("报告整改情况"),
                rule="R22",
                reason_required=True,
                denied=_("只有被要求整改的培训评价组织可以报告整改情况。"),
            ),
            Move(
                (IssueStatus.REPORTED,),
                "accept",
                IssueStatus.CLOSED,
                is_national_official,
                _("确认整改完成"),
                rule="R22",
                denied=_("只有教育部可以确认整改完成。"),
            ),
            Move(
                (IssueStatus.REPORTED,),
                "return",
                IssueStatus.OPEN,
                is_national_official,
                _("退回继续整改"),
                rule="R22",
                reason_required=True,
                denied=_("只有教育部可以退回整改。"),
            ),
        ),
    )
)
