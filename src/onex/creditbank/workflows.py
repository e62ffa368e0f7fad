"""The declared moves of the credit bank's stateful objects.

- A credit recording plan (R16): the certificate's org saves and submits it; the national
  credit bank approves it or returns it with reasons; a returned plan is edited and resubmitted.
- A learning outcome follows its certificate (R44): the platform suspends it when the
  certificate is suspended or revoked and restores it when the certificate is reinstated.
- A conversion request (R37): learner → department review (the school's staff) → academic
  affairs approval (the school's administrator) → check by the certificate's org → recognition
  by the credit bank; each reviewer may return it with reasons, the learner resubmits or
  withdraws it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from onex.core.actors import Actor
from onex.core.models import Role, UnitKind
from onex.core.workflows import Move, Workflow, register
from onex.creditbank.models import (
    ConversionEvent,
    ConversionRequest,
    CreditPlan,
    CreditPlanEvent,
    LearningOutcome,
    OutcomeEvent,
    OutcomeStatus,
    PlanStatus,
    RequestStatus,
)
from onex.creditbank.selectors import outcome_scope, plan_scope, request_scope

P = PlanStatus
R = RequestStatus


def is_credit_bank(actor: Actor) -> bool:
    return actor.is_system or actor.kind == UnitKind.CREDITBANK


def plan_org(actor: Actor, plan: CreditPlan) -> bool:
    return actor.kind == UnitKind.ORG and plan.org.unit_id == actor.unit_id


def plan_bank(actor: Actor, plan: CreditPlan) -> bool:
    return is_credit_bank(actor)


def _plan_scope(actor: Actor) -> QuerySet[CreditPlan]:
    return plan_scope(actor=actor)


CREDIT_PLAN: Workflow[CreditPlan] = register(
    Workflow(
        name="creditbank.plan",
        model=CreditPlan,
        moves=(
            Move(
                (P.DRAFT, P.RETURNED),
                "edit",
                None,
                plan_org,
                _("修改方案"),
                denied=_("只有证书所属的培训评价组织可以修改方案。"),
            ),
            Move(
                (P.DRAFT, P.RETURNED),
                "submit",
                P.SUBMITTED,
                plan_org,
                _("提交学分银行"),
                rule="R16",
                denied=_("只有证书所属的培训评价组织可以提交方案。"),
            ),
            Move(
                (P.SUBMITTED,),
                "approve",
                P.APPROVED,
                plan_bank,
                _("审核通过"),
                rule="R16",
                denied=_("只有国家学分银行可以审核方案。"),
            ),
            Move(
                (P.SUBMITTED,),
                "return",
                P.RETURNED,
                plan_bank,
                _("退回修改"),
                reason_required=True,
                denied=_("只有国家学分银行可以审核方案。"),
            ),
        ),
        scope=_plan_scope,
        event_model=CreditPlanEvent,
        event_fk="plan",
        related=("certificate", "certificate__batch", "org"),
    )
)


def _platform(actor: Actor, outcome: LearningOutcome) -> bool:
    # Outcomes follow their certificates; only the platform moves them.
    return actor.is_system


def _outcome_scope(actor: Actor) -> QuerySet[LearningOutcome]:
    return outcome_scope(actor=actor)


def _outcome_view(outcome: LearningOutcome) -> dict[str, Any]:
    return {"credits": str(outcome.credits), "status_reason": outcome.status_reason}


LEARNING_OUTCOME: Workflow[LearningOutcome] = register(
    Workflow(
        name="creditbank.outcome",
        model=LearningOutcome,
        moves=(
            Move(
                (OutcomeStatus.ACTIVE,),
                "suspend",
                OutcomeStatus.SUSPENDED,
                _platform,
                _("暂停（证书已暂停或撤销）"),
                rule="R44",
                reason_required=True,
            ),
            Move(
                (OutcomeStatus.SUSPENDED,),
                "reinstate",
                OutcomeStatus.ACTIVE,
                _platform,
                _("恢复（证书已恢复有效）"),
                rule="R44",
                reason_required=True,
            ),
        ),
        scope=_outcome_scope,
        event_model=OutcomeEvent,
        event_fk="outcome",
        audit_view=_outcome_view,
    )
)


def _learner(actor: Actor, request: ConversionRequest) -> bool:
    return actor.kind == UnitKind.LEARNER and request.account.learner_unit_id == actor.unit_id


def _department(actor: Actor, request: ConversionRequest) -> bool:
    # The department's clerk (经办人) of the school the request is made to.
    return (
        actor.kind == UnitKind.SCHOOL
        and request.school.unit_id == actor.unit_id
        and actor.role == Role.STAFF
    )


def _academic_affairs(actor: Actor, request: ConversionRequest) -> bool:
    # The school's administrator acts for its academic affairs office (教务处).
    return (
        actor.kind == UnitKind.SCHOOL
        and request.school.unit_id == actor.unit_id
        and actor.role == Role.ADMIN
    )


def _org(actor: Actor, request: ConversionRequest) -> bool:
    return actor.kind == UnitKind.ORG and request.org.unit_id == actor.unit_id


def _bank(actor: Actor, request: ConversionRequest) -> bool:
    return is_credit_bank(actor)


def _request_scope(actor: Actor) -> QuerySet[ConversionRequest]:
    return request_scope(actor=actor)


def _return(source: str, who: Any, label: Any) -> Move[ConversionRequest]:
    return Move((source,), "return", R.RETURNED, who, label, reason_required=True)


CONVERSION_REQUEST: Workflow[ConversionRequest] = register(
    Workflow(
        name="creditbank.request",
        model=ConversionRequest,
        moves=(
            Move(
                (R.SUBMITTED,),
                "department_approve",
                R.DEPARTMENT_APPROVED,
                _department,
                _("院系审核通过"),
                rule="R37",
                denied=_("院系审核由学校经办人办理。"),
            ),
            Move(
                (R.DEPARTMENT_APPROVED,),
                "academic_approve",
                R.ACADEMIC_APPROVED,
                _academic_affairs,
                _("教务审批通过"),
                rule="R37",
                denied=_("教务审批由学校管理员（教务处）办理。"),
            ),
            Move(
                (R.ACADEMIC_APPROVED,),
                "org_check",
                R.ORG_CHECKED,
                _org,
                _("证书核验无误"),
                rule="R44",
                denied=_("只有证书所属的培训评价组织可以核验。"),
            ),
            Move(
                (R.ORG_CHECKED,),
                "recognise",
                R.RECOGNISED,
                _bank,
                _("认定学分"),
                rule="R37",
                denied=_("只有国家学分银行可以认定学分。"),
            ),
            _return(R.SUBMITTED, _department, _("退回（院系）")),
            _return(R.DEPARTMENT_APPROVED, _academic_affairs, _("退回（教务）")),
            _return(R.ACADEMIC_APPROVED, _org, _("退回（评价组织）")),
            _return(R.ORG_CHECKED, _bank, _("退回（学分银行）")),
            Move((R.RETURNED,), "resubmit", R.SUBMITTED, _learner, _("重新提交")),
            Move((R.SUBMITTED, R.RETURNED), "withdraw", R.WITHDRAWN, _learner, _("撤回申请")),
        ),
        scope=_request_scope,
        event_model=ConversionEvent,
        event_fk="request",
        related=("account", "outcome", "school", "specialty", "org"),
    )
)
