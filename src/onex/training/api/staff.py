"""A school's teachers, workload ratio (R06), performance pay (R31) and alliances (R07)."""

# No `from __future__ import annotations`: ninja resolves Query[...] parameters at import time.

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from onex.catalog.selectors import catalogue
from onex.core.actors import request_actor
from onex.core.limits import (
    CodeText,
    IdNumberText,
    NameText,
    PersonNameText,
    ReasonText,
    SearchText,
)
from onex.core.params import Id, Pagination
from onex.core.schemas import ErrorOut, TimelineEventOut
from onex.core.scoping import fetch
from onex.pilots.models import School
from onex.training.models import (
    Alliance,
    PerformancePay,
    Teacher,
    TeacherShare,
    WorkloadRatio,
)
from onex.training.selectors import staff as selectors
from onex.training.services import staff as services
from onex.training.workflows import ALLIANCE

router = Router()

TermText = CodeText


class TeacherIn(Schema):
    name: PersonNameText
    department: NameText = ""
    id_number: IdNumberText = Field("", description="Optional; stored encrypted, shown masked")


class TeacherOut(Schema):
    id: int
    school_name: str
    name: str
    department: str
    id_number_masked: str

    @staticmethod
    def resolve_id(obj: Teacher) -> int:
        return obj.pk

    @staticmethod
    def resolve_school_name(obj: Teacher) -> str:
        return obj.school.name


class RatioIn(Schema):
    term: TermText = Field(..., description="e.g. 2026-2027-1")
    ratio: Decimal = Field(..., gt=0, le=5, decimal_places=2)
    note: NameText = ""


class RatioOut(Schema):
    id: int
    school_name: str
    term: str
    ratio: Decimal
    note: str

    @staticmethod
    def resolve_id(obj: WorkloadRatio) -> int:
        return obj.pk

    @staticmethod
    def resolve_school_name(obj: WorkloadRatio) -> str:
        return obj.school.name


class WorkloadIn(Schema):
    teacher: Id
    term: TermText
    hours: Decimal = Field(..., gt=0, le=5000, decimal_places=1)
    note: NameText = ""


class WorkloadOut(Schema):
    id: int
    school_name: str
    teacher_id: int
    teacher_name: str
    term: str
    hours: Decimal
    ratio: Decimal | None = Field(..., description="The school's ratio for the term (R06)")
    converted_hours: Decimal | None = Field(..., description="hours × ratio")
    note: str


class PayIn(Schema):
    teacher: Id
    term: TermText
    amount: Decimal = Field(..., gt=0, le=99999999, decimal_places=2)
    basis: NameText


class PayOut(Schema):
    id: int
    school_name: str
    teacher_name: str
    term: str
    amount: Decimal
    basis: str

    @staticmethod
    def resolve_id(obj: PerformancePay) -> int:
        return obj.pk

    @staticmethod
    def resolve_school_name(obj: PerformancePay) -> str:
        return obj.school.name

    @staticmethod
    def resolve_teacher_name(obj: PerformancePay) -> str:
        return obj.teacher.name


class AllianceIn(Schema):
    name: NameText
    certificate: CodeText = Field(..., description="Certificate code")


class ShareIn(Schema):
    teacher: Id = Field(..., description="A teacher of a member school")
    host_school: Id = Field(..., description="The member school that hires the teacher")
    term: TermText
    hours: Decimal = Field(..., gt=0, le=5000, decimal_places=1)


class ShareOut(Schema):
    teacher_name: str
    teacher_school: str
    host_school: str
    term: str
    hours: Decimal

    @staticmethod
    def resolve_teacher_name(obj: TeacherShare) -> str:
        return obj.teacher.name

    @staticmethod
    def resolve_teacher_school(obj: TeacherShare) -> str:
        return obj.teacher.school.name

    @staticmethod
    def resolve_host_school(obj: TeacherShare) -> str:
        return obj.host_school.name


class DissolveIn(Schema):
    reason: ReasonText


class AllianceOut(Schema):
    id: int
    name: str
    certificate_code: str
    certificate_name: str
    founder: str
    status: str
    status_label: str
    members: list[str]
    shares: list[ShareOut]
    events: list[TimelineEventOut]
    moves: list[str]

    @staticmethod
    def resolve_id(obj: Alliance) -> int:
        return obj.pk

    @staticmethod
    def resolve_certificate_code(obj: Alliance) -> str:
        return obj.certificate.code

    @staticmethod
    def resolve_certificate_name(obj: Alliance) -> str:
        return obj.certificate.name

    @staticmethod
    def resolve_founder(obj: Alliance) -> str:
        return obj.founder.name

    @staticmethod
    def resolve_status_label(obj: Alliance) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_members(obj: Alliance) -> list[str]:
        return [m.school.name for m in obj.members.select_related("school")]

    @staticmethod
    def resolve_shares(obj: Alliance) -> list[Any]:
        return list(selectors.alliance_shares(obj))

    @staticmethod
    def resolve_events(obj: Alliance) -> list[Any]:
        return list(obj.events.select_related("unit"))

    @staticmethod
    def resolve_moves(obj: Alliance, context: dict[str, Any]) -> list[str]:
        return ALLIANCE.allowed_actions(obj, request_actor(context["request"]))


_CREATE = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
_ALLIANCE = {200: AllianceOut, **_CREATE}


@router.get("/teachers", response=list[TeacherOut], summary="Teachers of your school(s)")
@paginate(Pagination)
def teacher_list(request: HttpRequest, q: SearchText = "") -> Any:
    return selectors.teacher_list(actor=request_actor(request), q=q)


@router.post("/teachers", response={201: TeacherOut, **_CREATE}, summary="Add a teacher")
def teacher_create(request: HttpRequest, payload: TeacherIn) -> Status[Teacher]:
    return Status(201, services.teacher_create(actor=request_actor(request), **payload.dict()))


