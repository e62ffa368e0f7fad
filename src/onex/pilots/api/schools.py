"""The pilots API: parse → selector or service → schema. Errors come from onex.api handlers."""

# No `from __future__ import annotations`: ninja resolves Query[...] parameters at import time.

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from onex.core.actors import request_actor
from onex.core.errors import InvalidInput, NotFound
from onex.core.limits import (
    CodeText,
    DocumentText,
    EmailText,
    PhoneText,
    SearchText,
    model_max_length,
)
from onex.core.params import Pagination
from onex.core.schemas import ErrorOut
from onex.geo.models import Division, DivisionLevel
from onex.pilots.models import (
    ProvinceCoordination,
    School,
    SchoolReminder,
    SchoolWorkingBody,
    Specialty,
)
from onex.pilots.selectors import coordination as coordination_selectors
from onex.pilots.selectors import schools as school_selectors
from onex.pilots.selectors import specialties as specialty_selectors
from onex.pilots.services import coordination as coordination_services
from onex.pilots.services import schools as school_services
from onex.pilots.services import specialties as specialty_services

router = Router(tags=["pilots"])


class SchoolOut(Schema):
    id: int
    name: str
    code: str
    school_type: str
    school_type_label: str
    province_code: str
    province_name: str
    city_code: str
    city_name: str

    # Resolvers let endpoints return model instances (and paginated querysets) directly.
    @staticmethod
    def resolve_id(obj: School) -> int:
        return obj.pk

    @staticmethod
    def resolve_school_type_label(obj: School) -> str:
        return str(obj.get_school_type_display())

    @staticmethod
    def resolve_province_code(obj: School) -> str:
        return obj.province.code

    @staticmethod
    def resolve_province_name(obj: School) -> str:
        return obj.province.name

    @staticmethod
    def resolve_city_code(obj: School) -> str:
        return obj.city.code

    @staticmethod
    def resolve_city_name(obj: School) -> str:
        return obj.city.name


class SchoolFilters(Schema):
    q: SearchText | None = Field(None, description="Name contains, or code starts with")
    province: CodeText | None = Field(None, description="Province GB/T 2260 code, e.g. 440000")
    city: CodeText | None = Field(None, description="City GB/T 2260 code, e.g. 440100")
    school_type: CodeText | None = Field(None, description="One of the SchoolType values")


class SchoolIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    code: CodeText = Field(..., description="10-digit school identification code (学校标识码)")
    school_type: CodeText
    city: CodeText = Field(..., description="City GB/T 2260 code, e.g. 440100")


@router.get("/schools", response=list[SchoolOut], summary="List schools in your jurisdiction")
@paginate(Pagination)
def school_list(request: HttpRequest, filters: Query[SchoolFilters]) -> Any:
    qs = school_selectors.school_list(
        actor=request_actor(request),
        q=filters.q,
        province=filters.province,
        city=filters.city,
        school_type=filters.school_type,
    )
    # The selector's queryset already carries select_related, so a page costs two queries.
    return qs


@router.get(
    "/schools/{school_id}",
    response={200: SchoolOut, 404: ErrorOut},
    summary="One school (404 outside your jurisdiction)",
)
def school_detail(request: HttpRequest, school_id: int) -> School:
    return school_selectors.school_get(actor=request_actor(request), pk=school_id)


@router.post(
    "/schools",
    response={201: SchoolOut, 403: ErrorOut, 422: ErrorOut},
    summary="Register a school (R25: technical schools are refused)",
)
def school_register(request: HttpRequest, payload: SchoolIn) -> Status[School]:
    city = Division.objects.filter(code=payload.city, level=DivisionLevel.CITY).first()
    if city is None:
        raise InvalidInput(_("未知的城市代码。"), field="city")
    school = school_services.school_register(
        actor=request_actor(request),
        name=payload.name,
        code=payload.code,
        school_type=payload.school_type,
        city=city,
    )
    return Status(201, school)


# --- specialties and enrolment ------------------------------------------------------------------


