"""The declared states and moves of exam plans, registrations and objections (R36, R38, R46).

The plan's own org drives a plan: open registration, close it, mark the exam held, register
scores, publish them for the publicity period and close the plan. A registration is withdrawn
(R46) or taken up again by its party (the registering school or the learner); the org that
collects the fee records its payment and enters the result; the party objects to a published
result, and the org answers the objection. ``onex.core.workflows.perform`` runs
every move; ``assessment.services.exams`` adds the rule checks (agreement, filing, dates,
objections).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onex.assessment.models import (
    ExamPlan,
    FeeStatus,
    Objection,
    ObjectionEvent,
    ObjectionStatus,
    PlanEvent,
    PlanStatus,
    Registration,
    RegistrationEvent,
    RegistrationStatus,
)
from onex.assessment.selectors.exams import objection_list, plan_scope, registration_scope
from onex.core.actors import Actor
from onex.core.errors import Conflict
from onex.core.models import UnitKind
from onex.core.workflows import Move, Workflow, register

S = PlanStatus
R = RegistrationStatus


def _scope(actor: Actor) -> QuerySet[ExamPlan]:
    return plan_scope(actor=actor)


def _registrations(actor: Actor) -> QuerySet[Registration]:
    return registration_scope(actor=actor)


def _objections(actor: Actor) -> QuerySet[Objection]:
    return objection_list(actor=actor)


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


# --- registrations -------------------------------------------------------------------------------


def is_registration_party(actor: Actor, registration: Registration) -> bool:
    """The registering school or the candidate's own learner account."""
    if actor.kind == UnitKind.SCHOOL:
        return registration.school is not None and registration.school.unit_id == actor.unit_id
    if actor.kind == UnitKind.LEARNER:
        return registration.candidate.learner_unit_id == actor.unit_id
    return actor.is_system


def is_registration_org(actor: Actor, registration: Registration) -> bool:
    """The org holding the exam: it collects the fee and enters the results."""
    return is_plan_org(actor, registration.plan)


def _plan_in(registration: Registration, *statuses: str) -> None:
    plan = registration.plan
    if plan.status not in statuses:
        raise Conflict(
            _("考核计划当前状态为“%(status)s”，不能执行此操作。")
            % {"status": plan.get_status_display()}
        )


def withdrawable(registration: Registration) -> None:
    """R46: a registration may be withdrawn (or taken up again) while registration is open."""
    plan = registration.plan
    if plan.status != S.REGISTRATION_OPEN or timezone.localdate() > plan.registration_closes:
        raise Conflict(
            _("报名已于 %(date)s 截止，不能再撤销或恢复报名。") % {"date": plan.registration_closes}
        )


def fee_unpaid(registration: Registration) -> None:
    if registration.fee_status != FeeStatus.UNPAID:
        raise Conflict(_("该报名无需缴费或已缴费。"))


def in_score_registration(registration: Registration) -> None:
    _plan_in(registration, S.SCORE_REGISTRATION)


def objectionable(registration: Registration) -> None:
    """During the publicity, a result may be objected to once at a time."""
    _plan_in(registration, S.SCORE_PUBLICITY)
    plan = registration.plan
    if plan.publicity_ends_on is not None and timezone.localdate() > plan.publicity_ends_on:
        raise Conflict(_("成绩公示期已于 %(end)s 结束。") % {"end": plan.publicity_ends_on})
    if registration.passed is None:
        raise Conflict(_("该报名没有可提出异议的成绩。"))
    if registration.objections.filter(status=ObjectionStatus.OPEN).exists():
        raise Conflict(_("已有一条待答复的异议。"))


_PARTY_ONLY = _("只有考生本人或报名学校可以执行此操作。")


REGISTRATION = register(
    Workflow(
        name="assessment.registration",
        model=Registration,
        scope=_registrations,
        event_model=RegistrationEvent,
        event_fk="registration",
        related=("plan", "plan__org", "plan__certificate", "plan__province", "candidate", "school"),
        moves=(
            Move(
                (R.REGISTERED,),
                "withdraw",
                R.WITHDRAWN,
                is_registration_party,
                _("撤销报名"),
                rule="R46",
                denied=_PARTY_ONLY,
                precheck=withdrawable,
            ),
            Move(
                (R.WITHDRAWN,),
                "register",
                R.REGISTERED,
                is_registration_party,
                _("恢复报名"),
                rule="R46",
                denied=_PARTY_ONLY,
                precheck=withdrawable,
            ),
            Move(
                (R.REGISTERED,),
                "pay",
                None,
                is_registration_org,
                _("登记已缴费"),
                rule="R35",
                denied=_("缴费由收费的培训评价组织登记。"),
                precheck=fee_unpaid,
            ),
            Move(
                (R.REGISTERED,),
                "result",
                None,
                is_registration_org,
                _("登记成绩"),
                denied=_ORG_ONLY,
                precheck=in_score_registration,
            ),
            Move(
                (R.REGISTERED,),
                "objection",
                None,
                is_registration_party,
                _("提出异议"),
                rule="R36",
                denied=_PARTY_ONLY,
                precheck=objectionable,
            ),
        ),
    )
)


# --- objections ----------------------------------------------------------------------------------


def is_objection_org(actor: Actor, objection: Objection) -> bool:
    return is_plan_org(actor, objection.registration.plan)


def in_publicity(objection: Objection) -> None:
    _plan_in(objection.registration, S.SCORE_PUBLICITY)


OBJECTION = register(
    Workflow(
        name="assessment.objection",
        model=Objection,
        scope=_objections,
        event_model=ObjectionEvent,
        event_fk="objection",
        related=("registration", "registration__plan", "registration__plan__org"),
        moves=(
            Move(
                (ObjectionStatus.OPEN,),
                "answer",
                ObjectionStatus.ANSWERED,
                is_objection_org,
                _("答复异议"),
                rule="R36",
                denied=_ORG_ONLY,
                precheck=in_publicity,
            ),
        ),
    )
)
