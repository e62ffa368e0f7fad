"""Exams API (/api/v1/assessment/exams/…): students, plans, registrations, results, R14.

Parse → service or selector → schema; domain errors become JSON {code, rule, message, details}
in onex.api. Bulk inputs (students, exam_results) go through /api/v1/imports/.
"""

# No `from __future__ import annotations`: ninja resolves Query[...] parameters at import time.

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from onex.assessment import tickets
from onex.assessment.models import Candidate, ExamPlan, Objection, Registration, Site
from onex.assessment.selectors import exam_moves as exam_moves
from onex.assessment.selectors import exams as exam_selectors
from onex.assessment.services import exams as exam_services
from onex.assessment.services import results as result_services
from onex.catalog.models import Certificate
from onex.core.actors import request_actor
from onex.core.errors import InvalidInput
from onex.core.limits import (
    CodeText,
    IdNumberText,
    NameText,
    PersonNameText,
    PhoneText,
    ReasonText,
    SearchText,
)
from onex.core.params import Pagination, Year
from onex.core.schemas import ErrorOut, province_by_code
from onex.core.scoping import fetch

router = Router(tags=["exams"])


# --- schemas -------------------------------------------------------------------------------------


class StudentOut(Schema):
    id: int
    name: str
    gender: str
    id_type: str
    id_number_masked: str
    school_id: int | None
    school_name: str | None
    specialty: str | None
    grade: str
    poor_household: bool

    @staticmethod
    def resolve_school_name(obj: Candidate) -> str | None:
        return obj.school.name if obj.school else None

    @staticmethod
    def resolve_specialty(obj: Candidate) -> str | None:
        return obj.specialty.name if obj.specialty else None


class ExamPlanOut(Schema):
    id: int
    title: str
    status: str
    status_label: str
    org: str
    certificate_code: str
    certificate_name: str
    level: str
    province_code: str
    exam_date: dt.date
    start_time: dt.time
    end_time: dt.time
    capacity: int
    registration_opens: dt.date
    registration_closes: dt.date
    theory_pass: Decimal
    practical_pass: Decimal
    publicity_starts_on: dt.date | None
    publicity_ends_on: dt.date | None
    moves: list[str] = Field(
        ..., description="Actions you may take now (the plan page offers the same buttons)"
    )

    @staticmethod
    def resolve_status_label(obj: ExamPlan) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_moves(obj: ExamPlan, context: dict[str, Any]) -> list[str]:
        return exam_moves.plan_moves(actor=request_actor(context["request"]), plan=obj)

    @staticmethod
    def resolve_org(obj: ExamPlan) -> str:
        return obj.org.name

    @staticmethod
    def resolve_certificate_code(obj: ExamPlan) -> str:
        return obj.certificate.code

    @staticmethod
    def resolve_certificate_name(obj: ExamPlan) -> str:
        return obj.certificate.name

    @staticmethod
    def resolve_province_code(obj: ExamPlan) -> str:
        return obj.province.code


class ExamPlanIn(Schema):
    certificate_code: CodeText
    level: CodeText = Field(..., description="junior | intermediate | senior")
    province: CodeText = Field(..., description="Province GB/T 2260 code, e.g. 440000")
    title: NameText = ""
    exam_date: dt.date
    start_time: dt.time
    end_time: dt.time
    capacity: int = Field(..., ge=1)
    registration_opens: dt.date
    registration_closes: dt.date
    site_ids: list[int] = []
    theory_pass: Decimal | None = None
    practical_pass: Decimal | None = None
    note: ReasonText = ""


class RegistrationOut(Schema):
    id: int
    plan_id: int
    ticket_number: str
    status: str
    candidate_name: str
    candidate_id_number_masked: str
    school_name: str | None
    fee_amount: Decimal
    fee_payer: str
    fee_status: str
    exemption_status: str = Field(
        ..., description="R40 poor-household exemption: none, claimed, confirmed or refused"
    )
    exemption_basis: str
    theory_score: Decimal | None
    practical_score: Decimal | None
    passed: bool | None
    moves: list[str] = Field(
        ..., description="Actions you may take now (the registration page offers the same)"
    )

    @staticmethod
    def resolve_moves(obj: Registration, context: dict[str, Any]) -> list[str]:
        actor = request_actor(context["request"])
        return exam_moves.registration_moves(actor=actor, registration=obj)

    @staticmethod
    def resolve_candidate_name(obj: Registration) -> str:
        return obj.candidate.name

    @staticmethod
    def resolve_candidate_id_number_masked(obj: Registration) -> str:
        return obj.candidate.id_number_masked

    @staticmethod
    def resolve_school_name(obj: Registration) -> str | None:
        return obj.school.name if obj.school else None