@router.get("/ratios", response=list[RatioOut], summary="Workload ratios per school and term (R06)")
@paginate(Pagination)
def ratio_list(request: HttpRequest) -> Any:
    return selectors.ratio_list(actor=request_actor(request))


@router.post(
    "/ratios", response={200: RatioOut, **_CREATE}, summary="Set your school's ratio (R06)"
)
def ratio_set(request: HttpRequest, payload: RatioIn) -> WorkloadRatio:
    return services.ratio_set(actor=request_actor(request), **payload.dict())


def _workload_out(rows: list[selectors.WorkloadRow]) -> list[dict[str, Any]]:
    return [
        {
            "id": r.entry.pk,
            "school_name": r.entry.school.name,
            "teacher_id": r.entry.teacher_id,
            "teacher_name": r.entry.teacher.name,
            "term": r.entry.term,
            "hours": r.entry.hours,
            "ratio": r.ratio,
            "converted_hours": r.converted,
            "note": r.entry.note,
        }
        for r in rows
    ]


@router.get(
    "/workloads", response=list[WorkloadOut], summary="Training hours with the ratio applied (R06)"
)
@paginate(Pagination)
def workload_list(request: HttpRequest, term: TermText = "", q: SearchText = "") -> Any:
    entries = selectors.workload_list(actor=request_actor(request), term=term, q=q)
    return _workload_out(selectors.workload_rows(entries))


@router.post("/workloads", response={201: WorkloadOut, **_CREATE}, summary="Record training hours")
def workload_record(request: HttpRequest, payload: WorkloadIn) -> Status[dict[str, Any]]:
    actor = request_actor(request)
    teacher = selectors.teacher_get(actor=actor, pk=payload.teacher)
    entry = services.workload_record(
        actor=actor, teacher=teacher, term=payload.term, hours=payload.hours, note=payload.note
    )
    return Status(201, _workload_out(selectors.workload_rows([entry]))[0])


@router.get("/pay", response=list[PayOut], summary="Performance-pay recognitions (R31)")
@paginate(Pagination)
def pay_list(request: HttpRequest, term: TermText = "") -> Any:
    return selectors.pay_list(actor=request_actor(request), term=term)


@router.post("/pay", response={201: PayOut, **_CREATE}, summary="Record a recognition (R31)")
def pay_record(request: HttpRequest, payload: PayIn) -> Status[PerformancePay]:
    actor = request_actor(request)
    teacher = selectors.teacher_get(actor=actor, pk=payload.teacher)
    row = services.pay_record(
        actor=actor, teacher=teacher, term=payload.term, amount=payload.amount, basis=payload.basis
    )
    return Status(201, row)


@router.get("/alliances", response=list[AllianceOut], summary="Training alliances (R07)")
@paginate(Pagination)
def alliance_list(request: HttpRequest, status: CodeText = "", q: SearchText = "") -> Any:
    return selectors.alliance_list(actor=request_actor(request), status=status, q=q)


@router.post("/alliances", response={201: AllianceOut, **_CREATE}, summary="Form an alliance")
def alliance_create(request: HttpRequest, payload: AllianceIn) -> Status[Alliance]:
    alliance = services.alliance_create(
        actor=request_actor(request),
        name=payload.name,
        certificate=catalogue.certificate_get(code=payload.certificate),
    )
    return Status(201, alliance)


@router.get(
    "/alliances/{alliance_id}",
    response={200: AllianceOut, 404: ErrorOut},
    summary="One training alliance with its members (R07)",
)
def alliance_detail(request: HttpRequest, alliance_id: Id) -> Alliance:
    return selectors.alliance_get(actor=request_actor(request), pk=alliance_id)


@router.post("/alliances/{alliance_id}/join", response=_ALLIANCE, summary="Join (R07)")
def alliance_join(request: HttpRequest, alliance_id: Id) -> Alliance:
    actor = request_actor(request)
    alliance = selectors.alliance_get(actor=actor, pk=alliance_id)
    return services.alliance_join(actor=actor, alliance=alliance)


@router.post("/alliances/{alliance_id}/leave", response=_ALLIANCE, summary="Leave")
def alliance_leave(request: HttpRequest, alliance_id: Id) -> Alliance:
    actor = request_actor(request)
    alliance = selectors.alliance_get(actor=actor, pk=alliance_id)
    return services.alliance_leave(actor=actor, alliance=alliance)


@router.post("/alliances/{alliance_id}/share", response=_ALLIANCE, summary="Share a teacher (R07)")
def alliance_share(request: HttpRequest, alliance_id: Id, payload: ShareIn) -> Alliance:
    actor = request_actor(request)
    alliance = selectors.alliance_get(actor=actor, pk=alliance_id)
    teacher = fetch(
        Teacher.objects.filter(school__in=alliance.members.values("school")), pk=payload.teacher
    )
    host = fetch(
        School.objects.filter(pk__in=alliance.members.values("school")), pk=payload.host_school
    )
    services.teacher_share(
        actor=actor,
        alliance=alliance,
        teacher=teacher,
        host=host,
        term=payload.term,
        hours=payload.hours,
    )
    return selectors.alliance_get(actor=actor, pk=alliance_id)


@router.post("/alliances/{alliance_id}/dissolve", response=_ALLIANCE, summary="Founder dissolves")
def alliance_dissolve(request: HttpRequest, alliance_id: Id, payload: DissolveIn) -> Alliance:
    actor = request_actor(request)
    alliance = selectors.alliance_get(actor=actor, pk=alliance_id)
    return services.alliance_dissolve(actor=actor, alliance=alliance, reason=payload.reason)
