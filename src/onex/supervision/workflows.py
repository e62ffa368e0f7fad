"""The declared states and moves of supervision's objects (R20, R22, R23, R41, R47).

Monitoring points are withdrawn by the Ministry; a spot-check round is closed by its province;
a drawn school's finding is recorded by the province; a rectification is reported done by the
school and accepted (销号) or returned by the province; a disqualification proceeding is answered
by the school or org it is against and decided, then possibly reinstated, by the decider the
policy names (the Ministry, or for schools the province where its profile says so).
``onex.core.workflows.perform`` runs every move; ``supervision.services`` add the rule checks.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.policy import policy_value
from onex.core.workflows import Move, Workflow, register
from onex.supervision.models import (
    FindingResult,
    MonitoringPoint,
    MonitoringPointEvent,
    PointStatus,
    Proceeding,
    ProceedingEvent,
    ProceedingStatus,
    Rectification,
    RectificationEvent,
    RectificationStatus,
    RoundEvent,
    RoundStatus,
    SpotCheckItem,
    SpotCheckItemEvent,
    SpotCheckRound,
    TargetKind,
)
from onex.supervision.selectors.scopes import (
    item_scope,
    point_scope,
    proceeding_scope,
    rectification_scope,
    round_scope,
)


def is_ministry(actor: Actor, obj: object = None) -> bool:
    return actor.is_system or actor.kind == UnitKind.MINISTRY


def _is_province_of(actor: Actor, province_id: int | None) -> bool:
    return (
        actor.kind == UnitKind.PROVINCE
        and province_id is not None
        and (actor.province_id == province_id)
    )


# --- monitoring points (R20) --------------------------------------------------------------------


def _points(actor: Actor) -> QuerySet[MonitoringPoint]:
    return point_scope(actor=actor)


POINT: Workflow[MonitoringPoint] = register(
    Workflow(
        name="supervision.point",
        model=MonitoringPoint,
        scope=_points,
        event_model=MonitoringPointEvent,
        event_fk="point",
        moves=(
            Move(
                (PointStatus.ACTIVE,),
                "withdraw",
                PointStatus.WITHDRAWN,
                is_ministry,
                _("撤销监测点"),
                rule="R20",
                reason_required=True,
                denied=_("只有教育部可以确定或撤销监测点。"),
            ),
        ),
    )
)

# --- spot checks (R41) --------------------------------------------------------------------------


def is_round_province(actor: Actor, obj: SpotCheckRound) -> bool:
    return actor.is_system or _is_province_of(actor, obj.province_id)


def is_item_province(actor: Actor, obj: SpotCheckItem) -> bool:
    return actor.is_system or _is_province_of(actor, obj.round.province_id)


def is_rectification_province(actor: Actor, obj: Rectification) -> bool:
    return actor.is_system or _is_province_of(actor, obj.province_id)


def is_rectification_school(actor: Actor, obj: Rectification) -> bool:
    return actor.kind == UnitKind.SCHOOL and actor.unit_id == obj.school.unit_id


_PROVINCE_ONLY = _("只有组织抽查的省级教育行政部门可以执行此操作。")


def _rounds(actor: Actor) -> QuerySet[SpotCheckRound]:
    return round_scope(actor=actor)


def _items(actor: Actor) -> QuerySet[SpotCheckItem]:
    return item_scope(actor=actor)


def _rectifications(actor: Actor) -> QuerySet[Rectification]:
    return rectification_scope(actor=actor)


ROUND: Workflow[SpotCheckRound] = register(
    Workflow(
        name="supervision.round",
        model=SpotCheckRound,
        scope=_rounds,
        event_model=RoundEvent,
        event_fk="round",
        moves=(
            Move(
                (RoundStatus.OPEN,),
                "close",
                RoundStatus.CLOSED,
                is_round_province,
                _("结束本轮抽查"),
                rule="R41",
                denied=_PROVINCE_ONLY,
            ),
        ),
    )
)

ITEM: Workflow[SpotCheckItem] = register(
    Workflow(
        name="supervision.item",
        model=SpotCheckItem,
        scope=_items,
        event_model=SpotCheckItemEvent,
        event_fk="item",
        status_field="result",
        related=("round", "school"),
        moves=(
            Move(
                (FindingResult.PENDING,),
                "pass",
                FindingResult.COMPLIANT,
                is_item_province,
                _("记录：未发现问题"),
                rule="R41",
                denied=_PROVINCE_ONLY,
            ),
            Move(
                (FindingResult.PENDING,),
                "flag",
                FindingResult.ISSUES,
                is_item_province,
                _("记录：发现问题"),
                rule="R41",
                reason_required=True,
                denied=_PROVINCE_ONLY,
            ),
        ),
    )
)

RECTIFICATION: Workflow[Rectification] = register(
    Workflow(
        name="supervision.rectification",
        model=Rectification,
        scope=_rectifications,
        event_model=RectificationEvent,
        event_fk="rectification",
        related=("school", "province"),
        moves=(
            Move(
                (RectificationStatus.OPEN,),
                "submit",
                RectificationStatus.SUBMITTED,
                is_rectification_school,
                _("报送整改情况"),
                rule="R41",
                denied=_("只有被抽查的学校可以报送整改情况。"),
            ),
            Move(
                (RectificationStatus.SUBMITTED,),
                "accept",
                RectificationStatus.CLOSED,
                is_rectification_province,
                _("验收销号"),
                rule="R41",
                denied=_PROVINCE_ONLY,
            ),
            Move(
                (RectificationStatus.SUBMITTED,),
                "return",
                RectificationStatus.OPEN,
                is_rectification_province,
                _("退回继续整改"),
                rule="R41",
                reason_required=True,
                denied=_PROVINCE_ONLY,
            ),
        ),
    )
)

# --- disqualification proceedings (R22, R23, R47) -----------------------------------------------


def province_decides(proceeding: Proceeding) -> bool:
    """Whether the school's province, rather than the Ministry, decides (its policy profile)."""
    return proceeding.target_kind == TargetKind.SCHOOL and bool(
        policy_value("r23.province_decides_school", province=proceeding.province)
    )


