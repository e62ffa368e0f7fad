"""The declared states and moves of the pilot application (R32).

A school drafts, edits and submits; where the province's profile asks for it (Shanxi) the city
bureau reviews first; the province confirms, returns or rejects, and publishes the confirmed
pilots. ``onex.core.workflows.perform`` runs every move; ``pilots.applications`` adds the rule
checks (R26, R43, R32) and the values each move writes.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from onex.core.actors import Actor
from onex.core.errors import RuleViolation
from onex.core.models import UnitKind
from onex.core.workflows import Move, Workflow, register
from onex.pilots.models.applications import (
    EDITABLE_STATUSES,
    ApplicationEvent,
    ApplicationStatus,
    PilotApplication,
)
from onex.pilots.selectors.applications import application_scope

S = ApplicationStatus


def _scope(actor: Actor) -> QuerySet[PilotApplication]:
    return application_scope(actor=actor)


def is_school(actor: Actor, application: PilotApplication) -> bool:
    return actor.kind == UnitKind.SCHOOL and actor.unit_id == application.school.unit_id


def is_city(actor: Actor, application: PilotApplication) -> bool:
    return actor.kind == UnitKind.CITY and actor.city_id == application.city_id


def is_province(actor: Actor, application: PilotApplication) -> bool:
    return actor.kind == UnitKind.PROVINCE and actor.province_id == application.province_id


_SCHOOL_ONLY = _("只有申报学校可以填写和提交试点申请。")
_CITY_ONLY = _("只有学校所在城市的教育行政部门可以进行市级初审。")
_PROVINCE_ONLY = _("只有学校所在省份的教育行政部门可以确认试点院校。")


def require_city_review(application: PilotApplication) -> None:
    if not application.city_review_required:
        raise RuleViolation(
            "R32",
            gettext("%(province)s未要求市级初审，该申请由省级教育行政部门直接审核。")
            % {"province": application.province.name},
        )


def application_audit_view(application: PilotApplication) -> dict[str, Any]:
    # What the audit log keeps of an application: the contact's phone number stays out.
    return {
        "school": application.school_id,
        "certificate": application.certificate_id,
        "specialty": application.specialty_id,
        "levels": list(application.levels),
        "status": application.status,
        "full_time_teachers": application.full_time_teachers,
        "team_size": application.team_size,
        "dual_qualified_teachers": application.dual_qualified_teachers,
        "industry_experts": application.industry_experts,
        "enrolments": dict(application.enrolments or {}),
        "facility_kind": application.facility_kind,
        "has_training_rooms": application.has_training_rooms,
        "has_internship_sites": application.has_internship_sites,
        "planned_students": application.planned_students,
        "contact_name": application.contact_name,
        "city_review_required": application.city_review_required,
        "published_on": application.published_on,
    }


def _after_submit(application: PilotApplication) -> str:
    return S.CITY_REVIEW if application.city_review_required else S.SUBMITTED


APPLICATION = register(
    Workflow(
        name="pilots.application",
        model=PilotApplication,
        scope=_scope,
        event_model=ApplicationEvent,
        event_fk="application",
        audit_view=application_audit_view,
        related=("school", "province", "city", "certificate", "certificate__batch", "specialty"),
        moves=(
            Move(EDITABLE_STATUSES, "update", None, is_school, _("修改申请"), denied=_SCHOOL_ONLY),
            Move(EDITABLE_STATUSES, "attach", None, is_school, _("上传附件"), denied=_SCHOOL_ONLY),
            Move(
                EDITABLE_STATUSES,
                "submit",
                None,
                is_school,
                _("提交申请"),
                rule="R26",
                denied=_SCHOOL_ONLY,
                targets=(S.CITY_REVIEW, S.SUBMITTED),
                choose=_after_submit,
            ),
            Move(
                (S.CITY_REVIEW,),
                "city_pass",
                S.SUBMITTED,
                is_city,
                _("市级初审通过"),
                rule="R32",
                denied=_CITY_ONLY,
                precheck=require_city_review,
            ),
            Move(
                (S.CITY_REVIEW,),
                "city_return",
                S.RETURNED,
                is_city,
                _("市级初审退回"),
                rule="R32",
                reason_required=True,
                denied=_CITY_ONLY,
                precheck=require_city_review,
            ),
            Move(
                (S.SUBMITTED,),
                "confirm",
                S.CONFIRMED,
                is_province,
                _("省级确认"),
                rule="R32",
                denied=_PROVINCE_ONLY,
            ),
            Move(
                (S.SUBMITTED,),
                "return",
                S.RETURNED,
                is_province,
                _("省级退回"),
                rule="R32",
                reason_required=True,
                denied=_PROVINCE_ONLY,
            ),
            Move(
                (S.SUBMITTED,),
                "reject",
                S.REJECTED,
                is_province,
                _("省级驳回"),
                rule="R32",
                reason_required=True,
                denied=_PROVINCE_ONLY,
            ),
            Move(
                (S.CONFIRMED,),
                "publish",
                S.PUBLISHED,
                is_province,
                _("公布试点名单"),
                rule="R32",
                denied=_PROVINCE_ONLY,
            ),
        ),
    )
)
