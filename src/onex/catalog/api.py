"""The catalogue API: parse → query or service → schema. Errors come from onex.api handlers.

The catalogue, orgs and notices are public (``auth=None``); filings need a login and are scoped
(404 outside the actor's jurisdiction).
"""

# No `from __future__ import annotations`: ninja resolves Query[...] parameters at import time.

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from onex.catalog import queries, services
from onex.catalog.models import (
    Certificate,
    CertificateLevel,
    Org,
    OrgFiling,
    OrgFilingEvent,
    OrgNotice,
)
from onex.core.actors import request_actor
from onex.core.limits import (
    CodeText,
    DocumentText,
    EmailText,
    IdNumberText,
    NameText,
    PersonNameText,
    PhoneText,
    ReasonText,
    SearchText,
)
from onex.core.params import Pagination
from onex.core.schemas import ErrorOut, TimelineEventOut, province_by_code

router = Router(tags=["catalog"])


# --- schemas -------------------------------------------------------------------------------


class LevelOut(Schema):
    level: str
    label: str
    description: str
    cost_ceiling: Decimal | None = Field(None, description="Ministry cost ceiling in yuan (R13)")

    @staticmethod
    def resolve_label(obj: CertificateLevel) -> str:
        return str(obj.get_level_display())


class CertificateOut(Schema):
    code: str
    name: str
    org_id: int
    org_name: str
    batch: int
    position: int | None
    field: str
    specialties: list[str]
    levels: list[LevelOut]

    @staticmethod
    def resolve_org_name(obj: Certificate) -> str:
        return obj.org.name

    @staticmethod
    def resolve_specialties(obj: Certificate) -> list[str]:
        return obj.specialty_names

    @staticmethod
    def resolve_batch(obj: Certificate) -> int:
        return obj.batch.number

    @staticmethod
    def resolve_levels(obj: Certificate) -> list[CertificateLevel]:
        return queries.certificate_levels(obj)


class StandardOut(Schema):
    version: str
    published_on: dt.date
    pdf_url: str | None
    content: dict[str, Any] = Field(
        ..., description="Per level: [{area, tasks: [{task, requirements: [str]}]}]"
    )


class CertificateDetailOut(CertificateOut):
    description: str
    batch_published_on: dt.date
    textbook_updated_on: dt.date | None
    case_library_updated_on: dt.date | None
    question_bank_updated_on: dt.date | None
    standard: StandardOut | None

    @staticmethod
    def resolve_batch_published_on(obj: Certificate) -> dt.date:
        return obj.batch.published_on

    @staticmethod
    def resolve_standard(obj: Certificate) -> dict[str, Any] | None:
        standard = queries.certificate_current_standard(obj)
        if standard is None:
            return None
        return {
            "version": standard.version,
            "published_on": standard.published_on,
            "pdf_url": (
                reverse("catalog:standard_pdf", args=[obj.code, standard.pk])
                if standard.pdf
                else None
            ),
            "content": standard.content,
        }


class CertificateFilters(Schema):
    q: SearchText | None = Field(None, description="Certificate name or code contains")
    org: SearchText | None = Field(None, description="Org name contains, or org id")
    batch: int | None = Field(None, description="Batch number")
    specialty: SearchText | None = Field(None, description="A corresponding specialty contains")


class OrgOut(Schema):
    id: int
    name: str
    credit_code: str
    org_type: str
    org_type_label: str
    status: str
    can_act: bool = Field(..., description="Active with a complete agreement in force (R18)")

    @staticmethod
    def resolve_id(obj: Org) -> int:
        return obj.pk

    @staticmethod
    def resolve_org_type_label(obj: Org) -> str:
        return str(obj.get_org_type_display())

    @staticmethod
    def resolve_can_act(obj: Org) -> bool:
        return services.org_can_act(obj)


class NoticeOut(Schema):
    id: int
    org_id: int
    title: str
    body: str
    published_at: dt.datetime

    @staticmethod
    def resolve_id(obj: OrgNotice) -> int:
        return obj.pk


class PhraseOut(Schema):
    id: int | None = Field(None, description="null: a shipped default not yet edited")
    phrase: str
    is_active: bool

    @staticmethod
    def resolve_id(obj: queries.PhraseRow) -> int | None:
        return obj.pk


class PhraseIn(Schema):
    phrase: str = Field(..., min_length=1, max_length=64)


class PhraseActiveIn(Schema):
    is_active: bool


class NoticeIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    body: DocumentText = Field(..., min_length=1)


class StaffIn(Schema):
    name: str = Field(..., min_length=1, max_length=64)
    phone: PhoneText = ""
    duty: NameText = ""


