"""The funding API: allocations, expenditures with evidence, the funds flow (R17, R39, R41) and
exam-fee settlements (R29). Every page action has its twin here."""

# No `from __future__ import annotations`: ninja resolves the schema annotations at import time.

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from onex.core.actors import request_actor
from onex.core.errors import NotFound
from onex.core.limits import CodeText, NameText, ReasonText, SearchText
from onex.core.params import Id, Pagination, Year
from onex.core.schemas import ErrorOut, province_by_code
from onex.funding.models import Allocation, Expenditure, Settlement
from onex.funding.selectors import funds as fund_selectors
from onex.funding.selectors import settlements as settlement_selectors
from onex.funding.services import funds as fund_services
from onex.funding.services import settlements as settlement_services
from onex.funding.workflows import ALLOCATION, SETTLEMENT
from onex.pilots.selectors.schools import school_get, school_of

router = Router(tags=["funding"])

_ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# --- schemas ------------------------------------------------------------------------------------


class AllocationIn(Schema):
    school_id: Id
    source: CodeText = Field(..., description="central_award / provincial_special / school_own")
    year: Year
    title: NameText
    document_number: NameText = ""
    amount: Decimal = Field(..., max_digits=14, decimal_places=2, description="Yuan")


class AllocationOut(Schema):
    id: int
    school_id: int
    school_name: str
    province_code: str
    source: str
    source_label: str
    year: int
    title: str
    document_number: str
    amount: Decimal
    spent: Decimal
    balance: Decimal
    status: str
    status_label: str
    recovery_reason: str
    moves: list[str] = Field(..., description="Moves you may take now (R41)")

    @staticmethod
    def resolve_id(obj: Allocation) -> int:
        return obj.pk

    @staticmethod
    def resolve_school_name(obj: Allocation) -> str:
        return obj.school.name

    @staticmethod
    def resolve_province_code(obj: Allocation) -> str:
        return obj.province.code

    @staticmethod
    def resolve_source_label(obj: Allocation) -> str:
        return str(obj.get_source_display())

    @staticmethod
    def resolve_status_label(obj: Allocation) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_balance(obj: Allocation) -> Decimal:
        return obj.balance

    @staticmethod
    def resolve_moves(obj: Allocation, context: dict[str, Any]) -> list[str]:
        return ALLOCATION.allowed_actions(obj, request_actor(context["request"]))


class ExpenditureIn(Schema):
    category: CodeText = Field(
        ..., description="An ExpenditureCategory; a ProhibitedUse is refused (R39)"
    )
    amount: Decimal = Field(..., max_digits=14, decimal_places=2, description="Yuan")
    spent_on: dt.date
    payee: NameText
    purpose: ReasonText


class ExpenditureOut(Schema):
    id: int
    allocation_id: int
    category: str
    category_label: str
    amount: Decimal
    spent_on: dt.date
    payee: str
    purpose: str
    evidence_url: str

    @staticmethod
    def resolve_id(obj: Expenditure) -> int:
        return obj.pk

    @staticmethod
    def resolve_category_label(obj: Expenditure) -> str:
        return str(obj.get_category_display())

    @staticmethod
    def resolve_evidence_url(obj: Expenditure) -> str:
        return f"/funding/expenditures/{obj.pk}/evidence/"


class FundingReasonIn(Schema):
    reason: ReasonText = ""


class FlowLinkOut(Schema):
    stage: str
    source: str
    target: str
    value: Decimal


class FlowOut(Schema):
    province_code: str | None
    year: int | None
    allocated: Decimal
    spent: Decimal
    balance: Decimal
    links: list[FlowLinkOut]


class SettlementDueOut(Schema):
    plan_id: int
    plan_title: str
    exam_date: dt.date
    org_name: str
    school_id: int
    school_name: str
    registrations: int
    amount_due: Decimal
    deadline: dt.date
    settlement_id: int | None
    settlement_status: str | None
    settled: bool
    overdue: bool


class SettlementIn(Schema):
    plan_id: Id
    amount: Decimal = Field(..., max_digits=14, decimal_places=2)
    settled_on: dt.date
    note: ReasonText = ""


class SettlementResubmitIn(Schema):
    amount: Decimal = Field(..., max_digits=14, decimal_places=2)
    settled_on: dt.date
    note: ReasonText = ""


