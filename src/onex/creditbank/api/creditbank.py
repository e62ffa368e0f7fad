"""The credit bank API (/api/v1/creditbank): learning accounts and outcomes (R37, R44), credit
recording plans (R16), conversion rules and requests (R37), and the conversion report.

parse → selector or service → schema; domain errors become JSON in onex.api.
"""

# No `from __future__ import annotations`: ninja resolves Query[...] parameters at import time.

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from onex.catalog.models import Certificate
from onex.core.actors import request_actor
from onex.core.errors import InvalidInput
from onex.core.limits import CodeText, IdNumberText, PersonNameText, ReasonText, SearchText
from onex.core.params import Id, Pagination
from onex.core.schemas import ErrorOut, TimelineEventOut
from onex.core.scoping import fetch
from onex.creditbank import selectors
from onex.creditbank.models import (
    ConversionExemption,
    ConversionRequest,
    ConversionRule,
    CreditPlan,
    LearningAccount,
    LearningOutcome,
)
from onex.creditbank.services import accounts as account_services
from onex.creditbank.services import clr as clr_services
from onex.creditbank.services import conversion as conversion_services
from onex.creditbank.services import plans as plan_services
from onex.creditbank.workflows import CONVERSION_REQUEST, CREDIT_PLAN
from onex.pilots.models import Specialty
from onex.pilots.selectors.schools import school_of

router = Router(tags=["creditbank"])

Text100 = Field(..., max_length=100)


class LearningOutcomeOut(Schema):
    id: int
    kind: str
    title: str
    level: str
    certificate_number: str | None
    course_name: str
    term: str
    score: Decimal | None
    credits: Decimal
    counted_credits: Decimal
    creditable: bool = Field(..., description="R44: issued from a platform exam (courses: true)")
    status: str
    status_reason: str
    achieved_on: dt.date

    @staticmethod
    def resolve_id(obj: LearningOutcome) -> int:
        return obj.pk

    @staticmethod
    def resolve_certificate_number(obj: LearningOutcome) -> str | None:
        return obj.issued_certificate.number if obj.issued_certificate else None


class ExemptionOut(Schema):
    course_name: str
    course_category: str
    credits: Decimal
    request_id: int
    active: bool

    @staticmethod
    def resolve_active(obj: ConversionExemption) -> bool:
        return obj.request.outcome.status == "active"


class AccountOut(Schema):
    id: int
    holder_name: str
    id_number_masked: str
    opened_via: str
    opened_at: dt.datetime

    @staticmethod
    def resolve_id(obj: LearningAccount) -> int:
        return obj.pk


class SummaryOut(Schema):
    outcomes: int
    credits: Decimal
    suspended_credits: Decimal
    exempted_credits: Decimal


class AccountDetailOut(AccountOut):
    summary: SummaryOut
    outcomes: list[LearningOutcomeOut]
    exemptions: list[ExemptionOut]

    @staticmethod
    def resolve_summary(obj: LearningAccount) -> Any:
        return selectors.account_summary(obj)

    @staticmethod
    def resolve_outcomes(obj: LearningAccount) -> Any:
        return list(obj.outcomes.select_related("issued_certificate"))

    @staticmethod
    def resolve_exemptions(obj: LearningAccount) -> Any:
        return list(selectors.account_exemptions(obj))


class LearningAccountClaimIn(Schema):
    name: PersonNameText
    id_type: CodeText = "resident"
    id_number: IdNumberText


class CourseOutcomeIn(Schema):
    name: PersonNameText
    id_type: CodeText = "resident"
    id_number: IdNumberText
    course: str = Field(..., max_length=100)
    credits: Decimal = Field(..., gt=0, le=30, decimal_places=1)
    score: Decimal | None = Field(None, ge=0, le=100, decimal_places=1)
    term: str = Field(..., max_length=32)
    achieved_on: dt.date | None = None


class MoveIn(Schema):
    reason: ReasonText = ""


class PlanOut(Schema):
    id: int
    certificate_id: int
    certificate_name: str
    level: str
    org_name: str
    credits: Decimal
    outcome_description: str
    course_categories: str
    status: str
    due_on: dt.date
    submitted_on: dt.date | None
    late: bool = Field(..., description="R16: submitted after the due date")
    effective_from: dt.date | None
    decision_reason: str

    @staticmethod
    def resolve_id(obj: CreditPlan) -> int:
        return obj.pk

    @staticmethod
    def resolve_certificate_name(obj: CreditPlan) -> str:
        return obj.certificate.name

    @staticmethod
    def resolve_org_name(obj: CreditPlan) -> str:
        return obj.org.name


