"""The feedback API: public submission and follow-up, answers (R21), concentrated issues (R22),
evaluations (R21) and progress reports (R03)."""

# No `from __future__ import annotations`: ninja resolves the schema annotations at import time.

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from onex.catalog.selectors.orgs import org_get
from onex.certificates.selectors.certificates import RateLimited
from onex.core.actors import request_actor
from onex.core.errors import InvalidInput, NotFound
from onex.core.limits import CodeText, DocumentText, NameText, ReasonText, SearchText
from onex.core.models import Unit, UnitKind
from onex.core.params import Id, Pagination
from onex.core.schemas import ErrorOut, province_by_code
from onex.feedback.models import Evaluation, Feedback, ProgressReport, RectificationOrder
from onex.feedback.selectors import feedback as selectors
from onex.feedback.selectors import progress
from onex.feedback.services import feedback as services
from onex.feedback.services.public import follow_rate_check
from onex.feedback.workflows import FEEDBACK, ORDER

router = Router(tags=["feedback"])
public_router = Router(tags=["feedback (public)"], auth=None)

_ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class FeedbackIn(Schema):
    category: CodeText
    subject_kind: CodeText = Field(..., description="org / school")
    org_id: Id | None = None
    school_code: CodeText = Field("", description="The school's 10-digit code")
    province: CodeText = Field("", description="For an org: the province where it happened")
    text: ReasonText
    contact: NameText = ""


class SubmittedOut(Schema):
    reference: str
    code: str = Field(..., description="Shown once: keep it to follow the feedback")
    due_on: dt.date
    responsible: str


class FollowIn(Schema):
    reference: CodeText
    code: CodeText


class FollowOut(Schema):
    reference: str
    category: str
    status: str
    due_on: dt.date
    answer: str
    answered_at: dt.datetime | None


class FeedbackOut(Schema):
    id: int
    reference: str
    category: str
    subject_kind: str
    org_name: str | None
    school_name: str | None
    province_code: str | None
    text: str
    status: str
    due_on: dt.date
    answer: str
    answered_at: dt.datetime | None
    order_id: int | None
    legacy_brand_complaint_id: int | None
    moves: list[str] = Field(..., description="Moves you may take now (R21)")

    @staticmethod
    def resolve_id(obj: Feedback) -> int:
        return obj.pk

    @staticmethod
    def resolve_org_name(obj: Feedback) -> str | None:
        return obj.org.name if obj.org else None

    @staticmethod
    def resolve_school_name(obj: Feedback) -> str | None:
        return obj.school.name if obj.school else None

    @staticmethod
    def resolve_province_code(obj: Feedback) -> str | None:
        return obj.province.code if obj.province else None

    @staticmethod
    def resolve_moves(obj: Feedback, context: dict[str, Any]) -> list[str]:
        return FEEDBACK.allowed_actions(obj, request_actor(context["request"]))


class TextIn(Schema):
    text: ReasonText = ""


class OrderReportIn(Schema):
    text: DocumentText


class OrderOut(Schema):
    id: int
    org_id: int
    org_name: str
    category: str
    complaints: int
    opened_on: dt.date
    deadline: dt.date
    status: str
    rectification: str
    moves: list[str] = Field(..., description="Moves you may take now (R22)")

    @staticmethod
    def resolve_id(obj: RectificationOrder) -> int:
        return obj.pk

    @staticmethod
    def resolve_org_name(obj: RectificationOrder) -> str:
        return obj.org.name

    @staticmethod
    def resolve_moves(obj: RectificationOrder, context: dict[str, Any]) -> list[str]:
        return ORDER.allowed_actions(obj, request_actor(context["request"]))


class QualityEvaluationIn(Schema):
    kind: CodeText = Field(..., description="self / third_party")
    subject_unit_id: Id
    evaluator: NameText = ""
    period: NameText
    score: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    summary: DocumentText


class QualityEvaluationOut(Schema):
    id: int
    kind: str
    subject_unit_id: int
    subject_name: str
    evaluator: str
    period: str
    score: Decimal | None
    summary: str

    @staticmethod
    def resolve_id(obj: Evaluation) -> int:
        return obj.pk

    @staticmethod
    def resolve_subject_unit_id(obj: Evaluation) -> int:
        return obj.subject_id

    @staticmethod
    def resolve_subject_name(obj: Evaluation) -> str:
        return obj.subject.name


class ProgressReportIn(Schema):
    period_start: dt.date = Field(..., description="First day of the report period (R03)")
    progress: DocumentText
    experience: DocumentText = ""
    typical_case_title: NameText = ""
    typical_case: DocumentText = ""
    problems: DocumentText = ""
    suggestions: ReasonText = ""


