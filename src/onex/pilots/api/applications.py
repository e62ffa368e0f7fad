"""The pilot applications API (R26, R27, R28, R32, R43), mounted at /api/v1/pilots/applications.

Parse → selector or service → schema; domain errors become JSON ``{code, rule, message, details}``
in ``onex.api``. The public list of published pilots needs no login.
"""

# No `from __future__ import annotations`: ninja resolves Query[...] parameters at import time.

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from onex.catalog.models import Certificate
from onex.core.actors import request_actor
from onex.core.errors import Forbidden, InvalidInput
from onex.core.limits import (
    CodeText,
    DocumentText,
    PersonNameText,
    PhoneText,
    SearchText,
    model_max_length,
)
from onex.core.params import Pagination
from onex.core.schemas import ErrorOut, province_by_code
from onex.geo.models import Division
from onex.pilots.models import ApplicationAttachment, PilotApplication, SummarySubmission
from onex.pilots.selectors import applications as application_selectors
from onex.pilots.selectors import conditions
from onex.pilots.selectors import schools as school_selectors
from onex.pilots.selectors import specialties as specialty_selectors
from onex.pilots.selectors import summary as summary_selectors
from onex.pilots.selectors import timeline as timeline_selectors
from onex.pilots.services import applications as application_services
from onex.pilots.services import summary as summary_services

router = Router(tags=["pilot applications"])

AttachmentTitle = Annotated[str, Field(max_length=model_max_length(ApplicationAttachment, "title"))]
SubmissionNote = Annotated[str, Field(max_length=model_max_length(SummarySubmission, "note"))]


class VerdictOut(Schema):
    key: str
    rule: str
    label: str
    actual: str
    required: str
    passed: bool
    applies: bool
    source: str
    field: str


class ApplicationEventOut(Schema):
    at: dt.datetime
    action: str
    actor: str
    reason: str
    status: str
    status_label: str


class ApplicationOut(Schema):
    id: int
    status: str
    status_label: str
    school_id: int
    school_name: str
    school_code: str
    province_code: str
    city_code: str
    certificate_code: str
    certificate_name: str
    specialty_id: int
    specialty_name: str
    levels: list[str]
    full_time_teachers: int
    team_size: int
    dual_qualified_teachers: int
    industry_experts: int
    dual_qualified_ratio: str
    industry_expert_ratio: str
    enrolments: dict[str, int]
    facility_kind: str
    facility_description: str
    has_training_rooms: bool
    has_internship_sites: bool
    work_plan: str
    planned_students: int
    contact_name: str
    contact_phone: str
    city_review_required: bool
    decision_reason: str
    submitted_at: dt.datetime | None
    published_on: dt.date | None

    @staticmethod
    def resolve_id(obj: PilotApplication) -> int:
        return obj.pk

    @staticmethod
    def resolve_status_label(obj: PilotApplication) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_school_name(obj: PilotApplication) -> str:
        return obj.school.name

    @staticmethod
    def resolve_school_code(obj: PilotApplication) -> str:
        return obj.school.code

    @staticmethod
    def resolve_province_code(obj: PilotApplication) -> str:
        return obj.province.code

    @staticmethod
    def resolve_city_code(obj: PilotApplication) -> str:
        return obj.city.code

    @staticmethod
    def resolve_certificate_code(obj: PilotApplication) -> str:
        return obj.certificate.code

    @staticmethod
    def resolve_certificate_name(obj: PilotApplication) -> str:
        return obj.certificate.name

    @staticmethod
    def resolve_specialty_name(obj: PilotApplication) -> str:
        return obj.specialty.name

    @staticmethod
    def resolve_dual_qualified_ratio(obj: PilotApplication) -> str:
        return conditions.ratio_text(conditions.dual_qualified_ratio(obj))

    @staticmethod
    def resolve_industry_expert_ratio(obj: PilotApplication) -> str:
        return conditions.ratio_text(conditions.industry_expert_ratio(obj))