class PlanDetailOut(PlanOut):
    timeline: list[TimelineEventOut]
    moves: list[str]

    @staticmethod
    def resolve_timeline(obj: CreditPlan) -> Any:
        return selectors.plan_timeline(obj)

    @staticmethod
    def resolve_moves(obj: CreditPlan, context: dict[str, Any]) -> list[str]:
        return CREDIT_PLAN.allowed_actions(obj, request_actor(context["request"]))


class PlanIn(Schema):
    certificate: CodeText = Field(..., description="Certificate code in the catalogue")
    level: CodeText
    credits: Decimal = Field(..., gt=0, le=30, decimal_places=1)
    outcome_description: ReasonText
    course_categories: ReasonText


class PlanEditIn(Schema):
    credits: Decimal = Field(..., gt=0, le=30, decimal_places=1)
    outcome_description: ReasonText
    course_categories: ReasonText


class OverdueRecordingPlanOut(Schema):
    certificate_code: str
    certificate_name: str
    level: str
    org_name: str
    due_on: dt.date
    plan_id: int | None
    reminders: int


class ConversionRuleOut(Schema):
    id: int
    school_name: str
    specialty_id: int
    specialty_name: str
    certificate_id: int
    certificate_name: str
    level: str
    course_name: str
    course_category: str
    credits: Decimal
    active: bool

    @staticmethod
    def resolve_id(obj: ConversionRule) -> int:
        return obj.pk

    @staticmethod
    def resolve_school_name(obj: ConversionRule) -> str:
        return obj.school.name

    @staticmethod
    def resolve_specialty_name(obj: ConversionRule) -> str:
        return obj.specialty.name

    @staticmethod
    def resolve_certificate_name(obj: ConversionRule) -> str:
        return obj.certificate.name


class RuleIn(Schema):
    specialty_id: Id
    certificate: CodeText = Field(..., description="Certificate code in the catalogue")
    level: CodeText
    course_name: str = Field(..., max_length=100)
    course_category: CodeText = Field(..., description="basic | core")
    credits: Decimal = Field(..., gt=0, le=30, decimal_places=1)


class RequestOut(Schema):
    id: int
    holder_name: str
    outcome_id: int
    outcome_title: str
    school_name: str
    specialty_name: str
    status: str
    note: str
    recognised_credits: Decimal | None
    recognised_on: dt.date | None
    created_at: dt.datetime

    @staticmethod
    def resolve_id(obj: ConversionRequest) -> int:
        return obj.pk

    @staticmethod
    def resolve_holder_name(obj: ConversionRequest) -> str:
        return obj.account.holder_name

    @staticmethod
    def resolve_outcome_title(obj: ConversionRequest) -> str:
        return obj.outcome.title

    @staticmethod
    def resolve_school_name(obj: ConversionRequest) -> str:
        return obj.school.name

    @staticmethod
    def resolve_specialty_name(obj: ConversionRequest) -> str:
        return obj.specialty.name


class RequestDetailOut(RequestOut):
    timeline: list[TimelineEventOut]
    moves: list[str]
    exemptions: list[ExemptionOut]

    @staticmethod
    def resolve_timeline(obj: ConversionRequest) -> Any:
        return selectors.request_timeline(obj)

    @staticmethod
    def resolve_moves(obj: ConversionRequest, context: dict[str, Any]) -> list[str]:
        return CONVERSION_REQUEST.allowed_actions(obj, request_actor(context["request"]))

    @staticmethod
    def resolve_exemptions(obj: ConversionRequest) -> Any:
        return list(obj.exemptions.select_related("request__outcome"))


class RequestIn(Schema):
    outcome_id: Id
    specialty_id: Id
    note: ReasonText = ""


class ReportRowOut(Schema):
    key: str
    label: str
    requests: int
    recognised: int
    credits: Decimal


class ListFilters(Schema):
    q: SearchText | None = None
    status: CodeText | None = None


def _certificate(code: str) -> Certificate:
    certificate = Certificate.objects.select_related("org", "batch").filter(code=code).first()
    if certificate is None:
        raise InvalidInput("未知的证书代码。", field="certificate")
    return certificate


# --- accounts -------------------------------------------------------------------------------------


@router.get(
    "/account",
    response={200: AccountDetailOut, 404: ErrorOut},
    summary="Your own learning account (learners; 404 until opened or claimed)",
)
def my_account(request: HttpRequest) -> Any:
    actor = request_actor(request)
    account = selectors.account_of(actor)
    if account is None:
        return fetch(LearningAccount.objects.none(), pk=0)
    return account