class ProgressReportOut(Schema):
    id: int
    unit_name: str
    period: str
    period_start: dt.date | None
    period_end: dt.date | None
    due_on: dt.date | None
    is_late: bool
    progress: str
    experience: str
    typical_case_title: str
    typical_case: str
    problems: str
    suggestions: str
    created_at: dt.datetime

    @staticmethod
    def resolve_id(obj: ProgressReport) -> int:
        return obj.pk

    @staticmethod
    def resolve_unit_name(obj: ProgressReport) -> str:
        return obj.unit.name


# --- public -------------------------------------------------------------------------------------


def _rate_limited(exc: RateLimited) -> HttpResponse:
    response = HttpResponse(
        json.dumps(exc.as_dict(), ensure_ascii=False),
        status=429,
        content_type="application/json; charset=utf-8",
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@public_router.post(
    "/feedback",
    response={201: SubmittedOut, 404: ErrorOut, 422: ErrorOut},
    summary="Anyone submits feedback or a complaint about an org or a school (R21)",
)
def feedback_submit(request: HttpRequest, payload: FeedbackIn) -> Any:
    school = selectors.school_by_code(payload.school_code)
    done = services.feedback_submit(
        actor=request_actor(request),
        category=payload.category,
        subject_kind=payload.subject_kind,
        org=org_get(pk=payload.org_id) if payload.org_id else None,
        school=school,
        province=province_by_code(payload.province) if payload.province else None,
        text=payload.text,
        contact=payload.contact,
    )
    row = done.feedback
    return Status(
        201,
        {
            "reference": row.reference,
            "code": done.code,
            "due_on": row.due_on,
            "responsible": row.province.code if row.province else "ministry",
        },
    )


@public_router.post(
    "/feedback/follow",
    response={200: FollowOut, 404: ErrorOut, 429: ErrorOut},
    summary="Follow feedback with its reference and code (rate-limited per IP)",
)
def feedback_follow(request: HttpRequest, payload: FollowIn) -> Any:
    try:
        follow_rate_check(ip=request_actor(request).ip)
    except RateLimited as exc:
        return _rate_limited(exc)
    row = selectors.feedback_follow(reference=payload.reference, code=payload.code)
    if row is None:
        raise NotFound(_("受理编号或查询码不正确。"))
    return row


# --- signed in ----------------------------------------------------------------------------------


@router.get("/items", response=list[FeedbackOut], summary="Feedback routed to you or sent by you")
@paginate(Pagination)
def feedback_list(
    request: HttpRequest, q: SearchText = "", category: CodeText = "", status: CodeText = ""
) -> Any:
    return selectors.feedback_list(
        actor=request_actor(request), q=q, category=category, status=status
    )


@router.get(
    "/items/{pk}",
    response={200: FeedbackOut, 404: ErrorOut},
    summary="One piece of feedback routed to you or sent by you",
)
def feedback_detail(request: HttpRequest, pk: Id) -> Feedback:
    return selectors.feedback_get(actor=request_actor(request), pk=pk)


@router.post(
    "/items/{pk}/answer",
    response={200: FeedbackOut, **_ERRORS},
    summary="The responsible province (or the Ministry) answers feedback (R21)",
)
def feedback_answer(request: HttpRequest, pk: Id, payload: TextIn) -> Feedback:
    actor = request_actor(request)
    row = selectors.feedback_get(actor=actor, pk=pk)
    return services.feedback_answer(actor=actor, feedback=row, answer=payload.text)


@router.get("/issues", response=list[OrderOut], summary="Concentrated issues (R22)")
@paginate(Pagination)
def order_list(request: HttpRequest, status: CodeText = "", q: SearchText = "") -> Any:
    return selectors.order_list(actor=request_actor(request), status=status, q=q)


@router.get(
    "/issues/{pk}",
    response={200: OrderOut, 404: ErrorOut},
    summary="One concentrated issue and its rectification order (R22)",
)
def order_detail(request: HttpRequest, pk: Id) -> RectificationOrder:
    return selectors.order_get(actor=request_actor(request), pk=pk)


@router.post(
    "/issues/{pk}/report",
    response={200: OrderOut, **_ERRORS},
    summary="The org reports how it rectified a concentrated issue (R22)",
)
def order_report(request: HttpRequest, pk: Id, payload: OrderReportIn) -> RectificationOrder:
    actor = request_actor(request)
    order = selectors.order_get(actor=actor, pk=pk)
    return services.order_report(actor=actor, order=order, rectification=payload.text)


@router.post(
    "/issues/{pk}/accept",
    response={200: OrderOut, **_ERRORS},
    summary="The Ministry accepts the org's rectification (R22)",
)
def order_accept(request: HttpRequest, pk: Id, payload: TextIn) -> RectificationOrder:
    actor = request_actor(request)
    order = selectors.order_get(actor=actor, pk=pk)
    return services.order_accept(actor=actor, order=order, reason=payload.text)


@router.post(
    "/issues/{pk}/return",
    response={200: OrderOut, **_ERRORS},
    summary="The Ministry returns the rectification to the org, with a reason (R22)",
)
def order_return(request: HttpRequest, pk: Id, payload: TextIn) -> RectificationOrder:
    actor = request_actor(request)
    order = selectors.order_get(actor=actor, pk=pk)
    return services.order_return(actor=actor, order=order, reason=payload.text)


@router.get(
    "/evaluations",
    response=list[QualityEvaluationOut],
    summary="Self-evaluations and third-party evaluations you may see (R21)",
)
@paginate(Pagination)
def evaluation_list(request: HttpRequest, q: SearchText = "", kind: CodeText = "") -> Any:
    return selectors.evaluation_list(actor=request_actor(request), q=q, kind=kind)


@router.post(
    "/evaluations",
    response={201: QualityEvaluationOut, **_ERRORS},
    summary="File a self-evaluation, or a commissioned third party's evaluation (R21)",
)
def evaluation_file(request: HttpRequest, payload: QualityEvaluationIn) -> Status[Evaluation]:
    subject = Unit.objects.filter(pk=payload.subject_unit_id).first()
    if subject is None:
        raise NotFound(_("未找到该记录，或您无权查看。"))
    row = services.evaluation_file(
        actor=request_actor(request),
        kind=payload.kind,
        subject=subject,
        evaluator=payload.evaluator,
        period=payload.period,
        score=payload.score,
        summary=payload.summary,
    )
    return Status(201, row)


@router.get(
    "/reports",
    response=list[ProgressReportOut],
    summary="Progress reports; cases=true: the typical-case library",
)
@paginate(Pagination)
def report_list(request: HttpRequest, q: SearchText = "", cases: bool = False) -> Any:
    return selectors.report_list(actor=request_actor(request), q=q, cases_only=cases)


@router.post(
    "/reports",
    response={201: ProgressReportOut, **_ERRORS},
    summary="Submit a periodic progress report, optionally with a typical case (R03)",
)
def report_submit(request: HttpRequest, payload: ProgressReportIn) -> Status[ProgressReport]:
    row = services.report_submit(actor=request_actor(request), **payload.dict())
    return Status(201, row)


class ReportPeriodOut(Schema):
    start: dt.date
    end: dt.date
    label: str
    due_on: dt.date = Field(..., description="For the requesting unit's province")
    reported: bool
    platform_default: bool = Field(
        ..., description="Cadence and deadline are platform defaults (the policy gives none)"
    )


@router.get(
    "/reports/periods",
    response={200: list[ReportPeriodOut], 403: ErrorOut},
    summary="The current and recent progress-report periods with their deadlines (R03)",
)
def report_periods(request: HttpRequest) -> list[dict[str, Any]]:
    actor = request_actor(request)
    actor.require_kind(UnitKind.PROVINCE, UnitKind.SCHOOL, UnitKind.ORG)
    province = actor.unit.province if actor.unit else None
    filed = (
        set(
            ProgressReport.objects.filter(unit_id=actor.unit_id).values_list(
                "period_start", flat=True
            )
        )
        if actor.unit_id
        else set()
    )
    default = progress.settings_entries()["due_days"].is_platform_default
    return [
        {
            "start": p.start,
            "end": p.end,
            "label": p.label,
            "due_on": p.due_on(province=province),
            "reported": p.start in filed,
            "platform_default": default,
        }
        for p in progress.recent_periods()
    ]


class ReportStatusOut(Schema):
    unit_id: int
    unit_name: str
    unit_kind: str
    period_start: dt.date
    due_on: dt.date
    state: str = Field(..., description="on_time / late / missing / pending")
    report_id: int | None


@router.get(
    "/reports/status",
    response={200: list[ReportStatusOut], 403: ErrorOut, 422: ErrorOut},
    summary="Which units reported a period on time, late or not at all (R03)",
)
@paginate(Pagination)
def report_status(
    request: HttpRequest,
    period_start: dt.date | None = None,
    state: CodeText = "",
    q: SearchText = "",
) -> list[dict[str, Any]]:
    actor = request_actor(request)
    actor.require(actor.is_national or actor.kind == UnitKind.PROVINCE)
    if period_start is None:
        period = progress.latest_due_period()
    else:
        found = progress.period_at(period_start)
        if found is None:
            raise InvalidInput(_("没有这个报送期。"), field="period_start")
        period = found
    rows = progress.report_status(actor=actor, period=period, state=state, q=q)
    return [
        {
            "unit_id": r.owed.unit_id,
            "unit_name": r.owed.unit_name,
            "unit_kind": r.owed.kind,
            "period_start": period.start,
            "due_on": r.due_on,
            "state": r.state,
            "report_id": r.report.pk if r.report else None,
        }
        for r in rows
    ]


@router.get(
    "/reports/{pk}",
    response={200: ProgressReportOut, 404: ErrorOut},
    summary="One progress report (R03)",
)
def report_detail(request: HttpRequest, pk: Id) -> ProgressReport:
    return selectors.report_get(actor=request_actor(request), pk=pk)