class ApplicationDetailOut(ApplicationOut):
    verdicts: list[VerdictOut]
    timeline: list[ApplicationEventOut]
    moves: list[str] = Field(
        ..., description="Actions you may take now (the detail page offers the same buttons)"
    )

    @staticmethod
    def resolve_verdicts(obj: PilotApplication) -> list[dict[str, Any]]:
        return [v.as_dict() for v in conditions.evaluate_conditions(obj)]

    @staticmethod
    def resolve_timeline(obj: PilotApplication) -> list[dict[str, Any]]:
        return timeline_selectors.application_timeline(obj)

    @staticmethod
    def resolve_moves(obj: PilotApplication, context: dict[str, Any]) -> list[str]:
        actor = request_actor(context["request"])
        return timeline_selectors.application_moves(actor=actor, application=obj)


class PublicPilotOut(Schema):
    """What the public list shows: no contact person, no phone, no teacher figures."""

    province_code: str
    province_name: str
    school_name: str
    school_code: str
    certificate_code: str
    certificate_name: str
    specialty_name: str
    levels: list[str]
    published_on: dt.date | None
    school_pilot_status: str = Field(..., description="active | disqualified (R23)")
    school_pilot_status_on: dt.date | None = Field(None, description="Date of the last change")

    @staticmethod
    def resolve_province_code(obj: PilotApplication) -> str:
        return obj.province.code

    @staticmethod
    def resolve_school_pilot_status(obj: PilotApplication) -> str:
        return obj.school.pilot_status

    @staticmethod
    def resolve_school_pilot_status_on(obj: PilotApplication) -> dt.date | None:
        return obj.school.pilot_status_on

    @staticmethod
    def resolve_province_name(obj: PilotApplication) -> str:
        return obj.province.name

    @staticmethod
    def resolve_school_name(obj: PilotApplication) -> str:
        return obj.school.name

    @staticmethod
    def resolve_school_code(obj: PilotApplication) -> str:
        return obj.school.code

    @staticmethod
    def resolve_certificate_code(obj: PilotApplication) -> str:
        return obj.certificate.code

    @staticmethod
    def resolve_certificate_name(obj: PilotApplication) -> str:
        return obj.certificate.name

    @staticmethod
    def resolve_specialty_name(obj: PilotApplication) -> str:
        return obj.specialty.name


class ApplicationFilters(Schema):
    q: SearchText | None = Field(None, description="School name/code, certificate or specialty")
    status: CodeText | None = Field(None, description="One of the ApplicationStatus values")
    certificate: CodeText | None = Field(None, description="Certificate code")
    province: CodeText | None = Field(None, description="Province GB/T 2260 code")


class PublicFilters(Schema):
    q: SearchText | None = None
    province: CodeText | None = Field(None, description="Province GB/T 2260 code, e.g. 440000")
    certificate: CodeText | None = Field(None, description="Certificate code")


class ApplicationIn(Schema):
    levels: list[CodeText] = Field(
        default_factory=list, description="junior/intermediate/senior (R34)"
    )
    full_time_teachers: int = Field(0, ge=0)
    team_size: int = Field(0, ge=0)
    dual_qualified_teachers: int = Field(0, ge=0)
    industry_experts: int = Field(0, ge=0)
    enrolments: dict[str, int] | None = Field(
        None, description="Year → students; omit to prefill from the specialty's records"
    )
    facility_kind: CodeText = Field("", description="own / rented / shared")
    facility_description: DocumentText = ""
    has_training_rooms: bool = False
    has_internship_sites: bool = False
    work_plan: DocumentText = ""
    planned_students: int = Field(0, ge=0)
    contact_name: PersonNameText = ""
    contact_phone: PhoneText = ""

    def as_input(self) -> application_services.ApplicationInput:
        return application_services.ApplicationInput(**self.dict())


class ApplicationCreateIn(ApplicationIn):
    certificate: CodeText = Field(..., description="Certificate code")
    specialty_id: int | None = Field(None, description="One of the school's specialties")
    specialty_code: CodeText | None = Field(
        None, description="Or the specialty's code at the school (instead of specialty_id)"
    )

    def as_input(self) -> application_services.ApplicationInput:
        data = self.dict()
        for name in ("certificate", "specialty_id", "specialty_code"):
            data.pop(name)
        return application_services.ApplicationInput(**data)


class ApplicationReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=1000)


class NoteIn(Schema):
    note: str = Field("", max_length=1000)


class PublishIn(Schema):
    published_on: dt.date | None = None