@router.post(
    "/account/claim",
    response={201: AccountDetailOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Open your learning account, or claim the one your first outcome opened",
)
def claim(request: HttpRequest, payload: LearningAccountClaimIn) -> Any:
    account = account_services.account_claim(
        actor=request_actor(request),
        name=payload.name,
        id_type=payload.id_type,
        id_number=payload.id_number,
    )
    return Status(201, account)


LD_JSON = "application/ld+json"


class ClrIdentityCodeOut(Schema):
    identity_check_code: str = Field(
        ...,
        description="The secret salt of the record's identityHash: "
        'sha256(ID number + code) == identityHash without "sha256$"',
    )


@router.get(
    "/account/clr",
    summary="Your whole learning account as one signed 1EdTech CLR 2.0 credential (learners)",
    url_name="creditbank_clr",
    openapi_extra={"responses": {200: {"content": {LD_JSON: {}}}, 404: {}, 409: {}}},
)
def my_clr(request: HttpRequest) -> HttpResponse:
    document = clr_services.clr_download(actor=request_actor(request))
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, separators=(",", ":")),
        content_type=f"{LD_JSON}; charset=utf-8",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@router.get(
    "/account/clr/identity-code",
    response={200: ClrIdentityCodeOut, 404: ErrorOut},
    summary="Your record's identity check code, to give a verifier with your ID card",
)
def my_clr_identity_code(request: HttpRequest) -> Any:
    code = clr_services.clr_identity_code(actor=request_actor(request))
    return {"identity_check_code": code}


@router.get("/accounts", response=list[AccountOut], summary="Learning accounts you may see")
@paginate(Pagination)
def account_list(request: HttpRequest, q: SearchText | None = None) -> Any:
    return selectors.account_list(actor=request_actor(request), q=q)


@router.get(
    "/accounts/{int:account_id}",
    response={200: AccountDetailOut, 404: ErrorOut},
    summary="One learning account with its outcomes, credits and exemptions",
)
def account_detail(request: HttpRequest, account_id: int) -> Any:
    return selectors.account_get(actor=request_actor(request), pk=account_id)