class FilingIn(Schema):
    province: CodeText = Field(..., description="Province GB/T 2260 code, e.g. 440000")
    certificate: CodeText = Field(..., description="Certificate code")
    person_name: PersonNameText
    person_gender: CodeText = Field(..., description="male / female")
    person_birth_date: dt.date | None = None
    person_phone: PhoneText
    person_email: EmailText = ""
    id_number: IdNumberText = Field(
        "", description="Resident ID number; stored encrypted, shown masked"
    )
    person_address: NameText = ""
    org_profile: DocumentText = ""
    staff: list[StaffIn] = []
    training_plan: DocumentText = ""
    exam_plan: DocumentText = ""


class FilingOut(Schema):
    id: int
    org_id: int
    org_name: str
    province_code: str
    province_name: str
    certificate_code: str
    certificate_name: str
    status: str
    status_label: str
    person_name: str
    person_gender: str
    person_birth_date: dt.date | None
    person_phone: str
    person_email: str
    id_number_masked: str
    person_address: str
    org_profile: str
    staff: list[dict[str, str]]
    training_plan: str
    exam_plan: str
    has_authorization_letter: bool
    return_reason: str
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    events: list[TimelineEventOut]
    moves: list[str] = Field(
        ..., description="Actions you may take now (the filing page offers the same buttons)"
    )

    @staticmethod
    def resolve_id(obj: OrgFiling) -> int:
        return obj.pk

    @staticmethod
    def resolve_org_name(obj: OrgFiling) -> str:
        return obj.org.name

    @staticmethod
    def resolve_province_code(obj: OrgFiling) -> str:
        return obj.province.code

    @staticmethod
    def resolve_province_name(obj: OrgFiling) -> str:
        return obj.province.name

    @staticmethod
    def resolve_certificate_code(obj: OrgFiling) -> str:
        return obj.certificate.code

    @staticmethod
    def resolve_certificate_name(obj: OrgFiling) -> str:
        return obj.certificate.name

    @staticmethod
    def resolve_status_label(obj: OrgFiling) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_has_authorization_letter(obj: OrgFiling) -> bool:
        return bool(obj.authorization_letter)

    @staticmethod
    def resolve_events(obj: OrgFiling) -> list[OrgFilingEvent]:
        return list(obj.events.select_related("unit"))

    @staticmethod
    def resolve_moves(obj: OrgFiling, context: dict[str, Any]) -> list[str]:
        return services.filing_moves(actor=request_actor(context["request"]), filing=obj)


class FilingListOut(Schema):
    id: int
    org_name: str
    province_name: str
    certificate_name: str
    status: str
    status_label: str
    submitted_at: dt.datetime | None

    resolve_id = staticmethod(FilingOut.resolve_id)
    resolve_org_name = staticmethod(FilingOut.resolve_org_name)
    resolve_province_name = staticmethod(FilingOut.resolve_province_name)
    resolve_certificate_name = staticmethod(FilingOut.resolve_certificate_name)
    resolve_status_label = staticmethod(FilingOut.resolve_status_label)


class ReturnIn(Schema):
    reason: ReasonText = Field(..., description="Why the filing is returned (required)")


# --- public catalogue ----------------------------------------------------------------------


@router.get(
    "/certificates",
    response=list[CertificateOut],
    auth=None,
    summary="Search the public certificate catalogue",
)
@paginate(Pagination)
def certificate_list(request: HttpRequest, filters: Query[CertificateFilters]) -> Any:
    return queries.certificate_list(
        search=queries.CatalogSearch(
            q=filters.q or "",
            org=filters.org or "",
            batch=filters.batch,
            specialty=filters.specialty or "",
        )
    )


@router.get(
    "/certificates/{code}",
    response={200: CertificateDetailOut, 404: ErrorOut},
    auth=None,
    summary="One certificate with levels, ceilings and its current standard",
)
def certificate_detail(request: HttpRequest, code: str) -> Certificate:
    return queries.certificate_get(code=code)


@router.get("/orgs", response=list[OrgOut], auth=None, summary="Training-evaluation orgs")
@paginate(Pagination)
def org_list(request: HttpRequest, q: SearchText = "") -> Any:
    return queries.org_list(q=q)


@router.get("/orgs/{org_id}", response={200: OrgOut, 404: ErrorOut}, auth=None)
def org_detail(request: HttpRequest, org_id: int) -> Org:
    return queries.org_get(pk=org_id)


@router.get("/orgs/{org_id}/notices", response=list[NoticeOut], auth=None)
@paginate(Pagination)
def org_notice_list(request: HttpRequest, org_id: int) -> Any:
    return queries.org_notices(org=queries.org_get(pk=org_id))


