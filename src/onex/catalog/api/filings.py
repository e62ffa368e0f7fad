"""Org filings (R38): login required, scoped (404 outside the actor's jurisdiction)."""

# No `from __future__ import annotations`: ninja resolves Query[...] parameters at import time.

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from onex.catalog.models import OrgFiling, OrgFilingEvent
from onex.catalog.selectors import catalogue, filings, orgs
from onex.catalog.services import filings as filing_services
from onex.catalog.workflows import filing_moves
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
)
from onex.core.params import Pagination
from onex.core.schemas import ErrorOut, TimelineEventOut, province_by_code

router = Router()


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
        return filing_moves(actor=request_actor(context["request"]), filing=obj)


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


# --- filings (R38) -------------------------------------------------------------------------


@router.post(
    "/orgs/{org_id}/filings",
    response={201: FilingOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Draft a provincial filing (form 附件3); upload the letter next, then submit",
)
def filing_create(request: HttpRequest, org_id: int, payload: FilingIn) -> Status[OrgFiling]:
    org = orgs.org_get(pk=org_id)
    certificate = catalogue.certificate_get(code=payload.certificate)
    filing = filing_services.filing_create(
        actor=request_actor(request),
        org=org,
        province=province_by_code(payload.province),
        certificate=certificate,
        data=filing_services.FilingInput(
            person_name=payload.person_name,
            person_gender=payload.person_gender,
            person_phone=payload.person_phone,
            person_birth_date=payload.person_birth_date,
            person_email=payload.person_email,
            id_number=payload.id_number,
            person_address=payload.person_address,
            org_profile=payload.org_profile,
            staff=[filing_services.StaffMember(**s.dict()) for s in payload.staff],
            training_plan=payload.training_plan,
            exam_plan=payload.exam_plan,
        ),
    )
    return Status(201, filing)


@router.get("/filings", response=list[FilingListOut], summary="Filings in your jurisdiction")
@paginate(Pagination)
def filing_list(request: HttpRequest, status: CodeText = "") -> Any:
    return filings.filing_list(actor=request_actor(request), status=status)


@router.get(
    "/filings/{filing_id}",
    response={200: FilingOut, 404: ErrorOut},
    summary="One filing with its review history",
)
def filing_detail(request: HttpRequest, filing_id: int) -> OrgFiling:
    return filings.filing_get(actor=request_actor(request), pk=filing_id)


@router.post(
    "/filings/{filing_id}/letter",
    response={200: FilingOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Upload the headquarters' authorization letter (PDF/JPG/PNG, ≤5 MB)",
)
def filing_letter(request: HttpRequest, filing_id: int, letter: File[UploadedFile]) -> OrgFiling:
    filing = filings.filing_get(actor=request_actor(request), pk=filing_id)
    return filing_services.filing_attach_letter(
        actor=request_actor(request), filing=filing, letter=letter
    )


_TRANSITION = {200: FilingOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.post("/filings/{filing_id}/submit", response=_TRANSITION, summary="Org submits (R18)")
def filing_submit(request: HttpRequest, filing_id: int) -> OrgFiling:
    filing = filings.filing_get(actor=request_actor(request), pk=filing_id)
    return filing_services.filing_submit(actor=request_actor(request), filing=filing)


@router.post("/filings/{filing_id}/accept", response=_TRANSITION, summary="Province accepts")
def filing_accept(request: HttpRequest, filing_id: int) -> OrgFiling:
    filing = filings.filing_get(actor=request_actor(request), pk=filing_id)
    return filing_services.filing_accept(actor=request_actor(request), filing=filing)


@router.post(
    "/filings/{filing_id}/return", response=_TRANSITION, summary="Province returns with a reason"
)
def filing_return(request: HttpRequest, filing_id: int, payload: ReturnIn) -> OrgFiling:
    filing = filings.filing_get(actor=request_actor(request), pk=filing_id)
    return filing_services.filing_return(
        actor=request_actor(request), filing=filing, reason=payload.reason
    )
