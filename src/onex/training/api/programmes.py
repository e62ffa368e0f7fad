"""Teacher-training programmes and enrolments (R04, R05); scoped (404 outside)."""

# No `from __future__ import annotations`: ninja resolves Query[...] parameters at import time.

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from onex.catalog.selectors import catalogue
from onex.catalog.selectors.orgs import org_of
from onex.core.actors import request_actor
from onex.core.errors import Forbidden
from onex.core.limits import (
    CodeText,
    DocumentText,
    NameText,
    PersonNameText,
    ReasonText,
    SearchText,
)
from onex.core.params import Id, Pagination
from onex.core.schemas import ErrorOut, TimelineEventOut, province_by_code
from onex.training.models import Enrolment, TrainingProgramme
from onex.training.selectors import programmes as selectors
from onex.training.selectors.staff import teacher_get
from onex.training.services import programmes as services
from onex.training.workflows import ENROLMENT, PROGRAMME

router = Router()


class ProgrammeIn(Schema):
    certificate: CodeText = Field(..., description="Certificate code")
    province: CodeText = Field(..., description="Province GB/T 2260 code")
    title: NameText
    starts_on: dt.date
    ends_on: dt.date
    hours: Decimal = Field(..., gt=0, le=10000, decimal_places=1)
    venue: NameText = ""
    description: DocumentText = ""


class TrainerIn(Schema):
    name: PersonNameText
    employer: NameText
    title: NameText = ""
    from_industry: bool


class TrainerOut(Schema):
    id: int
    name: str
    employer: str
    title: str
    from_industry: bool


class FeeItemIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    amount: Decimal = Field(..., ge=0, le=99999999, decimal_places=2)


class FeeItemOut(Schema):
    id: int
    name: str
    amount: Decimal


class ProgrammeOut(Schema):
    id: int
    org_name: str
    certificate_code: str
    certificate_name: str
    province_code: str
    province_name: str
    title: str
    starts_on: dt.date
    ends_on: dt.date
    hours: Decimal
    venue: str
    description: str
    status: str
    status_label: str
    fee: Decimal = Field(..., description="Total of the published fee standard, yuan")
    fees: list[FeeItemOut]
    trainers: list[TrainerOut]
    industry_trainers: int
    fee_published_at: dt.datetime | None
    enrolment_opened_at: dt.datetime | None
    events: list[TimelineEventOut]
    moves: list[str]

    @staticmethod
    def resolve_id(obj: TrainingProgramme) -> int:
        return obj.pk

    @staticmethod
    def resolve_org_name(obj: TrainingProgramme) -> str:
        return obj.org.name

    @staticmethod
    def resolve_certificate_code(obj: TrainingProgramme) -> str:
        return obj.certificate.code

    @staticmethod
    def resolve_certificate_name(obj: TrainingProgramme) -> str:
        return obj.certificate.name

    @staticmethod
    def resolve_province_code(obj: TrainingProgramme) -> str:
        return obj.province.code

    @staticmethod
    def resolve_province_name(obj: TrainingProgramme) -> str:
        return obj.province.name

    @staticmethod
    def resolve_status_label(obj: TrainingProgramme) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_fee(obj: TrainingProgramme) -> Decimal:
        return selectors.programme_fee(obj)

    @staticmethod
    def resolve_fees(obj: TrainingProgramme) -> list[Any]:
        return list(obj.fees.all())

    @staticmethod
    def resolve_trainers(obj: TrainingProgramme) -> list[Any]:
        return list(obj.trainers.all())

    @staticmethod
    def resolve_industry_trainers(obj: TrainingProgramme) -> int:
        return selectors.industry_share(obj)[0]

    @staticmethod
    def resolve_events(obj: TrainingProgramme) -> list[Any]:
        return list(obj.events.select_related("unit"))

    @staticmethod
    def resolve_moves(obj: TrainingProgramme, context: dict[str, Any]) -> list[str]:
        return PROGRAMME.allowed_actions(obj, request_actor(context["request"]))


class ProgrammeListOut(Schema):
    id: int
    org_name: str
    certificate_name: str
    province_name: str
    title: str
    starts_on: dt.date
    ends_on: dt.date
    hours: Decimal
    status: str
    status_label: str
    fee: Decimal

    resolve_id = staticmethod(ProgrammeOut.resolve_id)
    resolve_org_name = staticmethod(ProgrammeOut.resolve_org_name)
    resolve_certificate_name = staticmethod(ProgrammeOut.resolve_certificate_name)
    resolve_province_name = staticmethod(ProgrammeOut.resolve_province_name)
    resolve_status_label = staticmethod(ProgrammeOut.resolve_status_label)

    @staticmethod
    def resolve_fee(obj: TrainingProgramme) -> Decimal:
        return Decimal(getattr(obj, "fee_total", None) or 0).quantize(Decimal("0.01"))