class EnrolmentItem(Schema):
    year: int
    students: int


class SpecialtyOut(Schema):
    id: int = Field(..., description="What an application's specialty_id names (R26)")
    code: str
    name: str
    enrolments: list[EnrolmentItem]

    @staticmethod
    def resolve_enrolments(obj: Specialty) -> list[dict[str, int]]:
        return [{"year": e.year, "students": e.students} for e in obj.enrolments.all()]


class SpecialtyIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    enrolments: list[EnrolmentItem] = Field(
        default_factory=list, description="Years given are set; other years are kept"
    )


@router.get(
    "/schools/{school_id}/specialties",
    response={200: list[SpecialtyOut], 404: ErrorOut},
    summary="A school's specialties with enrolment per year",
)
def specialty_list(request: HttpRequest, school_id: int) -> list[Specialty]:
    school = school_selectors.school_get(actor=request_actor(request), pk=school_id)
    return specialty_selectors.specialty_list(school=school)


@router.put(
    "/schools/{school_id}/specialties/{code}",
    response={200: SpecialtyOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Create or update a specialty and its enrolment per year",
)
def specialty_set(request: HttpRequest, school_id: int, code: str, payload: SpecialtyIn) -> Any:
    actor = request_actor(request)
    school = school_selectors.school_get(actor=actor, pk=school_id)
    specialty, _changed = specialty_services.specialty_set(
        actor=actor,
        school=school,
        code=code,
        name=payload.name,
        enrolments={item.year: item.students for item in payload.enrolments},
    )
    return next(
        s for s in specialty_selectors.specialty_list(school=school) if s.pk == specialty.pk
    )


# --- R01: coordination bodies -----------------------------------------------------------------


class CoordinationOut(Schema):
    province_code: str
    province_name: str
    body_name: str
    host_name: str
    contact_name: str
    contact_title: str
    contact_phone: str
    contact_email: str
    updated_at: datetime

    @staticmethod
    def resolve_province_code(obj: ProvinceCoordination) -> str:
        return obj.province.code

    @staticmethod
    def resolve_province_name(obj: ProvinceCoordination) -> str:
        return obj.province.name


class CoordinationIn(Schema):
    body_name: str = Field(..., max_length=200)
    host_name: str = Field("", max_length=200)
    contact_name: str = Field(..., max_length=64)
    contact_title: str = Field("", max_length=64)
    contact_phone: str = Field(..., max_length=32)
    contact_email: str = Field("", max_length=254)


@router.get(
    "/coordination",
    response=list[CoordinationOut],
    summary="Provincial coordination bodies you may see (R01)",
)
def coordination_list(request: HttpRequest) -> Any:
    return list(
        coordination_selectors.coordination_scope(actor=request_actor(request)).order_by(
            "province__code"
        )
    )


@router.get(
    "/coordination/{province_code}",
    response={200: CoordinationOut, 404: ErrorOut},
    summary="One province's coordination body (404 if not named or not visible)",
)
def coordination_detail(request: HttpRequest, province_code: str) -> Any:
    actor = request_actor(request)
    province = coordination_selectors.coordination_province(actor=actor, code=province_code)
    row = coordination_selectors.coordination_get(actor=actor, province=province)
    if row is None:
        raise NotFound(_("该省尚未明确试点工作协调机构。"))
    return row


@router.put(
    "/coordination/{province_code}",
    response={200: CoordinationOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Name your province's coordination body and contact (R01; province only)",
)
def coordination_set(request: HttpRequest, province_code: str, payload: CoordinationIn) -> Any:
    actor = request_actor(request)
    province = coordination_selectors.coordination_province(actor=actor, code=province_code)
    return coordination_services.coordination_set(actor=actor, province=province, **payload.dict())


# --- R01/R33: working bodies and reminders -------------------------------------------------------


class WorkingBodyIn(Schema):
    body_name: str = Field(..., max_length=200)
    leader_name: str = Field(..., max_length=64)
    leader_title: str = Field(..., max_length=64, description="Must be the school's head (R01)")
    members: DocumentText = ""
    contact_name: str = Field(..., max_length=64)
    contact_title: Annotated[
        str, Field(max_length=model_max_length(SchoolWorkingBody, "contact_title"))
    ] = ""
    contact_phone: PhoneText
    contact_mobile: PhoneText = ""
    contact_email: EmailText
    work_plan: DocumentText = ""
    note: str = Field("", max_length=300)


class WorkingBodyOut(Schema):
    id: int
    body_name: str
    leader_name: str
    leader_title: str
    members: str
    contact_name: str
    contact_title: str
    contact_phone: str
    contact_mobile: str
    contact_email: str
    work_plan: str
    note: str
    filed_at: datetime

    @staticmethod
    def resolve_id(obj: SchoolWorkingBody) -> int:
        return obj.pk


class ObligationOut(Schema):
    published_on: date
    deadline: date
    status: str
    status_label: str
    days_overdue: int
    filed_at: datetime | None


class WorkingBodyStatusOut(Schema):
    current: WorkingBodyOut | None
    history: list[WorkingBodyOut]
    obligation: ObligationOut | None


class OverdueOut(Schema):
    school_id: int
    school_code: str
    school_name: str
    city_name: str
    published_on: date
    deadline: date
    status: str
    days_overdue: int
    reminder_count: int
    last_reminded_at: datetime | None


class ReminderIn(Schema):
    message: str = Field("", max_length=500, description="Empty: the standard R33 text")


class ReminderOut(Schema):
    id: int
    school_id: int
    rule: str
    message: str
    deadline: date | None
    sent_at: datetime

    @staticmethod
    def resolve_id(obj: SchoolReminder) -> int:
        return obj.pk


@router.get(
    "/schools/{school_id}/working-body",
    response={200: WorkingBodyStatusOut, 404: ErrorOut},
    summary="A school's working body: current filing, history and R33 deadline",
)
def working_body_detail(request: HttpRequest, school_id: int) -> dict[str, Any]:
    school = school_selectors.school_get(actor=request_actor(request), pk=school_id)
    history = coordination_selectors.working_body_history(school=school)
    return {
        "current": history[0] if history else None,
        "history": history,
        "obligation": coordination_selectors.working_body_obligation(school=school),
    }


@router.post(
    "/schools/{school_id}/working-body",
    response={201: WorkingBodyOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="File the school's working body and contact person (R01, R33; the school only)",
)
def working_body_file(
    request: HttpRequest, school_id: int, payload: WorkingBodyIn
) -> Status[SchoolWorkingBody]:
    actor = request_actor(request)
    school = school_selectors.school_get(actor=actor, pk=school_id)
    return Status(
        201, coordination_services.working_body_file(actor=actor, school=school, **payload.dict())
    )


@router.get(
    "/working-bodies/overdue",
    response=list[OverdueOut],
    summary="Published schools past the R33 deadline without a working-body filing",
)
def working_body_overdue(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "school_id": row.school.pk,
            "school_code": row.school.code,
            "school_name": row.school.name,
            "city_name": row.school.city.name,
            "published_on": row.published_on,
            "deadline": row.deadline,
            "status": row.status,
            "days_overdue": row.days_overdue,
            "reminder_count": row.reminder_count,
            "last_reminded_at": row.last_reminded_at,
        }
        for row in coordination_selectors.overdue_working_body_filings(actor=request_actor(request))
    ]


@router.post(
    "/schools/{school_id}/reminders",
    response={201: ReminderOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Remind a school to file its working body (R33; province, city or national)",
)
def working_body_remind(
    request: HttpRequest, school_id: int, payload: ReminderIn
) -> Status[SchoolReminder]:
    actor = request_actor(request)
    school = school_selectors.school_get(actor=actor, pk=school_id)
    reminder = coordination_services.working_body_remind(
        actor=actor, school=school, message=payload.message
    )
    return Status(201, reminder)
