"""Declared moves of funding's stateful objects: allocations (R41 recovery) and settlements (R29).

Expenditures are an append-only ledger, not a workflow: they are recorded, never edited.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from onex.core.actors import Actor
from onex.core.errors import RuleViolation
from onex.core.models import UnitKind
from onex.core.workflows import Move, Workflow, register
from onex.funding.models import (
    Allocation,
    AllocationEvent,
    AllocationStatus,
    Settlement,
    SettlementEvent,
    SettlementStatus,
)
from onex.funding.selectors.funds import allocation_scope
from onex.funding.selectors.settlements import settlement_scope


def is_recovery_authority(actor: Actor, allocation: Allocation) -> bool:
    """The school's province or the Ministry marks and recovers special funds (R41)."""
    if actor.is_system or actor.kind == UnitKind.MINISTRY:
        return True
    return actor.kind == UnitKind.PROVINCE and actor.province_id == allocation.province_id


def is_settlement_org(actor: Actor, settlement: Settlement) -> bool:
    return actor.kind == UnitKind.ORG and settlement.org.unit_id == actor.unit_id


def is_settlement_school(actor: Actor, settlement: Settlement) -> bool:
    return actor.kind == UnitKind.SCHOOL and settlement.school.unit_id == actor.unit_id


def special_only(allocation: Allocation) -> None:
    """Only special funds are recovered on disqualification (R41); a school's own money is not."""
    if not allocation.is_special:
        raise RuleViolation("R41", _("只有专项资金（中央奖补、省级专项）可以收回。"))


ALLOCATION = register(
    Workflow(
        name="funding.allocation",
        model=Allocation,
        scope=lambda actor: allocation_scope(actor=actor),
        event_model=AllocationEvent,
        event_fk="allocation",
        related=("school", "province"),
        moves=(
            Move(
                (AllocationStatus.ACTIVE,),
                "mark_for_recovery",
                AllocationStatus.FOR_RECOVERY,
                is_recovery_authority,
                _("标记待收回"),
                rule="R41",
                reason_required=True,
                denied=_("只有学校所在省份的教育行政部门或教育部可以收回专项资金。"),
                precheck=special_only,
            ),
            Move(
                (AllocationStatus.FOR_RECOVERY,),
                "recover",
                AllocationStatus.RECOVERED,
                is_recovery_authority,
                _("确认已收回"),
                rule="R41",
                denied=_("只有学校所在省份的教育行政部门或教育部可以收回专项资金。"),
            ),
            Move(
                (AllocationStatus.FOR_RECOVERY,),
                "restore",
                AllocationStatus.ACTIVE,
                is_recovery_authority,
                _("撤销收回"),
                rule="R41",
                reason_required=True,
                denied=_("只有学校所在省份的教育行政部门或教育部可以收回专项资金。"),
            ),
        ),
    )
)

SETTLEMENT = register(
    Workflow(
        name="funding.settlement",
        model=Settlement,
        scope=lambda actor: settlement_scope(actor=actor),
        event_model=SettlementEvent,
        event_fk="settlement",
        related=("plan", "school", "org", "province"),
        moves=(
            Move(
                (SettlementStatus.RECORDED,),
                "confirm",
                SettlementStatus.CONFIRMED,
                is_settlement_org,
                _("确认已结清"),
                rule="R29",
                denied=_("只有收费的培训评价组织可以确认结算。"),
            ),
            Move(
                (SettlementStatus.RECORDED,),
                "dispute",
                SettlementStatus.DISPUTED,
                is_settlement_org,
                _("提出异议"),
                rule="R29",
                reason_required=True,
                denied=_("只有收费的培训评价组织可以提出异议。"),
            ),
            Move(
                (SettlementStatus.DISPUTED,),
                "resubmit",
                SettlementStatus.RECORDED,
                is_settlement_school,
                _("重新提交结算"),
                rule="R29",
                denied=_("只有付费的学校可以重新提交结算。"),
            ),
        ),
    )
)