class SubmissionOut(Schema):
    id: int
    province_code: str
    province_name: str
    source: str
    row_count: int
    deadline: dt.date | None
    is_late: bool
    note: str
    submitted_at: dt.datetime

    @staticmethod
    def resolve_id(obj: SummarySubmission) -> int:
        return obj.pk

    @staticmethod
    def resolve_province_code(obj: SummarySubmission) -> str:
        return obj.province.code

    @staticmethod
    def resolve_province_name(obj: SummarySubmission) -> str:
        return obj.province.name


class FieldShareOut(Schema):
    field: str
    count: int
    share: str
    flagged: bool


class DistributionOut(Schema):
    province_code: str | None
    total: int
    threshold: str
    threshold_source: str
    rows: list[FieldShareOut]


def _province(code: str | None) -> Division | None:
    return province_by_code(code) if code else None


_ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
_DETAIL = {200: ApplicationDetailOut, **_ERRORS}


@router.get(
    "/public",
    response=list[PublicPilotOut],
    auth=None,
    summary="Published pilots (public list, R32), no login",
)
@paginate(Pagination)
def public_list(request: HttpRequest, filters: Query[PublicFilters]) -> Any:
    return application_selectors.public_pilot_list(
        province=filters.province, certificate=filters.certificate, q=filters.q
    )


@router.get("", response=list[ApplicationOut], summary="Applications in your jurisdiction")
@paginate(Pagination)
def application_list(request: HttpRequest, filters: Query[ApplicationFilters]) -> Any:
    return application_selectors.application_list(
        actor=request_actor(request),
        q=filters.q,
        status=filters.status,
        certificate=filters.certificate,
        province=filters.province,
    )


@router.post(
    "",
    response={201: ApplicationDetailOut, **_ERRORS},
    summary="A school drafts an application (R34 levels)",
)
def application_create(
    request: HttpRequest, payload: ApplicationCreateIn
) -> Status[PilotApplication]:
    actor = request_actor(request)
    school = school_selectors.school_of(actor)
    if school is None:
        raise Forbidden(_("只有试点院校可以提交试点申请。"))
    certificate = Certificate.objects.filter(code=payload.certificate).first()
    if certificate is None:
        raise InvalidInput(_("未知的证书代码。"), field="certificate")
    specialty = specialty_selectors.school_specialty(
        school=school, pk=payload.specialty_id, code=payload.specialty_code
    )
    application = application_services.application_create(
        actor=actor,
        school=school,
        certificate=certificate,
        specialty=specialty,
        data=payload.as_input(),
    )
    return Status(201, application_selectors.application_get(actor=actor, pk=application.pk))


@router.get(
    "/{int:application_id}",
    response={200: ApplicationDetailOut, 404: ErrorOut},
    summary="One application with its condition verdicts (R26/R43) and timeline",
)
def application_detail(request: HttpRequest, application_id: int) -> PilotApplication:
    return application_selectors.application_get(actor=request_actor(request), pk=application_id)


@router.put(
    "/{int:application_id}", response=_DETAIL, summary="Edit a draft or returned application"
)
def application_update(
    request: HttpRequest, application_id: int, payload: ApplicationIn
) -> PilotApplication:
    actor = request_actor(request)
    application = application_selectors.application_get(actor=actor, pk=application_id)
    application_services.application_update(
        actor=actor, application=application, data=payload.as_input()
    )
    return application_selectors.application_get(actor=actor, pk=application_id)


@router.post(
    "/{int:application_id}/attachments",
    response=_DETAIL,
    summary="Attach a facilities document (PDF/JPG/PNG, ≤5 MB)",
)
def application_attach(
    request: HttpRequest, application_id: int, title: AttachmentTitle, file: File[UploadedFile]
) -> PilotApplication:
    actor = request_actor(request)
    application = application_selectors.application_get(actor=actor, pk=application_id)
    application_services.application_attach(
        actor=actor, application=application, title=title, upload=file
    )
    return application_selectors.application_get(actor=actor, pk=application_id)


