"""The declared states and moves of training's stateful objects.

Activity filings (R02), programmes (R04, R05), enrolments (R04), alliances (R07) and
resources (R08). ``onex.core.workflows.perform`` runs every move; ``training.services`` adds
the rule checks.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from onex.catalog.selectors.orgs import acts_for
from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.workflows import Move, Workflow, register
from onex.training.models import (
    ActivityFiling,
    ActivityFilingEvent,
    ActivityStatus,
    Alliance,
    AllianceEvent,
    AllianceStatus,
    Enrolment,
    EnrolmentEvent,
    EnrolmentStatus,
    ProgrammeEvent,
    ProgrammeStatus,
    Resource,
    ResourceEvent,
    ResourceStatus,
    TrainingProgramme,
)
from onex.training.selectors.activities import activity_jurisdiction
from onex.training.selectors.programmes import enrolment_jurisdiction, programme_jurisdiction
from onex.training.selectors.resources import resource_jurisdiction
from onex.training.selectors.staff import alliance_jurisdiction

_ORG_ONLY = _("只有该培训评价组织的用户可以执行此操作。")
_PROVINCE_ONLY = _("只有活动所在省份的教育行政部门可以执行此操作。")
_SCHOOL_ONLY = _("只有教师所在学校可以执行此操作。")


def _is_province_of(actor: Actor, province_id: int) -> bool:
    return actor.kind == UnitKind.PROVINCE and actor.province_id == province_id


# --- activity filings (R02) ---------------------------------------------------------------------


def activity_org(actor: Actor, filing: ActivityFiling) -> bool:
    return acts_for(actor, filing.org)


def activity_province(actor: Actor, filing: ActivityFiling) -> bool:
    return _is_province_of(actor, filing.province_id)


A = ActivityStatus
ACTIVITY = register(
    Workflow(
        name="training.activity",
        model=ActivityFiling,
        scope=activity_jurisdiction,
        event_model=ActivityFilingEvent,
        event_fk="filing",
        related=("org", "province"),
        moves=(
            Move(
                (A.FILED,),
                "acknowledge",
                A.ACKNOWLEDGED,
                activity_province,
                _("确认知悉"),
                rule="R02",
                denied=_PROVINCE_ONLY,
            ),
            Move(
                (A.FILED, A.ACKNOWLEDGED),
                "cancel",
                A.CANCELLED,
                activity_org,
                _("取消活动"),
                rule="R02",
                reason_required=True,
                denied=_ORG_ONLY,
            ),
        ),
    )
)


# --- programmes (R04, R05) ----------------------------------------------------------------------


def programme_org(actor: Actor, programme: TrainingProgramme) -> bool:
    return acts_for(actor, programme.org)


P = ProgrammeStatus
PROGRAMME = register(
    Workflow(
        name="training.programme",
        model=TrainingProgramme,
        scope=programme_jurisdiction,
        event_model=ProgrammeEvent,
        event_fk="programme",
        related=("org", "province", "certificate"),
        moves=(
            Move(
                (P.DRAFT,),
                "roster",
                None,
                programme_org,
                _("编辑培训团队"),
                rule="R05",
                denied=_ORG_ONLY,
            ),
            Move(
                (P.DRAFT,),
                "fee",
                None,
                programme_org,
                _("编辑收费标准"),
                rule="R04",
                denied=_ORG_ONLY,
            ),
            Move(
                (P.DRAFT,),
                "publish",
                P.PUBLISHED,
                programme_org,
                _("公示项目与收费标准"),
                rule="R05",
                denied=_ORG_ONLY,
            ),
            Move(
                (P.PUBLISHED,),
                "open",
                P.OPEN,
                programme_org,
                _("开放报名"),
                rule="R04",
                denied=_ORG_ONLY,
            ),
            Move(
                (P.PUBLISHED, P.OPEN),
                "close",
                P.CLOSED,
                programme_org,
                _("结束项目"),
                denied=_ORG_ONLY,
            ),
        ),
    )
)


# --- enrolments (R04) ---------------------------------------------------------------------------


def enrolment_org(actor: Actor, enrolment: Enrolment) -> bool:
    return acts_for(actor, enrolment.programme.org)


def enrolment_school(actor: Actor, enrolment: Enrolment) -> bool:
    return actor.kind == UnitKind.SCHOOL and actor.unit_id == enrolment.school.unit_id


E = EnrolmentStatus
ENROLMENT = register(
    Workflow(
        name="training.enrolment",
        model=Enrolment,
        scope=enrolment_jurisdiction,
        event_model=EnrolmentEvent,
        event_fk="enrolment",
        related=("programme", "programme__org", "teacher", "school"),
        moves=(
            Move((E.ENROLLED,), "attend", None, enrolment_org, _("记录出勤"), denied=_ORG_ONLY),
            Move(
                (E.ENROLLED,),
                "complete",
                E.COMPLETED,
                enrolment_org,
                _("确认结业"),
                denied=_ORG_ONLY,
            ),
            Move(
                (E.ENROLLED,),
                "withdraw",
                E.WITHDRAWN,
                enrolment_school,
                _("退出培训"),
                rule="R04",
                denied=_SCHOOL_ONLY,
            ),
        ),
    )
)


# --- alliances (R07) ----------------------------------------------------------------------------


def _school_member(actor: Actor, alliance: Alliance) -> bool:
    unit_id = actor.unit_id
    if actor.kind != UnitKind.SCHOOL or unit_id is None:
        return False
    return alliance.members.filter(school__unit_id=unit_id).exists()


def alliance_outsider_school(actor: Actor, alliance: Alliance) -> bool:
    return actor.kind == UnitKind.SCHOOL and not _school_member(actor, alliance)


def alliance_member(actor: Actor, alliance: Alliance) -> bool:
    return _school_member(actor, alliance)


def alliance_member_not_founder(actor: Actor, alliance: Alliance) -> bool:
    return _school_member(actor, alliance) and alliance.founder.unit_id != actor.unit_id


def alliance_founder(actor: Actor, alliance: Alliance) -> bool:
    return actor.kind == UnitKind.SCHOOL and alliance.founder.unit_id == actor.unit_id


_MEMBERS_ONLY = _("只有联合体成员学校可以执行此操作。")
L = AllianceStatus
ALLIANCE = register(
    Workflow(
        name="training.alliance",
        model=Alliance,
        scope=alliance_jurisdiction,
        event_model=AllianceEvent,
        event_fk="alliance",
        related=("founder", "certificate"),
        moves=(
            Move(
                (L.ACTIVE,),
                "join",
                None,
                alliance_outsider_school,
                _("加入联合体"),
                rule="R07",
                denied=_("只有尚未加入的学校可以加入。"),
            ),
            Move(
                (L.ACTIVE,),
                "leave",
                None,
                alliance_member_not_founder,
                _("退出联合体"),
                denied=_("牵头学校不能退出，只能解散联合体。"),
            ),
            Move(
                (L.ACTIVE,),
                "share",
                None,
                alliance_member,
                _("互聘教师"),
                rule="R07",
                denied=_MEMBERS_ONLY,
            ),
            Move(
                (L.ACTIVE,),
                "dissolve",
                L.DISSOLVED,
                alliance_founder,
                _("解散联合体"),
                reason_required=True,
                denied=_("只有牵头学校可以解散联合体。"),
            ),
        ),
    )
)


# --- resources (R08) ----------------------------------------------------------------------------


def resource_org(actor: Actor, resource: Resource) -> bool:
    return acts_for(actor, resource.org)


R = ResourceStatus
RESOURCE = register(
    Workflow(
        name="training.resource",
        model=Resource,
        scope=resource_jurisdiction,
        event_model=ResourceEvent,
        event_fk="resource",
        related=("org", "certificate", "publisher"),
        moves=(
            Move(
                (R.LISTED,),
                "refresh",
                None,
                resource_org,
                _("登记更新"),
                rule="R08",
                denied=_ORG_ONLY,
            ),
            Move(
                (R.LISTED, R.WITHDRAWN),
                "price",
                None,
                resource_org,
                _("调整价格与成本"),
                rule="R08",
                denied=_ORG_ONLY,
            ),
            Move((R.LISTED,), "withdraw", R.WITHDRAWN, resource_org, _("下架"), denied=_ORG_ONLY),
            Move(
                (R.WITHDRAWN,),
                "relist",
                R.LISTED,
                resource_org,
                _("重新发布"),
                rule="R08",
                denied=_ORG_ONLY,
            ),
        ),
    )
)
