"""The declared states and moves of an exam plan (R36, R38).

The plan's own org drives it: open registration, close it, mark the exam held, register scores,
publish them for the publicity period and close the plan. ``onex.core.workflows.perform`` runs
every move; ``assessment.services.exams`` adds the rule checks (agreement, filing, dates,
objections).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from onex.assessment.models import ExamPlan, PlanEvent, PlanStatus
from onex.assessment.selectors.exams import plan_scope
from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.workflows import Move, Workflow, register

S = PlanStatus


def _scope(actor: Actor) -> QuerySet[ExamPlan]:
    return plan_scope(actor=actor)


def is_plan_org(actor: Actor, plan: ExamPlan) -> bool:
    """Only the plan's own org (or the platform) drives a plan."""
    return actor.is_system or (actor.kind == UnitKind.ORG and actor.unit_id == plan.org.unit_id)


_ORG_ONLY = _("只有本计划的培训评价组织可以执行此操作。")


PLAN = register(
    Workflow(
        name="assessment.plan",
        model=ExamPlan,
        scope=_scope,
        event_model=PlanEvent,
        event_fk="plan",
        related=("org", "certificate", "certificate__batch", "province"),
        moves=(
            Move(
                (S.DRAFT,),
                "open",
                S.REGISTRATION_OPEN,
                is_plan_org,
                _("开放报名"),
                rule="R38",
                denied=_ORG_ONLY,
            ),
            Move(
                (S.REGISTRATION_OPEN,),
                "close_registration",
                S.REGISTRATION_CLOSED,
                is_plan_org,
                _("截止报名"),
                denied=_ORG_ONLY,
            ),
            Move(
                (S.REGISTRATION_CLOSED,),
                "held",
                S.EXAM_HELD,
                is_plan_org,
                _("考试完成"),
                denied=_ORG_ONLY,
            ),
            Move(
                (S.EXAM_HELD,),
                "start_scoring",
                S.SCORE_REGISTRATION,
                is_plan_org,
                _("开始成绩登记"),
                denied=_ORG_ONLY,
            ),
            Move(
                (S.SCORE_REGISTRATION,),
                "publish",
                S.SCORE_PUBLICITY,
                is_plan_org,
                _("成绩公示"),
                rule="R36",
                denied=_ORG_ONLY,
            ),
            Move(
                (S.SCORE_PUBLICITY,),
                "close",
                S.CLOSED,
                is_plan_org,
                _("结束"),
                rule="R36",
                denied=_ORG_ONLY,
            ),
        ),
    )
)