def is_decider(actor: Actor, obj: Proceeding) -> bool:
    """The Ministry, or the school's province where the profile gives it the decision."""
    if actor.is_system:
        return True
    if province_decides(obj):
        return _is_province_of(actor, obj.province_id)
    return actor.kind == UnitKind.MINISTRY


def is_target(actor: Actor, obj: Proceeding) -> bool:
    """The school or the org the proceeding is against."""
    if obj.target_kind == TargetKind.SCHOOL:
        return (
            actor.kind == UnitKind.SCHOOL
            and obj.school is not None
            and (actor.unit_id == obj.school.unit_id)
        )
    return actor.kind == UnitKind.ORG and obj.org is not None and actor.unit_id == obj.org.unit_id


def _proceedings(actor: Actor) -> QuerySet[Proceeding]:
    return proceeding_scope(actor=actor)


P = ProceedingStatus
_NOT_DECIDER = _("只有作出决定的教育行政部门可以执行此操作。")

PROCEEDING: Workflow[Proceeding] = register(
    Workflow(
        name="supervision.proceeding",
        model=Proceeding,
        scope=_proceedings,
        event_model=ProceedingEvent,
        event_fk="proceeding",
        related=("school", "org", "province"),
        moves=(
            Move(
                (P.PROPOSED,),
                "answer",
                P.ANSWERED,
                is_target,
                _("提交申辩"),
                rule="R23",
                denied=_("只有被提出取消资格的学校或组织可以申辩。"),
            ),
            Move(
                (P.PROPOSED, P.ANSWERED),
                "disqualify",
                P.DISQUALIFIED,
                is_decider,
                _("决定取消资格"),
                rule="R23",
                reason_required=True,
                denied=_NOT_DECIDER,
            ),
            Move(
                (P.PROPOSED, P.ANSWERED),
                "dismiss",
                P.DISMISSED,
                is_decider,
                _("决定不予取消"),
                rule="R23",
                reason_required=True,
                denied=_NOT_DECIDER,
            ),
            Move(
                (P.DISQUALIFIED,),
                "reinstate",
                P.REINSTATED,
                is_decider,
                _("决定恢复资格"),
                rule="R23",
                reason_required=True,
                denied=_NOT_DECIDER,
            ),
        ),
    )
)