class StudentsIn(Schema):
    candidate_ids: list[int] = Field(..., min_length=1)


class SelfIn(Schema):
    name: PersonNameText
    id_type: CodeText = "resident"
    id_number: IdNumberText
    gender: CodeText
    phone: PhoneText = ""
    poor_household: bool = False
    exemption_basis: ReasonText = Field(
        "",
        description="R40: with poor_household, the basis of the exemption claim (household "
        "record number or note); the plan's org confirms it before the fee is waived",
    )


class BasisIn(Schema):
    basis: ReasonText


class ExamReasonIn(Schema):
    reason: ReasonText = ""


class ScoreIn(Schema):
    theory: Decimal
    practical: Decimal


class AnswerIn(Schema):
    answer: ReasonText
    theory: Decimal | None = None
    practical: Decimal | None = None


class ObjectionOut(Schema):
    id: int
    registration_id: int
    ticket_number: str
    reason: str
    status: str
    answer: str
    score_changed: bool
    moves: list[str] = Field(..., description="Actions you may take now on this objection")

    @staticmethod
    def resolve_moves(obj: Objection, context: dict[str, Any]) -> list[str]:
        actor = request_actor(context["request"])
        return exam_moves.objection_moves(actor=actor, objection=obj)

    @staticmethod
    def resolve_ticket_number(obj: Objection) -> str:
        return obj.registration.ticket_number


class OutcomeOut(Schema):
    outcome: str


class R14RowOut(Schema):
    key: str
    label: str
    students: int
    without_exam: int


class R14Out(Schema):
    year: int | None
    total: int
    by_province: list[R14RowOut]
    by_city: list[R14RowOut]
    by_school: list[R14RowOut]


# --- students ------------------------------------------------------------------------------------


@router.get("/students", response=list[StudentOut], summary="Students in your jurisdiction")
@paginate(Pagination)
def student_list(
    request: HttpRequest, q: SearchText | None = None, grade: SearchText | None = None
) -> Any:
    return exam_selectors.candidate_list(actor=request_actor(request), q=q, grade=grade)


@router.get(
    "/students/{student_id}",
    response={200: StudentOut, 404: ErrorOut},
    summary="One student (ID number masked)",
)
def student_detail(request: HttpRequest, student_id: int) -> Candidate:
    return exam_selectors.candidate_get(actor=request_actor(request), pk=student_id)


# --- plans ---------------------------------------------------------------------------------------


@router.get("/plans", response=list[ExamPlanOut], summary="Exam plans visible to you")
@paginate(Pagination)
def plan_list(
    request: HttpRequest, q: SearchText | None = None, status: CodeText | None = None
) -> Any:
    return exam_selectors.plan_list(actor=request_actor(request), q=q, status=status)


@router.get("/plans/{plan_id}", response={200: ExamPlanOut, 404: ErrorOut}, summary="One exam plan")
def plan_detail(request: HttpRequest, plan_id: int) -> ExamPlan:
    return exam_selectors.plan_get(actor=request_actor(request), pk=plan_id)


@router.post(
    "/plans",
    response={201: ExamPlanOut, 403: ErrorOut, 422: ErrorOut},
    summary="Create a draft exam plan (R18, R38)",
)
def plan_create(request: HttpRequest, payload: ExamPlanIn) -> Status[ExamPlan]:
    certificate = Certificate.objects.filter(code=payload.certificate_code).first()
    if certificate is None:
        raise InvalidInput(_("未知的证书代码。"), field="certificate_code")
    province = province_by_code(payload.province)
    sites = list(Site.objects.filter(pk__in=payload.site_ids))
    if len(sites) != len(set(payload.site_ids)):
        raise InvalidInput(_("考核站点不存在。"), field="sites")
    plan = exam_services.plan_create(
        actor=request_actor(request),
        certificate=certificate,
        level=payload.level,
        province=province,
        title=payload.title,
        exam_date=payload.exam_date,
        start_time=payload.start_time,
        end_time=payload.end_time,
        capacity=payload.capacity,
        registration_opens=payload.registration_opens,
        registration_closes=payload.registration_closes,
        sites=sites,
        theory_pass=payload.theory_pass,
        practical_pass=payload.practical_pass,
        note=payload.note,
    )
    return Status(201, exam_selectors.plan_get(actor=request_actor(request), pk=plan.pk))