@router.post(
    "/outcomes/courses",
    response={201: LearningOutcomeOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="A school records a course outcome of one of its students (bulk: the imports API)",
)
def course_outcome(request: HttpRequest, payload: CourseOutcomeIn) -> Any:
    actor = request_actor(request)
    school = school_of(actor)
    actor.require(school is not None, "只有试点院校可以记录课程成果。")
    assert school is not None
    outcome = account_services.course_outcome_record(
        actor=actor,
        school=school,
        name=payload.name,
        id_type=payload.id_type,
        id_number=payload.id_number,
        course=payload.course,
        credits=payload.credits,
        score=payload.score,
        term=payload.term,
        achieved_on=payload.achieved_on,
    )
    return Status(201, outcome)


# --- plans (R16) ----------------------------------------------------------------------------------


@router.get("/plans", response=list[PlanOut], summary="Credit recording plans you may see")
@paginate(Pagination)
def plan_list(request: HttpRequest, filters: Query[ListFilters]) -> Any:
    return selectors.plan_list(actor=request_actor(request), q=filters.q, status=filters.status)


@router.get(
    "/plans/overdue",
    response=list[OverdueRecordingPlanOut],
    summary="R16: certificate levels whose plan was not proposed in time",
)
@paginate(Pagination)
def overdue(request: HttpRequest) -> Any:
    return [
        {
            "certificate_code": o.certificate.code,
            "certificate_name": o.certificate.name,
            "level": o.level,
            "org_name": o.org.name,
            "due_on": o.due_on,
            "plan_id": o.plan.pk if o.plan else None,
            "reminders": o.reminders,
        }
        for o in selectors.overdue_plans(actor=request_actor(request))
    ]


@router.post(
    "/plans",
    response={201: PlanDetailOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="The certificate's org drafts its plan for one level",
)
def plan_create(request: HttpRequest, payload: PlanIn) -> Any:
    plan = plan_services.plan_create(
        actor=request_actor(request),
        certificate=_certificate(payload.certificate),
        level=payload.level,
        credits=payload.credits,
        outcome_description=payload.outcome_description,
        course_categories=payload.course_categories,
    )
    return Status(201, plan)


@router.get(
    "/plans/{int:plan_id}",
    response={200: PlanDetailOut, 404: ErrorOut},
    summary="One plan with its timeline and the moves you may take",
)
def plan_detail(request: HttpRequest, plan_id: int) -> Any:
    return selectors.plan_get(actor=request_actor(request), pk=plan_id)


@router.put(
    "/plans/{int:plan_id}",
    response={200: PlanDetailOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Edit a draft or returned plan",
)
def plan_edit(request: HttpRequest, plan_id: int, payload: PlanEditIn) -> Any:
    actor = request_actor(request)
    return plan_services.plan_edit(
        actor=actor,
        plan=selectors.plan_get(actor=actor, pk=plan_id),
        credits=payload.credits,
        outcome_description=payload.outcome_description,
        course_categories=payload.course_categories,
    )


@router.post(
    "/plans/{int:plan_id}/{action}",
    response={200: PlanDetailOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="submit | approve | return (reason required)",
)
def plan_move(request: HttpRequest, plan_id: int, action: CodeText, payload: MoveIn) -> Any:
    actor = request_actor(request)
    return plan_services.plan_move(
        actor=actor,
        plan=selectors.plan_get(actor=actor, pk=plan_id),
        action=action,
        reason=payload.reason,
    )


# --- rules and requests (R37) ---------------------------------------------------------------------


@router.get("/rules", response=list[ConversionRuleOut], summary="Conversion rules you may see")
@paginate(Pagination)
def rule_list(request: HttpRequest, q: SearchText | None = None) -> Any:
    return selectors.rule_list(actor=request_actor(request), q=q)


@router.post(
    "/rules",
    response={201: ConversionRuleOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="A school defines a course a certificate level exempts in one of its specialties",
)
def rule_create(request: HttpRequest, payload: RuleIn) -> Any:
    actor = request_actor(request)
    school = school_of(actor)
    specialty = fetch(
        Specialty.objects.select_related("school", "school__province").filter(school=school),
        pk=payload.specialty_id,
    )
    rule = conversion_services.rule_create(
        actor=actor,
        specialty=specialty,
        certificate=_certificate(payload.certificate),
        level=payload.level,
        course_name=payload.course_name,
        course_category=payload.course_category,
        credits=payload.credits,
    )
    return Status(201, rule)


@router.post(
    "/rules/{int:rule_id}/deactivate",
    response={200: ConversionRuleOut, 403: ErrorOut, 404: ErrorOut},
    summary="Stop using a rule (recognised exemptions keep their snapshot)",
)
def rule_deactivate(request: HttpRequest, rule_id: int) -> Any:
    actor = request_actor(request)
    return conversion_services.rule_deactivate(
        actor=actor, rule=selectors.rule_get(actor=actor, pk=rule_id)
    )


@router.get("/requests", response=list[RequestOut], summary="Conversion requests you may see")
@paginate(Pagination)
def request_list(request: HttpRequest, filters: Query[ListFilters]) -> Any:
    return selectors.request_list(actor=request_actor(request), q=filters.q, status=filters.status)


@router.post(
    "/requests",
    response={201: RequestDetailOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="A learner asks their school to convert a certificate outcome",
)
def request_create(request: HttpRequest, payload: RequestIn) -> Any:
    actor = request_actor(request)
    outcome = selectors.outcome_get(actor=actor, pk=payload.outcome_id)
    specialty = fetch(
        Specialty.objects.select_related("school", "school__province"), pk=payload.specialty_id
    )
    created = conversion_services.request_submit(
        actor=actor, outcome=outcome, specialty=specialty, note=payload.note
    )
    return Status(201, created)


@router.get(
    "/requests/{int:request_id}",
    response={200: RequestDetailOut, 404: ErrorOut},
    summary="One request with its timeline and the moves you may take",
)
def request_detail(request: HttpRequest, request_id: int) -> Any:
    return selectors.request_get(actor=request_actor(request), pk=request_id)


@router.post(
    "/requests/{int:request_id}/{action}",
    response={200: RequestDetailOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary=(
        "department_approve | academic_approve | org_check | recognise | return | resubmit | "
        "withdraw"
    ),
)
def request_move(request: HttpRequest, request_id: int, action: CodeText, payload: MoveIn) -> Any:
    actor = request_actor(request)
    return conversion_services.request_move(
        actor=actor,
        request=selectors.request_get(actor=actor, pk=request_id),
        action=action,
        reason=payload.reason,
    )


@router.get(
    "/report",
    response=list[ReportRowOut],
    summary="Conversions per certificate, school or province (by=certificate|school|province)",
)
def report(request: HttpRequest, by: CodeText = "certificate") -> Any:
    return selectors.conversion_report(actor=request_actor(request), by=by)