class SettlementOut(Schema):
    id: int
    plan_id: int
    plan_title: str
    school_id: int
    school_name: str
    org_name: str
    amount_due: Decimal
    amount: Decimal
    settled_on: dt.date
    note: str
    status: str
    status_label: str
    moves: list[str] = Field(..., description="Moves you may take now (R29)")

    @staticmethod
    def resolve_id(obj: Settlement) -> int:
        return obj.pk

    @staticmethod
    def resolve_plan_title(obj: Settlement) -> str:
        return obj.plan.title

    @staticmethod
    def resolve_school_name(obj: Settlement) -> str:
        return obj.school.name

    @staticmethod
    def resolve_org_name(obj: Settlement) -> str:
        return obj.org.name

    @staticmethod
    def resolve_status_label(obj: Settlement) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_moves(obj: Settlement, context: dict[str, Any]) -> list[str]:
        return SETTLEMENT.allowed_actions(obj, request_actor(context["request"]))


# --- allocations --------------------------------------------------------------------------------


@router.get("/allocations", response=list[AllocationOut], summary="Allocations you may see")
@paginate(Pagination)
def allocation_list(
    request: HttpRequest,
    q: SearchText = "",
    source: CodeText = "",
    status: CodeText = "",
    province: CodeText = "",
    year: Year | None = None,
) -> Any:
    return fund_selectors.allocation_list(
        actor=request_actor(request),
        q=q,
        source=source,
        status=status,
        province=province_by_code(province) if province else None,
        year=year,
    )


@router.post(
    "/allocations",
    response={201: AllocationOut, **_ERRORS},
    summary="Assign money from a source to a school (Ministry, province or the school itself)",
)
def allocation_create(request: HttpRequest, payload: AllocationIn) -> Status[Allocation]:
    actor = request_actor(request)
    allocation = fund_services.allocation_create(
        actor=actor,
        school=school_get(actor=actor, pk=payload.school_id),
        source=payload.source,
        year=payload.year,
        title=payload.title,
        document_number=payload.document_number,
        amount=payload.amount,
    )
    return Status(201, allocation)


@router.get(
    "/allocations/{pk}",
    response={200: AllocationOut, 404: ErrorOut},
    summary="One allocation with its amounts spent and balance",
)
def allocation_detail(request: HttpRequest, pk: Id) -> Allocation:
    return fund_selectors.allocation_get(actor=request_actor(request), pk=pk)


@router.post(
    "/allocations/{pk}/mark_for_recovery",
    response={200: AllocationOut, **_ERRORS},
    summary="Freeze special funds for recovery (R41; the school's province or the Ministry)",
)
def allocation_mark_for_recovery(
    request: HttpRequest, pk: Id, payload: FundingReasonIn
) -> Allocation:
    actor = request_actor(request)
    allocation = fund_selectors.allocation_get(actor=actor, pk=pk)
    return fund_services.allocation_mark_for_recovery(
        actor=actor, allocation=allocation, reason=payload.reason
    )


@router.post(
    "/allocations/{pk}/recover",
    response={200: AllocationOut, **_ERRORS},
    summary="Record that the frozen balance was returned (R41; the province or the Ministry)",
)
def allocation_recover(request: HttpRequest, pk: Id, payload: FundingReasonIn) -> Allocation:
    actor = request_actor(request)
    allocation = fund_selectors.allocation_get(actor=actor, pk=pk)
    return fund_services.allocation_recover(
        actor=actor, allocation=allocation, reason=payload.reason
    )


@router.post(
    "/allocations/{pk}/restore",
    response={200: AllocationOut, **_ERRORS},
    summary="Undo a recovery mark, e.g. when the disqualification was withdrawn",
)
def allocation_restore(request: HttpRequest, pk: Id, payload: FundingReasonIn) -> Allocation:
    actor = request_actor(request)
    allocation = fund_selectors.allocation_get(actor=actor, pk=pk)
    return fund_services.allocation_restore(
        actor=actor, allocation=allocation, reason=payload.reason
    )


@router.get(
    "/allocations/{pk}/expenditures",
    response={200: list[ExpenditureOut], 404: ErrorOut},
    summary="Payments recorded against an allocation, with their evidence",
)
@paginate(Pagination)
def expenditure_list(
    request: HttpRequest, pk: Id, q: SearchText = "", category: CodeText = ""
) -> Any:
    actor = request_actor(request)
    allocation = fund_selectors.allocation_get(actor=actor, pk=pk)
    return fund_selectors.expenditure_list(
        actor=actor, allocation=allocation, q=q, category=category
    )


@router.post(
    "/allocations/{pk}/expenditures",
    response={201: ExpenditureOut, **_ERRORS},
    summary="The school records a payment with its evidence (multipart); R17 balance, R39 uses",
)
def expenditure_record(
    request: HttpRequest,
    pk: Id,
    payload: Form[ExpenditureIn],
    evidence: File[UploadedFile],
) -> Status[Expenditure]:
    actor = request_actor(request)
    allocation = fund_selectors.allocation_get(actor=actor, pk=pk)
    row = fund_services.expenditure_record(
        actor=actor,
        allocation=allocation,
        category=payload.category,
        amount=payload.amount,
        spent_on=payload.spent_on,
        payee=payload.payee,
        purpose=payload.purpose,
        evidence=evidence,
    )
    return Status(201, row)