@router.post(
    "/orgs/{org_id}/notices",
    response={201: NoticeOut, 403: ErrorOut, 422: ErrorOut},
    summary="Publish a notice (R19: unauthorized endorsements are refused)",
)
def notice_publish(request: HttpRequest, org_id: int, payload: NoticeIn) -> Status[OrgNotice]:
    org = queries.org_get(pk=org_id)
    notice = services.notice_publish(
        actor=request_actor(request), org=org, title=payload.title, body=payload.body
    )
    return Status(201, notice)


@router.get(
    "/phrases",
    response=list[PhraseOut],
    summary="Unauthorized endorsements refused in org notices (R19)",
)
def phrase_list(request: HttpRequest) -> Any:
    return queries.unauthorized_phrase_rows()


@router.post("/phrases", response={201: PhraseOut, 403: ErrorOut, 422: ErrorOut})
def phrase_add(request: HttpRequest, payload: PhraseIn) -> Status[queries.PhraseRow]:
    row = services.phrase_add(actor=request_actor(request), phrase=payload.phrase)
    return Status(201, queries.PhraseRow(row.pk, row.phrase, row.is_active))


@router.post("/phrases/{phrase_id}/active", response={200: PhraseOut, 403: ErrorOut})
def phrase_set_active(request: HttpRequest, phrase_id: int, payload: PhraseActiveIn) -> Any:
    row = services.phrase_set_active(
        actor=request_actor(request),
        phrase=queries.unauthorized_phrase_get(pk=phrase_id),
        is_active=payload.is_active,
    )
    return queries.PhraseRow(row.pk, row.phrase, row.is_active)


# --- filings (R38) -------------------------------------------------------------------------


@router.post(
    "/orgs/{org_id}/filings",
    response={201: FilingOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Draft a provincial filing (form 附件3); upload the letter next, then submit",
)
def filing_create(request: HttpRequest, org_id: int, payload: FilingIn) -> Status[OrgFiling]:
    org = queries.org_get(pk=org_id)
    certificate = queries.certificate_get(code=payload.certificate)
    filing = services.filing_create(
        actor=request_actor(request),
        org=org,
        province=province_by_code(payload.province),
        certificate=certificate,
        data=services.FilingInput(
            person_name=payload.person_name,
            person_gender=payload.person_gender,
            person_phone=payload.person_phone,
            person_birth_date=payload.person_birth_date,
            person_email=payload.person_email,
            id_number=payload.id_number,
            person_address=payload.person_address,
            org_profile=payload.org_profile,
            staff=[services.StaffMember(**s.dict()) for s in payload.staff],
            training_plan=payload.training_plan,
            exam_plan=payload.exam_plan,
        ),
    )
    return Status(201, filing)


@router.get("/filings", response=list[FilingListOut], summary="Filings in your jurisdiction")
@paginate(Pagination)
def filing_list(request: HttpRequest, status: CodeText = "") -> Any:
    return queries.filing_list(actor=request_actor(request), status=status)


@router.get("/filings/{filing_id}", response={200: FilingOut, 404: ErrorOut})
def filing_detail(request: HttpRequest, filing_id: int) -> OrgFiling:
    return queries.filing_get(actor=request_actor(request), pk=filing_id)


@router.post(
    "/filings/{filing_id}/letter",
    response={200: FilingOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Upload the headquarters' authorization letter (PDF/JPG/PNG, ≤5 MB)",
)
def filing_letter(request: HttpRequest, filing_id: int, letter: File[UploadedFile]) -> OrgFiling:
    filing = queries.filing_get(actor=request_actor(request), pk=filing_id)
    return services.filing_attach_letter(actor=request_actor(request), filing=filing, letter=letter)


_TRANSITION = {200: FilingOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.post("/filings/{filing_id}/submit", response=_TRANSITION, summary="Org submits (R18)")
def filing_submit(request: HttpRequest, filing_id: int) -> OrgFiling:
    filing = queries.filing_get(actor=request_actor(request), pk=filing_id)
    return services.filing_submit(actor=request_actor(request), filing=filing)


@router.post("/filings/{filing_id}/accept", response=_TRANSITION, summary="Province accepts")
def filing_accept(request: HttpRequest, filing_id: int) -> OrgFiling:
    filing = queries.filing_get(actor=request_actor(request), pk=filing_id)
    return services.filing_accept(actor=request_actor(request), filing=filing)


@router.post(
    "/filings/{filing_id}/return", response=_TRANSITION, summary="Province returns with a reason"
)
def filing_return(request: HttpRequest, filing_id: int, payload: ReturnIn) -> OrgFiling:
    filing = queries.filing_get(actor=request_actor(request), pk=filing_id)
    return services.filing_return(
        actor=request_actor(request), filing=filing, reason=payload.reason
    )
