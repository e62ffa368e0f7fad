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

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onex.assessment.models import (
    BrandComplaint,
    ComplaintEvent,
    ComplaintStatus,
    ExamPlan,
    ExemptionStatus,
    FeeEvent,
    FeeNegotiation,
    FeeStatus,
    FeeVersion,
    FeeVersionStatus,
    NegotiationEvent,
    NegotiationStatus,
    Objection,
    ObjectionEvent,
    ObjectionStatus,
    PlanEvent,
    PlanStatus,
    Registration,
    RegistrationEvent,
    RegistrationStatus,
    SiteApplication,
    SiteApplicationEvent,
    SiteApplicationStatus,
)
from onex.assessment.selectors.exams import objection_list, plan_scope, registration_scope
from onex.assessment.selectors.fees import fee_version_scope, negotiation_scope
from onex.assessment.selectors.sites import complaint_list, site_application_list
from onex.catalog.services.orgs import require_org_active
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


def _org_active(plan: ExamPlan) -> None:
    """R22: the plans of a suspended or exited org are frozen (no move until reinstated)."""
    require_org_active(plan.org)


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
                precheck=_org_active,
            ),
            Move(
                (S.REGISTRATION_OPEN,),
                "close_registration",
                S.REGISTRATION_CLOSED,
                is_plan_org,
                _("截止报名"),
                denied=_ORG_ONLY,
                precheck=_org_active,
            ),
            Move(
                (S.REGISTRATION_CLOSED,),
                "held",
                S.EXAM_HELD,
                is_plan_org,
                _("考试完成"),
                denied=_ORG_ONLY,
                precheck=_org_active,
            ),
            Move(
                (S.EXAM_HELD,),
                "start_scoring",
                S.SCORE_REGISTRATION,
                is_plan_org,
                _("开始成绩登记"),
                denied=_ORG_ONLY,
                precheck=_org_active,
            ),
            Move(
                (S.SCORE_REGISTRATION,),
                "publish",
                S.SCORE_PUBLICITY,
                is_plan_org,
                _("成绩公示"),
                rule="R36",
                denied=_ORG_ONLY,
                precheck=_org_active,
            ),
            Move(
                (S.SCORE_PUBLICITY,),
                "close",
                S.CLOSED,
                is_plan_org,
                _("结束"),
                rule="R36",
                denied=_ORG_ONLY,
                precheck=_org_active,
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


def fee_not_paid(registration: Registration) -> None:
    # A fee already collected is refunded off the platform, not waived here.
    if registration.fee_status == FeeStatus.PAID:
        raise Conflict(_("该报名已缴费。"))


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


# --- poor-household fee exemptions (R40) ---------------------------------------------------------


def is_exemption_reviewer(actor: Actor, registration: Registration) -> bool:
    """Who confirms the basis: the registering school for its students (it holds their records),
    the plan's org for a member of the public (it would collect the fee)."""
    if registration.school is not None:
        return actor.kind == UnitKind.SCHOOL and registration.school.unit_id == actor.unit_id
    return is_plan_org(actor, registration.plan)


def claimable(registration: Registration) -> None:
    """A claim only where the candidate was declared a poor household and the fee is still open."""
    if not registration.candidate.poor_household:
        raise Conflict(_("考生未登记为建档立卡家庭。"))
    if registration.status != R.REGISTERED:
        raise Conflict(_("该报名已撤销。"))
    if registration.fee_status != FeeStatus.UNPAID:
        raise Conflict(_("该报名无需缴费或已缴费。"))


E = ExemptionStatus
_REVIEWER_ONLY = _("建档立卡免缴由报名学校（在校学生）或本计划的培训评价组织（社会成员）确认。")

EXEMPTION = register(
    Workflow(
        name="assessment.exemption",
        model=Registration,
        scope=_registrations,
        event_model=RegistrationEvent,
        event_fk="registration",
        status_field="exemption_status",
        related=("plan", "plan__org", "plan__certificate", "plan__province", "candidate", "school"),
        moves=(
            Move(
                (E.NONE,),
                "exemption_claim",
                E.CLAIMED,
                is_registration_party,
                _("申请建档立卡免缴"),
                rule="R40",
                denied=_PARTY_ONLY,
                precheck=claimable,
            ),
            Move(
                (E.CLAIMED,),
                "exemption_confirm",
                E.CONFIRMED,
                is_exemption_reviewer,
                _("确认免缴"),
                rule="R40",
                denied=_REVIEWER_ONLY,
                precheck=fee_not_paid,
            ),
            Move(
                (E.CLAIMED,),
                "exemption_refuse",
                E.REFUSED,
                is_exemption_reviewer,
                _("不予免缴"),
                rule="R40",
                reason_required=True,
                denied=_REVIEWER_ONLY,
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


# --- sites and fees ---------------------------------------------------------------------------


def is_negotiation_org(actor: Actor, negotiation: FeeNegotiation) -> bool:
    """Only the certificate's own org agrees to (or declines) a jointly negotiated fee."""
    return actor.kind == UnitKind.ORG and actor.unit_id == negotiation.org.unit_id


N = NegotiationStatus

NEGOTIATION = register(
    Workflow(
        name="assessment.negotiation",
        model=FeeNegotiation,
        scope=lambda actor: negotiation_scope(actor),
        event_model=NegotiationEvent,
        event_fk="negotiation",
        related=("org", "certificate", "province"),
        moves=(
            Move(
                (N.PROPOSED,),
                "agree",
                N.AGREED,
                is_negotiation_org,
                _("确认联合议价"),
                rule="R45",
                denied=_("只有该证书的培训评价组织可以确认联合议价。"),
            ),
            Move(
                (N.PROPOSED,),
                "decline",
                N.DECLINED,
                is_negotiation_org,
                _("不同意"),
                rule="R45",
                reason_required=True,
                denied=_("只有该证书的培训评价组织可以确认联合议价。"),
            ),
        ),
    )
)


def is_application_school(actor: Actor, application: SiteApplication) -> bool:
    return actor.is_system or (
        actor.kind == UnitKind.SCHOOL and actor.unit_id == application.school.unit_id
    )


def is_application_org(actor: Actor, application: SiteApplication) -> bool:
    return actor.is_system or (
        actor.kind == UnitKind.ORG and actor.unit_id == application.org.unit_id
    )


def is_application_province(actor: Actor, application: SiteApplication) -> bool:
    return actor.is_system or (
        actor.kind == UnitKind.PROVINCE and actor.province_id == application.province_id
    )


def site_application_audit_view(application: SiteApplication) -> dict[str, Any]:
    return {
        "school": application.school_id,
        "certificate": application.certificate_id,
        "levels": list(application.levels),
        "address": application.address,
        "seats": application.seats,
        "rooms": application.rooms,
        "status": application.status,
        "return_reason": application.return_reason,
        "site": application.site.code if application.site_id and application.site else None,
    }


A = SiteApplicationStatus
_APP_SCHOOL_ONLY = _("只有该学校的用户可以执行此操作。")
_APP_ORG_ONLY = _("只有该证书的培训评价组织可以执行此操作。")
_APP_PROVINCE_ONLY = _("只有所在省份的教育行政部门可以执行此操作。")

SITE_APPLICATION = register(
    Workflow(
        name="assessment.site_application",
        model=SiteApplication,
        scope=lambda actor: site_application_list(actor=actor),
        event_model=SiteApplicationEvent,
        event_fk="application",
        audit_view=site_application_audit_view,
        related=("org", "certificate", "school", "province", "site"),
        moves=(
            Move(
                (A.RETURNED,),
                "resubmit",
                A.SUBMITTED,
                is_application_school,
                _("修改并重新提交"),
                rule="R10",
                denied=_APP_SCHOOL_ONLY,
            ),
            Move(
                (A.SUBMITTED,),
                "org_approve",
                A.ORG_APPROVED,
                is_application_org,
                _("同意设为考核站点"),
                rule="R10",
                denied=_APP_ORG_ONLY,
            ),
            Move(
                (A.SUBMITTED,),
                "return",
                A.RETURNED,
                is_application_org,
                _("退回"),
                rule="R10",
                reason_required=True,
                denied=_APP_ORG_ONLY,
            ),
            Move(
                (A.ORG_APPROVED,),
                "return",
                A.RETURNED,
                is_application_province,
                _("退回"),
                rule="R10",
                reason_required=True,
                denied=_APP_PROVINCE_ONLY,
            ),
            Move(
                (A.ORG_APPROVED,),
                "approve",
                A.APPROVED,
                is_application_province,
                _("审核通过并备案"),
                rule="R10",
                denied=_APP_PROVINCE_ONLY,
            ),
        ),
    )
)


def is_fee_org(actor: Actor, version: FeeVersion) -> bool:
    return actor.is_system or (
        actor.kind == UnitKind.ORG and actor.unit_id == version.standard.org.unit_id
    )


def is_fee_province(actor: Actor, version: FeeVersion) -> bool:
    return actor.is_system or (
        actor.kind == UnitKind.PROVINCE and actor.province_id == version.standard.province_id
    )


def fee_version_audit_view(version: FeeVersion) -> dict[str, Any]:
    return {
        "version": version.number,
        "amount": version.amount,
        "effective_from": version.effective_from,
        "review_kind": version.review_kind,
        "reviewer": version.reviewer,
        "return_reason": version.return_reason,
    }


V = FeeVersionStatus
_FEE_PROVINCE_ONLY = _("只有所在省份的教育行政部门可以核定费用标准。")

#: A proposal (or re-proposal after a lowered ceiling) waits for the province: approved, it
#: replaces the version in force (R13, R30); returned or withdrawn, the old fee stays.
FEE_VERSION = register(
    Workflow(
        name="assessment.fee",
        model=FeeVersion,
        scope=lambda actor: fee_version_scope(actor),
        event_model=FeeEvent,
        event_fk="version",
        audit_view=fee_version_audit_view,
        related=("standard", "standard__org", "standard__certificate", "standard__province"),
        moves=(
            Move(
                (V.PENDING,),
                "approve",
                V.APPROVED,
                is_fee_province,
                _("核定通过"),
                rule="R30",
                denied=_FEE_PROVINCE_ONLY,
            ),
            Move(
                (V.PENDING,),
                "return",
                V.RETURNED,
                is_fee_province,
                _("退回"),
                rule="R30",
                reason_required=True,
                denied=_FEE_PROVINCE_ONLY,
            ),
            Move(
                (V.PENDING,),
                "withdraw",
                V.WITHDRAWN,
                is_fee_org,
                _("撤回"),
                rule="R30",
                denied=_("只有该证书的培训评价组织可以撤回费用标准。"),
            ),
        ),
    )
)


def is_complaint_authority(actor: Actor, complaint: BrandComplaint) -> bool:
    """The school's province or the Ministry handles a brand complaint (R12); never the org."""
    return (
        actor.is_system
        or actor.kind == UnitKind.MINISTRY
        or (actor.kind == UnitKind.PROVINCE and actor.province_id == complaint.province_id)
    )


def complaint_audit_view(complaint: BrandComplaint) -> dict[str, Any]:
    return {"status": complaint.status, "note": complaint.handled_note}


COMPLAINT = register(
    Workflow(
        name="assessment.complaint",
        model=BrandComplaint,
        scope=lambda actor: complaint_list(actor=actor),
        event_model=ComplaintEvent,
        event_fk="complaint",
        audit_view=complaint_audit_view,
        moves=(
            Move(
                (ComplaintStatus.OPEN,),
                "handle",
                ComplaintStatus.HANDLED,
                is_complaint_authority,
                _("记录处理意见"),
                rule="R12",
                reason_required=True,
                denied=_("只有学校所在省份的教育行政部门或教育部可以处理。"),
            ),
        ),
    )
)
