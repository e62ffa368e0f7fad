"""Writes of allocations and expenditures (R17, R39, R41).

R17: every expenditure names its allocation; it is recorded under a row lock on the allocation
and refused beyond the allocation's balance (the database refuses it too:
``funding_allocation_spent_within_amount``). R39: special funds refuse the prohibited uses, by
category and by the words of the stated purpose. R41: special funds of a disqualified school
are marked for recovery and frozen.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.catalog.services.uploads import sniff_upload
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import InvalidInput, RuleViolation
from onex.core.limits import NAME_MAX, REASON_MAX
from onex.core.models import UnitKind
from onex.core.params import MAX_YEAR, MIN_YEAR
from onex.core.scoping import fetch
from onex.core.workflows import perform
from onex.funding.models import (
    SPECIAL_SOURCES,
    Allocation,
    AllocationEvent,
    AllocationStatus,
    Expenditure,
    ExpenditureCategory,
    FundSource,
    ProhibitedUse,
)
from onex.funding.selectors.funds import allocation_scope
from onex.funding.workflows import ALLOCATION
from onex.pilots.models import School
from onex.pilots.selectors.schools import school_get

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")  # what max_digits=14, decimal_places=2 holds

#: R39: words in a stated purpose that name a prohibited use (003 四.2).
PROHIBITED_WORDS: dict[str, tuple[str, ...]] = {
    ProhibitedUse.BALANCE_BUDGET: ("平衡预算", "弥补预算"),
    ProhibitedUse.REPAY_DEBT: ("偿还债务", "偿债", "还债", "还贷", "贷款", "借款"),
    ProhibitedUse.PAY_INTEREST: ("支付利息", "利息"),
    ProhibitedUse.EXTERNAL_INVESTMENT: ("对外投资", "投资入股", "理财"),
    ProhibitedUse.OTHER_PROJECT_GAP: ("弥补其他项目", "其他项目资金缺口", "项目缺口"),
    ProhibitedUse.WORK_FEES: ("工作经费",),
    ProhibitedUse.MANAGEMENT_FEES: ("管理经费", "管理费"),
}


def money(value: object, *, field: str = "amount", allow_zero: bool = False) -> Decimal:
    """A yuan amount as a 2-place Decimal; floats are refused, not rounded into pennies."""
    if isinstance(value, float):
        raise InvalidInput(_("金额必须以十进制数表示。"), field=field)
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("请输入有效的金额。"), field=field) from None
    if not amount.is_finite():
        raise InvalidInput(_("请输入有效的金额。"), field=field)
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise InvalidInput(_("金额最多保留两位小数（分）。"), field=field)
    amount = amount.quantize(CENT)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise InvalidInput(_("金额必须大于 0。"), field=field)
    if amount > MAX_AMOUNT:
        raise InvalidInput(_("金额过大。"), field=field)
    return amount


def _text(value: str, *, field: str, maximum: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("此项为必填项。"), field=field)
    if len(value) > maximum:
        raise InvalidInput(_("不能超过 %(n)s 个字符。") % {"n": maximum}, field=field)
    return value


# --- allocations --------------------------------------------------------------------------------


def may_allocate(actor: Actor, source: str, school: School) -> bool:
    """Who assigns which money: the Ministry the central award, the school's province its
    special fund, the school its own funds."""
    if actor.is_system:
        return True
    if source == FundSource.CENTRAL_AWARD:
        return actor.kind == UnitKind.MINISTRY
    if source == FundSource.PROVINCIAL_SPECIAL:
        return actor.kind == UnitKind.PROVINCE and actor.province_id == school.province_id
    if source == FundSource.SCHOOL_OWN:
        return actor.kind == UnitKind.SCHOOL and actor.unit_id == school.unit_id
    return False


def allocation_create(
    *,
    actor: Actor,
    school: School,
    source: str,
    year: int,
    title: str,
    amount: object,
    document_number: str = "",
) -> Allocation:
    """Assign money from ``source`` to ``school`` (the start of every yuan's trail, R17)."""
    school = school_get(actor=actor, pk=school.pk)  # outside the actor's scope: 404
    if source not in FundSource.values:
        raise InvalidInput(_("请选择资金来源。"), field="source")
    actor.require(may_allocate(actor, source, school), _("您无权下达该来源的资金。"))
    actor.require_write()
    if not (MIN_YEAR <= int(year) <= MAX_YEAR):
        raise InvalidInput(_("请输入有效的年度。"), field="year")
    title = _text(title, field="title", maximum=NAME_MAX)
    document_number = _text(
        document_number, field="document_number", maximum=NAME_MAX, required=False
    )
    value = money(amount)
    with transaction.atomic():
        allocation = Allocation.objects.create(
            school=school,
            province_id=school.province_id,
            source=source,
            year=int(year),
            title=title,
            document_number=document_number,
            amount=value,
            created_by=actor.unit or school.unit,
        )
        AllocationEvent.record(
            actor=actor,
            allocation=allocation,
            action="create",
            from_status="",
            to_status=allocation.status,
        )
        audit_record(
            actor=actor,
            action="funding.allocation.create",
            target=allocation,
            new={
                "school": school.pk,
                "source": source,
                "year": int(year),
                "amount": str(value),
                "document_number": document_number,
            },
        )
    return allocation


# --- expenditures (R17, R39) --------------------------------------------------------------------


def prohibited_use_in(text: str) -> str | None:
    """The prohibited use (R39) a stated purpose names, or None."""
    for use, words in PROHIBITED_WORDS.items():
        if any(word in text for word in words):
            return use
    return None


def check_permitted_use(*, allocation: Allocation, category: str, purpose: str) -> None:
    """R39: special funds are never used for the prohibited purposes."""
    labels = dict(ProhibitedUse.choices)
    if category in ProhibitedUse.values:
        if allocation.source in SPECIAL_SOURCES:
            raise RuleViolation(
                "R39",
                _("专项资金不得用于“%(use)s”。") % {"use": labels[category]},
                field="category",
                details={"prohibited_use": category},
            )
        raise InvalidInput(_("该用途不属于试点工作支出。"), field="category")
    if category not in ExpenditureCategory.values:
        raise InvalidInput(_("请选择支出类别。"), field="category")
    found = prohibited_use_in(purpose)
    if found is not None and allocation.source in SPECIAL_SOURCES:
        raise RuleViolation(
            "R39",
            _("用途说明涉及“%(use)s”，专项资金不得用于此类支出。") % {"use": labels[found]},
            field="purpose",
            details={"prohibited_use": found},
        )


def check_within_balance(*, allocation: Allocation, amount: Decimal) -> None:
    """R17: an expenditure cannot exceed what is left of its allocation."""
    balance = allocation.amount - allocation.spent
    if amount > balance:
        raise RuleViolation(
            "R17",
            _("支出 %(amount)s 元超过该笔资金的余额 %(balance)s 元。")
            % {"amount": amount, "balance": balance},
            field="amount",
            details={"balance": str(balance), "amount": str(amount)},
        )


def expenditure_record(
    *,
    actor: Actor,
    allocation: Allocation,
    category: str,
    amount: object,
    spent_on: dt.date,
    payee: str,
    purpose: str,
    evidence: File[Any] | None,
) -> Expenditure:
    """The school records one payment out of one of its allocations, with its evidence."""
    value = money(amount)
    payee = _text(payee, field="payee", maximum=NAME_MAX)
    purpose = _text(purpose, field="purpose", maximum=REASON_MAX)
    if spent_on > timezone.localdate():
        raise InvalidInput(_("支出日期不能晚于今天。"), field="spent_on")
    if evidence is None:
        raise InvalidInput(_("请上传支出凭证。"), field="evidence")
    sniff_upload(evidence, allowed=("pdf", "png", "jpeg"), field_name="evidence")
    with transaction.atomic():
        # The lock serializes two payments out of one allocation, so neither sees a stale balance.
        locked = fetch(
            allocation_scope(actor=actor).select_for_update(of=("self",)), pk=allocation.pk
        )
        actor.require(
            actor.kind == UnitKind.SCHOOL and locked.school.unit_id == actor.unit_id,
            _("只有获得资金的学校可以记录支出。"),
        )
        actor.require_write()
        if locked.status != AllocationStatus.ACTIVE:
            raise RuleViolation(
                "R41", _("该笔资金已标记收回，不能再支出。"), details={"status": locked.status}
            )
        check_permitted_use(allocation=locked, category=category, purpose=purpose)
        check_within_balance(allocation=locked, amount=value)
        row = Expenditure(
            allocation=locked,
            category=category,
            amount=value,
            spent_on=spent_on,
            payee=payee,
            purpose=purpose,
            recorded_by=actor.user,
        )
        row.evidence.save(evidence.name or "evidence", evidence, save=False)
        row.save()
        Allocation.objects.filter(pk=locked.pk).update(spent=F("spent") + value)
        audit_record(
            actor=actor,
            action="funding.expenditure.record",
            target=row,
            new={
                "allocation": locked.pk,
                "category": category,
                "amount": str(value),
                "spent_on": spent_on.isoformat(),
                "balance": str(locked.amount - locked.spent - value),
            },
        )
    allocation.refresh_from_db(fields=["spent"])
    return row


# --- R41: recovery ------------------------------------------------------------------------------


def allocation_mark_for_recovery(
    *, actor: Actor, allocation: Allocation, reason: str
) -> Allocation:
    """Freeze a special-fund allocation for recovery (R41): no further expenditure."""
    return perform(
        ALLOCATION,
        actor=actor,
        obj=allocation,
        action="mark_for_recovery",
        reason=reason,
        changes=lambda locked: {"recovery_reason": reason.strip()[:REASON_MAX]},
    )


def allocation_recover(*, actor: Actor, allocation: Allocation, reason: str = "") -> Allocation:
    """The province records that the unspent balance was returned."""
    return perform(ALLOCATION, actor=actor, obj=allocation, action="recover", reason=reason)


def allocation_restore(*, actor: Actor, allocation: Allocation, reason: str) -> Allocation:
    """Undo a mark for recovery (e.g. the disqualification was withdrawn)."""
    return perform(
        ALLOCATION,
        actor=actor,
        obj=allocation,
        action="restore",
        reason=reason,
        changes={"recovery_reason": ""},
    )


def school_special_funds_mark_for_recovery(
    *, actor: Actor, school: School, reason: str
) -> list[Allocation]:
    """R41, for the supervision side: a disqualified school's active special funds are marked
    for recovery, every one on its own timeline. Returns the allocations marked."""
    marked: list[Allocation] = []
    with transaction.atomic():
        rows = allocation_scope(actor=actor).filter(
            school=school, source__in=SPECIAL_SOURCES, status=AllocationStatus.ACTIVE
        )
        for allocation in list(rows):
            marked.append(
                allocation_mark_for_recovery(actor=actor, allocation=allocation, reason=reason)
            )
    return marked