PLAN_ACTIONS = {
    "open": exam_services.plan_open_registration,
    "close-registration": exam_services.plan_close_registration,
    "held": exam_services.plan_mark_held,
    "start-scoring": exam_services.plan_start_scoring,
    "publish": exam_services.plan_publish_results,
    "close": exam_services.plan_close,
}


@router.post(
    "/plans/{plan_id}/transitions/{action}",
    response={200: ExamPlanOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Move a plan on: open, close-registration, held, start-scoring, publish, close",
)
def plan_transition(request: HttpRequest, plan_id: int, action: str) -> ExamPlan:
    service = PLAN_ACTIONS.get(action)
    actor = request_actor(request)
    plan = exam_selectors.plan_get(actor=actor, pk=plan_id)
    if service is None:
        raise InvalidInput(_("未知的操作。"), field="action")
    service(actor=actor, plan=plan)
    return exam_selectors.plan_get(actor=actor, pk=plan_id)


# --- registrations -------------------------------------------------------------------------------


@router.get("/registrations", response=list[RegistrationOut], summary="Registrations you see")
@paginate(Pagination)
def registration_list(
    request: HttpRequest,
    plan_id: int | None = None,
    q: SearchText | None = None,
    status: CodeText | None = None,
) -> Any:
    actor = request_actor(request)
    plan = exam_selectors.plan_get(actor=actor, pk=plan_id) if plan_id else None
    return exam_selectors.registration_list(actor=actor, plan=plan, q=q, status=status)


@router.get(
    "/registrations/{registration_id}",
    response={200: RegistrationOut, 404: ErrorOut},
    summary="One exam registration",
)
def registration_detail(request: HttpRequest, registration_id: int) -> Registration:
    return exam_selectors.registration_get(actor=request_actor(request), pk=registration_id)


@router.post(
    "/plans/{plan_id}/registrations",
    response={
        201: list[RegistrationOut],
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="A school registers its students (R44; all or none; capacity)",
)
def register_students(
    request: HttpRequest, plan_id: int, payload: StudentsIn
) -> Status[list[Registration]]:
    actor = request_actor(request)
    plan = exam_selectors.plan_get(actor=actor, pk=plan_id)
    scope = exam_selectors.candidate_scope(actor=actor)
    students = [fetch(scope, pk=pk) for pk in payload.candidate_ids]
    return Status(
        201,
        exam_services.registration_register_students(actor=actor, plan=plan, candidates=students),
    )


@router.post(
    "/plans/{plan_id}/self-registration",
    response={201: RegistrationOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="A member of the public registers with a learner account (R35)",
)
def register_self(request: HttpRequest, plan_id: int, payload: SelfIn) -> Status[Registration]:
    actor = request_actor(request)
    plan = exam_selectors.plan_get(actor=actor, pk=plan_id)
    registration = exam_services.registration_register_self(
        actor=actor,
        plan=plan,
        name=payload.name,
        id_type=payload.id_type,
        id_number=payload.id_number,
        gender=payload.gender,
        phone=payload.phone,
        poor_household=payload.poor_household,
        exemption_basis=payload.exemption_basis,
    )
    return Status(201, registration)


@router.post(
    "/registrations/{registration_id}/withdraw",
    response={200: RegistrationOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Withdraw until registration closes (R46)",
)
def withdraw(request: HttpRequest, registration_id: int, payload: ExamReasonIn) -> Registration:
    actor = request_actor(request)
    registration = exam_selectors.registration_get(actor=actor, pk=registration_id)
    return exam_services.registration_withdraw(
        actor=actor, registration=registration, reason=payload.reason
    )


@router.post(
    "/registrations/{registration_id}/register",
    response={200: RegistrationOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Take a withdrawn registration up again while registration is open (R46)",
)
def register_again(request: HttpRequest, registration_id: int) -> Registration:
    actor = request_actor(request)
    registration = exam_selectors.registration_get(actor=actor, pk=registration_id)
    return exam_services.registration_register_again(actor=actor, registration=registration)


@router.post(
    "/registrations/{registration_id}/pay",
    response={200: RegistrationOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Record the fee as paid (the org that collects it)",
)
def pay(request: HttpRequest, registration_id: int) -> Registration:
    actor = request_actor(request)
    registration = exam_selectors.registration_get(actor=actor, pk=registration_id)
    return exam_services.registration_pay(actor=actor, registration=registration)


@router.post(
    "/registrations/{registration_id}/exemption_claim",
    response={200: RegistrationOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Claim the poor-household fee exemption with its basis (R40; the party)",
)
def exemption_claim(request: HttpRequest, registration_id: int, payload: BasisIn) -> Registration:
    actor = request_actor(request)
    registration = exam_selectors.registration_get(actor=actor, pk=registration_id)
    return exam_services.registration_exemption_claim(
        actor=actor, registration=registration, basis=payload.basis
    )


@router.post(
    "/registrations/{registration_id}/exemption_confirm",
    response={200: RegistrationOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Confirm the exemption: the registering school, or the plan's org for the public (R40)",
)
def exemption_confirm(
    request: HttpRequest, registration_id: int, payload: ExamReasonIn
) -> Registration:
    actor = request_actor(request)
    registration = exam_selectors.registration_get(actor=actor, pk=registration_id)
    return exam_services.registration_exemption_confirm(
        actor=actor, registration=registration, reason=payload.reason
    )


@router.post(
    "/registrations/{registration_id}/exemption_refuse",
    response={200: RegistrationOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Refuse the exemption claim, saying why; the fee stays due (R40)",
)
def exemption_refuse(
    request: HttpRequest, registration_id: int, payload: ExamReasonIn
) -> Registration:
    actor = request_actor(request)
    registration = exam_selectors.registration_get(actor=actor, pk=registration_id)
    return exam_services.registration_exemption_refuse(
        actor=actor, registration=registration, reason=payload.reason
    )


@router.get(
    "/registrations/{registration_id}/ticket.pdf",
    response={404: ErrorOut, 503: ErrorOut},
    summary="The admission ticket PDF",
)
def ticket(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = exam_selectors.registration_get(actor=request_actor(request), pk=registration_id)
    response = HttpResponse(
        tickets.admission_ticket_pdf(registration), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="ticket-{registration.ticket_number}.pdf"'
    return response


@router.post(
    "/registrations/{registration_id}/result",
    response={200: OutcomeOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Record one result (the org, during score registration)",
)
def record_result(request: HttpRequest, registration_id: int, payload: ScoreIn) -> dict[str, str]:
    actor = request_actor(request)
    registration = exam_selectors.registration_get(actor=actor, pk=registration_id)
    outcome = result_services.result_record(
        actor=actor, registration=registration, theory=payload.theory, practical=payload.practical
    )
    return {"outcome": outcome}


# --- objections ----------------------------------------------------------------------------------


@router.get("/objections", response=list[ObjectionOut], summary="Objections you see")
@paginate(Pagination)
def objection_list(request: HttpRequest, status: CodeText | None = None) -> Any:
    return exam_selectors.objection_list(actor=request_actor(request), status=status)


@router.get(
    "/objections/{objection_id}",
    response={200: ObjectionOut, 404: ErrorOut},
    summary="One score objection",
)
def objection_detail(request: HttpRequest, objection_id: int) -> Objection:
    return exam_selectors.objection_get(actor=request_actor(request), pk=objection_id)


@router.post(
    "/registrations/{registration_id}/objections",
    response={201: ObjectionOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Object to a published result",
)
def lodge(request: HttpRequest, registration_id: int, payload: ExamReasonIn) -> Status[Objection]:
    actor = request_actor(request)
    registration = exam_selectors.registration_get(actor=actor, pk=registration_id)
    return Status(
        201,
        result_services.objection_lodge(
            actor=actor, registration=registration, reason=payload.reason
        ),
    )


@router.post(
    "/objections/{objection_id}/answer",
    response={200: ObjectionOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="The org answers an objection (optionally correcting the scores)",
)
def answer(request: HttpRequest, objection_id: int, payload: AnswerIn) -> Objection:
    actor = request_actor(request)
    objection = exam_selectors.objection_get(actor=actor, pk=objection_id)
    return result_services.objection_answer(
        actor=actor,
        objection=objection,
        answer=payload.answer,
        theory=payload.theory,
        practical=payload.practical,
    )


# --- R14 -----------------------------------------------------------------------------------------


@router.get("/r14", response={200: R14Out, 403: ErrorOut}, summary="R14: students with no exam")
def r14(request: HttpRequest, year: Year | None = None) -> dict[str, Any]:
    report = exam_selectors.r14_report(actor=request_actor(request), year=year)
    return {
        "year": report.year,
        "total": report.total,
        "by_province": report.by_province,
        "by_city": report.by_city,
        "by_school": report.by_school,
    }