class EnrolIn(Schema):
    teacher: Id = Field(..., description="Id of a teacher of your school")


class AttendIn(Schema):
    hours: Decimal = Field(..., ge=0, le=10000, decimal_places=1)


class CompleteIn(Schema):
    completed_on: dt.date | None = None


class WithdrawIn(Schema):
    reason: ReasonText = ""


class EnrolmentOut(Schema):
    id: int
    programme_id: int
    programme_title: str
    teacher_name: str
    school_name: str
    status: str
    status_label: str
    attended_hours: Decimal
    completed_on: dt.date | None
    enrolled_at: dt.datetime
    moves: list[str]

    @staticmethod
    def resolve_id(obj: Enrolment) -> int:
        return obj.pk

    @staticmethod
    def resolve_programme_title(obj: Enrolment) -> str:
        return obj.programme.title

    @staticmethod
    def resolve_teacher_name(obj: Enrolment) -> str:
        return obj.teacher.name

    @staticmethod
    def resolve_school_name(obj: Enrolment) -> str:
        return obj.school.name

    @staticmethod
    def resolve_status_label(obj: Enrolment) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_moves(obj: Enrolment, context: dict[str, Any]) -> list[str]:
        return ENROLMENT.allowed_actions(obj, request_actor(context["request"]))