def _step(request: HttpRequest, application_id: int, step: str, **kwargs: Any) -> PilotApplication:
    actor = request_actor(request)
    application = application_selectors.application_get(actor=actor, pk=application_id)
    getattr(application_services, f"application_{step}")(
        actor=actor, application=application, **kwargs
    )
    return application_selectors.application_get(actor=actor, pk=application_id)


@router.post(
    "/{int:application_id}/submit", response=_DETAIL, summary="School submits (R26/R43 checked)"
)
def application_submit(request: HttpRequest, application_id: int) -> PilotApplication:
    return _step(request, application_id, "submit")


@router.post(
    "/{int:application_id}/city-pass", response=_DETAIL, summary="City first review passes (R32)"
)
def application_city_pass(
    request: HttpRequest, application_id: int, payload: NoteIn
) -> PilotApplication:
    return _step(request, application_id, "city_pass", note=payload.note)


@router.post(
    "/{int:application_id}/city-return", response=_DETAIL, summary="City first review returns (R32)"
)
def application_city_return(
    request: HttpRequest, application_id: int, payload: ApplicationReasonIn
) -> PilotApplication:
    return _step(request, application_id, "city_return", reason=payload.reason)


@router.post("/{int:application_id}/confirm", response=_DETAIL, summary="Province confirms (R32)")
def application_confirm(request: HttpRequest, application_id: int) -> PilotApplication:
    return _step(request, application_id, "confirm")


@router.post("/{int:application_id}/return", response=_DETAIL, summary="Province returns a reason")
def application_return(
    request: HttpRequest, application_id: int, payload: ApplicationReasonIn
) -> PilotApplication:
    return _step(request, application_id, "return", reason=payload.reason)


@router.post("/{int:application_id}/reject", response=_DETAIL, summary="Province rejects")
def application_reject(
    request: HttpRequest, application_id: int, payload: ApplicationReasonIn
) -> PilotApplication:
    return _step(request, application_id, "reject", reason=payload.reason)


@router.post(
    "/{int:application_id}/publish",
    response=_DETAIL,
    summary="Province publishes on the public list",
)
def application_publish(
    request: HttpRequest, application_id: int, payload: PublishIn
) -> PilotApplication:
    return _step(request, application_id, "publish", published_on=payload.published_on)


@router.get(
    "/summary/table",
    response={200: None, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="The province's 试点院校情况汇总表 as xlsx (R27); national actors pass ?province=",
)
def summary_table(request: HttpRequest, province: CodeText | None = None) -> HttpResponse:
    return summary_selectors.summary_export(
        actor=request_actor(request), province=_province(province)
    )


@router.get(
    "/summary/national",
    response={200: None, 403: ErrorOut},
    summary="The national table from each province's latest submission (xlsx, R27)",
)
def summary_national(request: HttpRequest, province: CodeText | None = None) -> HttpResponse:
    return summary_selectors.national_summary_export(
        actor=request_actor(request), province=_province(province)
    )


@router.get(
    "/summary/submissions",
    response=list[SubmissionOut],
    summary="Submitted summary tables (a province its own, national actors all)",
)
def summary_submissions(request: HttpRequest) -> Any:
    return summary_selectors.summary_submissions(actor=request_actor(request))


@router.post(
    "/summary/submissions",
    response={201: SubmissionOut, **_ERRORS},
    summary="A province submits its table with the stamped scan (PDF/JPG/PNG, R27)",
)
def summary_submit(
    request: HttpRequest, scan: File[UploadedFile], note: SubmissionNote = ""
) -> Status[SummarySubmission]:
    return Status(
        201, summary_services.summary_submit(actor=request_actor(request), scan=scan, note=note)
    )


@router.get(
    "/distribution",
    response={200: DistributionOut, 403: ErrorOut, 422: ErrorOut},
    summary="Confirmed pilots by certificate field, concentration flagged (R28)",
)
def distribution(request: HttpRequest, province: CodeText | None = None) -> dict[str, Any]:
    result = summary_selectors.pilot_distribution(
        actor=request_actor(request), province=_province(province)
    )
    return {
        "province_code": result.province.code if result.province else None,
        "total": result.total,
        "threshold": result.threshold_text,
        "threshold_source": result.threshold_source,
        "rows": [
            {"field": r.field, "count": r.count, "share": r.share_text, "flagged": r.flagged}
            for r in result.rows
        ],
    }