@router.get("/flow", response={200: FlowOut, 404: ErrorOut}, summary="Funds flow of a province")
def flow(request: HttpRequest, province: CodeText = "", year: Year | None = None) -> dict[str, Any]:
    actor = request_actor(request)
    division = province_by_code(province) if province else None
    data = fund_selectors.funds_flow(actor=actor, province=division, year=year)
    return {
        "province_code": division.code if division else None,
        "year": year,
        "allocated": data.allocated,
        "spent": data.spent,
        "balance": data.balance,
        "links": [
            {"stage": x.stage, "source": x.source, "target": x.target, "value": x.value}
            for x in data.links
        ],
    }


# --- R29: settlements ---------------------------------------------------------------------------


@router.get(
    "/settlements/due",
    response=list[SettlementDueOut],
    summary="Completed exams with school-paid fees and their settlement (R29)",
)
@paginate(Pagination)
def settlements_due(request: HttpRequest, overdue: bool = False, q: SearchText = "") -> Any:
    today = timezone.localdate()
    dues = settlement_selectors.settlements_due(actor=request_actor(request), q=q)
    if overdue:
        dues = [d for d in dues if d.overdue(today)]
    return [
        {
            "plan_id": d.plan.pk,
            "plan_title": d.plan.title,
            "exam_date": d.plan.exam_date,
            "org_name": d.plan.org.name,
            "school_id": d.school.pk,
            "school_name": d.school.name,
            "registrations": d.registrations,
            "amount_due": d.amount_due,
            "deadline": d.deadline,
            "settlement_id": d.settlement.pk if d.settlement else None,
            "settlement_status": d.settlement.status if d.settlement else None,
            "settled": d.settled,
            "overdue": d.overdue(today),
        }
        for d in dues
    ]


@router.post(
    "/settlements",
    response={201: SettlementOut, **_ERRORS},
    summary="The school records that it paid the org the fees of a completed exam (R29)",
)
def settlement_record(request: HttpRequest, payload: SettlementIn) -> Status[Settlement]:
    actor = request_actor(request)
    school = school_of(actor)
    if school is None:
        raise NotFound(_("只有付费的学校可以记录结算。"))
    due = settlement_selectors.settlement_due_for(
        actor=actor, plan_id=payload.plan_id, school=school
    )
    if due is None:
        raise NotFound(_("该考核没有本校应付的费用，或您无权查看。"))
    row = settlement_services.settlement_record(
        actor=actor,
        school=school,
        plan=due.plan,
        amount=payload.amount,
        settled_on=payload.settled_on,
        note=payload.note,
    )
    return Status(201, row)


@router.get(
    "/settlements/{pk}",
    response={200: SettlementOut, 404: ErrorOut},
    summary="One settlement of exam fees between a school and an org (R29)",
)
def settlement_detail(request: HttpRequest, pk: Id) -> Settlement:
    return settlement_selectors.settlement_get(actor=request_actor(request), pk=pk)


@router.post(
    "/settlements/{pk}/confirm",
    response={200: SettlementOut, **_ERRORS},
    summary="The org confirms the money arrived: the exam counts as settled (R29)",
)
def settlement_confirm(request: HttpRequest, pk: Id) -> Settlement:
    actor = request_actor(request)
    row = settlement_selectors.settlement_get(actor=actor, pk=pk)
    return settlement_services.settlement_confirm(actor=actor, settlement=row)


@router.post(
    "/settlements/{pk}/dispute",
    response={200: SettlementOut, **_ERRORS},
    summary="The org disputes a settlement, with a reason (R29)",
)
def settlement_dispute(request: HttpRequest, pk: Id, payload: FundingReasonIn) -> Settlement:
    actor = request_actor(request)
    row = settlement_selectors.settlement_get(actor=actor, pk=pk)
    return settlement_services.settlement_dispute(
        actor=actor, settlement=row, reason=payload.reason
    )


@router.post(
    "/settlements/{pk}/resubmit",
    response={200: SettlementOut, **_ERRORS},
    summary="The school corrects a disputed settlement and submits it again (R29)",
)
def settlement_resubmit(request: HttpRequest, pk: Id, payload: SettlementResubmitIn) -> Settlement:
    actor = request_actor(request)
    row = settlement_selectors.settlement_get(actor=actor, pk=pk)
    return settlement_services.settlement_resubmit(
        actor=actor,
        settlement=row,
        amount=payload.amount,
        settled_on=payload.settled_on,
        note=payload.note,
    )