_WRITE = {200: ProgrammeOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
_ENROL = {200: EnrolmentOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.post(
    "/programmes",
    response={201: ProgrammeOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Draft a teacher-training programme (R38 filing needed)",
)
def programme_create(request: HttpRequest, payload: ProgrammeIn) -> Status[TrainingProgramme]:
    actor = request_actor(request)
    org = org_of(actor)
    if org is None:
        raise Forbidden(_("只有培训评价组织可以开展师资培训。"))
    programme = services.programme_create(
        actor=actor,
        org=org,
        data=services.ProgrammeInput(
            certificate=catalogue.certificate_get(code=payload.certificate),
            province=province_by_code(payload.province),
            title=payload.title,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            hours=payload.hours,
            venue=payload.venue,
            description=payload.description,
        ),
    )
    return Status(201, programme)


@router.get("/programmes", response=list[ProgrammeListOut], summary="Programmes you may see")
@paginate(Pagination)
def programme_list(request: HttpRequest, status: CodeText = "", q: SearchText = "") -> Any:
    return selectors.programme_list(actor=request_actor(request), status=status, q=q)


@router.get(
    "/programmes/{programme_id}",
    response={200: ProgrammeOut, 404: ErrorOut},
    summary="One teacher-training programme with its trainers and fee items",
)
def programme_detail(request: HttpRequest, programme_id: Id) -> TrainingProgramme:
    return selectors.programme_get(actor=request_actor(request), pk=programme_id)


@router.post("/programmes/{programme_id}/trainers", response=_WRITE, summary="Add a trainer (R05)")
def trainer_add(request: HttpRequest, programme_id: Id, payload: TrainerIn) -> TrainingProgramme:
    actor = request_actor(request)
    programme = selectors.programme_get(actor=actor, pk=programme_id)
    services.trainer_add(actor=actor, programme=programme, **payload.dict())
    return selectors.programme_get(actor=actor, pk=programme_id)


@router.post(
    "/programmes/{programme_id}/trainers/{trainer_id}/delete",
    response=_WRITE,
    summary="Remove a trainer",
)
def trainer_remove(request: HttpRequest, programme_id: Id, trainer_id: Id) -> TrainingProgramme:
    actor = request_actor(request)
    programme = selectors.programme_get(actor=actor, pk=programme_id)
    services.trainer_remove(actor=actor, programme=programme, trainer_id=trainer_id)
    return selectors.programme_get(actor=actor, pk=programme_id)


@router.post("/programmes/{programme_id}/fees", response=_WRITE, summary="Add a fee item (R04)")
def fee_add(request: HttpRequest, programme_id: Id, payload: FeeItemIn) -> TrainingProgramme:
    actor = request_actor(request)
    programme = selectors.programme_get(actor=actor, pk=programme_id)
    services.fee_item_add(
        actor=actor, programme=programme, name=payload.name, amount=payload.amount
    )
    return selectors.programme_get(actor=actor, pk=programme_id)


@router.post(
    "/programmes/{programme_id}/fees/{item_id}/delete", response=_WRITE, summary="Remove a fee item"
)
def fee_remove(request: HttpRequest, programme_id: Id, item_id: Id) -> TrainingProgramme:
    actor = request_actor(request)
    programme = selectors.programme_get(actor=actor, pk=programme_id)
    services.fee_item_remove(actor=actor, programme=programme, item_id=item_id)
    return selectors.programme_get(actor=actor, pk=programme_id)


@router.post(
    "/programmes/{programme_id}/publish",
    response=_WRITE,
    summary="Publish roster and fee standard (R04, R05)",
)
def programme_publish(request: HttpRequest, programme_id: Id) -> TrainingProgramme:
    actor = request_actor(request)
    programme = selectors.programme_get(actor=actor, pk=programme_id)
    return services.programme_publish(actor=actor, programme=programme)


@router.post("/programmes/{programme_id}/open", response=_WRITE, summary="Open enrolment (R04)")
def programme_open(request: HttpRequest, programme_id: Id) -> TrainingProgramme:
    actor = request_actor(request)
    programme = selectors.programme_get(actor=actor, pk=programme_id)
    return services.programme_open(actor=actor, programme=programme)


@router.post("/programmes/{programme_id}/close", response=_WRITE, summary="Close the programme")
def programme_close(request: HttpRequest, programme_id: Id) -> TrainingProgramme:
    actor = request_actor(request)
    programme = selectors.programme_get(actor=actor, pk=programme_id)
    return services.programme_close(actor=actor, programme=programme)


@router.post(
    "/programmes/{programme_id}/enrol",
    response={201: EnrolmentOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="A school enrols its own teacher (voluntary, R04)",
)
def programme_enrol(request: HttpRequest, programme_id: Id, payload: EnrolIn) -> Status[Enrolment]:
    actor = request_actor(request)
    programme = selectors.programme_get(actor=actor, pk=programme_id)
    teacher = teacher_get(actor=actor, pk=payload.teacher)
    return Status(201, services.enrol(actor=actor, programme=programme, teacher=teacher))


@router.get("/enrolments", response=list[EnrolmentOut], summary="Enrolments you may see")
@paginate(Pagination)
def enrolment_list(request: HttpRequest, programme: Id | None = None, status: CodeText = "") -> Any:
    actor = request_actor(request)
    selected = selectors.programme_get(actor=actor, pk=programme) if programme else None
    return selectors.enrolment_list(actor=actor, programme=selected, status=status)


@router.get(
    "/enrolments/{enrolment_id}",
    response={200: EnrolmentOut, 404: ErrorOut},
    summary="One teacher's enrolment in a training programme",
)
def enrolment_detail(request: HttpRequest, enrolment_id: Id) -> Enrolment:
    return selectors.enrolment_get(actor=request_actor(request), pk=enrolment_id)


@router.post("/enrolments/{enrolment_id}/attend", response=_ENROL, summary="Record attendance")
def enrolment_attend(request: HttpRequest, enrolment_id: Id, payload: AttendIn) -> Enrolment:
    actor = request_actor(request)
    enrolment = selectors.enrolment_get(actor=actor, pk=enrolment_id)
    return services.enrolment_attend(actor=actor, enrolment=enrolment, hours=payload.hours)


@router.post("/enrolments/{enrolment_id}/complete", response=_ENROL, summary="Record completion")
def enrolment_complete(request: HttpRequest, enrolment_id: Id, payload: CompleteIn) -> Enrolment:
    actor = request_actor(request)
    enrolment = selectors.enrolment_get(actor=actor, pk=enrolment_id)
    return services.enrolment_complete(
        actor=actor, enrolment=enrolment, completed_on=payload.completed_on
    )


@router.post("/enrolments/{enrolment_id}/withdraw", response=_ENROL, summary="School withdraws")
def enrolment_withdraw(request: HttpRequest, enrolment_id: Id, payload: WithdrawIn) -> Enrolment:
    actor = request_actor(request)
    enrolment = selectors.enrolment_get(actor=actor, pk=enrolment_id)
    return services.enrolment_withdraw(actor=actor, enrolment=enrolment, reason=payload.reason)
