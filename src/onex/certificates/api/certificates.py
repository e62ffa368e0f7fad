"""The certificates API (/api/v1/certificates): scoped lists, issue, status changes, PDFs, and
the holder's verifiable credential with its share links (docs/adr/0003-credential-privacy.md).

parse → selector or service → schema; domain errors become JSON in onex.api.
"""

# No `from __future__ import annotations`: ninja resolves Query[...] parameters at import time.

import datetime as dt
import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from onex.assessment.selectors.exams import plan_get, registration_get
from onex.catalog.models import Certificate
from onex.catalog.selectors.orgs import org_of
from onex.certificates.models import CredentialShareLink, IssuedCertificate, IssueJob, StatusChange
from onex.certificates.selectors import certificates as selectors
from onex.certificates.selectors import sharing as holders
from onex.certificates.services import sharing
from onex.certificates.services.issue import certificate_enter as enter_service
from onex.certificates.services.issue import certificate_issue as issue_service
from onex.certificates.services.jobs import issue_job_submit as issue_job_service
from onex.certificates.services.jobs import pdf_job_submit as pdf_job_service
from onex.certificates.services.status import certificate_move
from onex.certificates.views.certificates import export_certificates, pdf_response
from onex.certificates.workflows import CERTIFICATE_STATUS
from onex.core.actors import Actor, request_actor
from onex.core.errors import Forbidden, InvalidInput
from onex.core.limits import (
    CodeText,
    IdNumberText,
    PersonNameText,
    ReasonText,
    SearchText,
)
from onex.core.models import UnitKind
from onex.core.params import Pagination
from onex.core.schemas import ErrorOut, StatusStepOut, province_by_code
from onex.core.xlsx import XLSX_CONTENT_TYPE

router = Router(tags=["certificates"])


class CertificateOut(Schema):
    id: int
    number: str
    holder_name: str
    id_number_masked: str
    certificate_id: int
    certificate_name: str
    level: str
    level_label: str
    org_name: str
    province_code: str
    province_name: str
    issued_on: dt.date
    entered_on: dt.date
    entry_working_days: int | None
    late_entry: bool
    calendar_unverified: bool
    status: str
    status_label: str
    status_reason: str
    platform_examined: bool = Field(
        ..., description="False when entered without an exam on the platform (R44)"
    )

    @staticmethod
    def resolve_id(obj: IssuedCertificate) -> int:
        return obj.pk

    @staticmethod
    def resolve_certificate_name(obj: IssuedCertificate) -> str:
        return obj.certificate.name

    @staticmethod
    def resolve_level_label(obj: IssuedCertificate) -> str:
        return str(obj.get_level_display())

    @staticmethod
    def resolve_org_name(obj: IssuedCertificate) -> str:
        return obj.org.name

    @staticmethod
    def resolve_province_code(obj: IssuedCertificate) -> str:
        return obj.province.code

    @staticmethod
    def resolve_province_name(obj: IssuedCertificate) -> str:
        return obj.province.name

    @staticmethod
    def resolve_status_label(obj: IssuedCertificate) -> str:
        return str(obj.get_status_display())


class IssuedOut(CertificateOut):
    warnings: list[str]

    @staticmethod
    def resolve_warnings(obj: IssuedCertificate) -> list[str]:
        return list(obj.warnings)


class CertificateEventOut(StatusStepOut):
    actor: str

    @staticmethod
    def resolve_actor(obj: StatusChange) -> str:
        if obj.user is None:
            return _("系统")
        return obj.user.get_username() + (f"（{obj.unit.name}）" if obj.unit else "")


class CertificateDetailOut(CertificateOut):
    timeline: list[CertificateEventOut]
    moves: list[str] = Field(..., description="Status moves you may take now")

    @staticmethod
    def resolve_moves(obj: IssuedCertificate, context: dict[str, Any]) -> list[str]:
        return CERTIFICATE_STATUS.allowed_actions(obj, request_actor(context["request"]))

    @staticmethod
    def resolve_timeline(obj: IssuedCertificate) -> list[StatusChange]:
        return selectors.certificate_timeline(obj)


class CertificateFilters(Schema):
    q: SearchText | None = Field(None, description="Number prefix, holder name or certificate name")
    status: CodeText | None = Field(None, description="valid | suspended | revoked")
    level: CodeText | None = Field(None, description="junior | intermediate | senior")
    certificate: CodeText | None = Field(
        None, description="Catalogue id or code of the certificate"
    )
    province: CodeText | None = Field(None, description="Exam province GB/T 2260 code, e.g. 440000")
    late: bool | None = Field(None, description="Only late (true) or timely (false) entries (R15)")
    issued_from: dt.date | None = None
    issued_to: dt.date | None = None


class CertificateReasonIn(Schema):
    reason: ReasonText = Field(..., description="Mandatory; shown on public verification")


class EnterIn(Schema):
    certificate: CodeText = Field(..., description="Certificate code in the catalogue")
    level: CodeText
    province: CodeText = Field(..., description="Exam province GB/T 2260 code")
    holder_name: PersonNameText
    id_type: CodeText = "resident"
    id_number: IdNumberText
    issued_on: dt.date


class IssueIn(Schema):
    registration_id: int
    issued_on: dt.date


class IssueJobIn(Schema):
    plan_id: int
    issued_on: dt.date


class PdfJobIn(Schema):
    certificate_ids: list[int] | None = Field(
        None, description="Certificates to render; omitted = every one without a PDF"
    )


class CertificateJobOut(Schema):
    id: int
    kind: str
    status: str
    total: int
    done: int
    succeeded: int
    skipped: int
    progress_percent: int
    errors: list[dict[str, Any]]

    @staticmethod
    def resolve_id(obj: IssueJob) -> int:
        return obj.pk


class ComplianceOut(Schema):
    total: int
    on_time: int
    late: int
    late_percent: int
    calendar_unverified: int


def _filtered(actor: Actor, f: CertificateFilters) -> Any:
    return selectors.certificate_list(
        actor=actor,
        q=f.q,
        status=f.status,
        level=f.level,
        certificate=f.certificate,
        province=f.province,
        late=f.late,
        issued_from=f.issued_from,
        issued_to=f.issued_to,
    )


@router.get("", response=list[CertificateOut], summary="List certificates in your jurisdiction")
@paginate(Pagination)
def certificate_list(request: HttpRequest, filters: Query[CertificateFilters]) -> Any:
    return _filtered(request_actor(request), filters)


@router.get(
    "/export.xlsx",
    summary="The same list as an xlsx file",
    openapi_extra={"responses": {200: {"content": {XLSX_CONTENT_TYPE: {}}}}},
)
def certificate_export(request: HttpRequest, filters: Query[CertificateFilters]) -> HttpResponse:
    return export_certificates(_filtered(request_actor(request), filters))


@router.get(
    "/compliance",
    response=ComplianceOut,
    summary="R15: late entries among the certificates you see",
)
def compliance(request: HttpRequest) -> dict[str, int]:
    c = selectors.entry_compliance(actor=request_actor(request))
    return {
        "total": c.total,
        "on_time": c.on_time,
        "late": c.late,
        "late_percent": c.late_percent,
        "calendar_unverified": c.unverified,
    }


@router.get(
    "/{int:certificate_id}",
    response={200: CertificateDetailOut, 404: ErrorOut},
    summary="One certificate with its timeline (404 outside your jurisdiction)",
)
def certificate_detail(request: HttpRequest, certificate_id: int) -> IssuedCertificate:
    return selectors.certificate_get(actor=request_actor(request), pk=certificate_id)


def _status_change(
    request: HttpRequest, certificate_id: int, payload: CertificateReasonIn, action: str
) -> Any:
    actor = request_actor(request)
    certificate = selectors.certificate_get(actor=actor, pk=certificate_id)
    return certificate_move(
        actor=actor, certificate=certificate, action=action, reason=payload.reason
    )


_CHANGE_RESPONSES = {
    200: CertificateOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


@router.post(
    "/{int:certificate_id}/suspend", response=_CHANGE_RESPONSES, summary="Suspend (org or Ministry)"
)
def certificate_suspend(
    request: HttpRequest, certificate_id: int, payload: CertificateReasonIn
) -> Any:
    return _status_change(request, certificate_id, payload, "suspend")


@router.post("/{int:certificate_id}/revoke", response=_CHANGE_RESPONSES, summary="Revoke (final)")
def certificate_revoke(
    request: HttpRequest, certificate_id: int, payload: CertificateReasonIn
) -> Any:
    return _status_change(request, certificate_id, payload, "revoke")


@router.post(
    "/{int:certificate_id}/reinstate",
    response=_CHANGE_RESPONSES,
    summary="Reinstate a suspended certificate",
)
def certificate_reinstate(
    request: HttpRequest, certificate_id: int, payload: CertificateReasonIn
) -> Any:
    return _status_change(request, certificate_id, payload, "reinstate")


@router.get(
    "/{int:certificate_id}/pdf",
    summary="The certificate PDF (issuing org, holder, national actors)",
    openapi_extra={"responses": {200: {"content": {"application/pdf": {}}}}},
)
def certificate_pdf(request: HttpRequest, certificate_id: int) -> HttpResponse:
    return pdf_response(request_actor(request), certificate_id)


@router.post(
    "/enter",
    response={201: IssuedOut, 403: ErrorOut, 422: ErrorOut},
    summary="Enter a certificate issued without an exam record here (R15, R18, R38)",
)
def certificate_enter(request: HttpRequest, payload: EnterIn) -> Status[IssuedCertificate]:
    certificate = Certificate.objects.filter(code=payload.certificate.strip()).first()
    if certificate is None:
        raise InvalidInput(_("未知的证书代码。"), field="certificate")
    province = province_by_code(payload.province.strip())
    issued = enter_service(
        actor=request_actor(request),
        certificate=certificate,
        level=payload.level,
        province=province,
        holder_name=payload.holder_name,
        id_type=payload.id_type,
        id_number=payload.id_number,
        issued_on=payload.issued_on,
    )
    return Status(201, issued)


@router.post(
    "/issue",
    response={201: IssuedOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Issue the certificate of one passed registration of a closed plan",
)
def certificate_issue(request: HttpRequest, payload: IssueIn) -> Status[IssuedCertificate]:
    actor = request_actor(request)
    registration = registration_get(actor=actor, pk=payload.registration_id)
    issued = issue_service(actor=actor, registration=registration, issued_on=payload.issued_on)
    return Status(201, issued)


@router.post(
    "/issue-jobs",
    response={202: CertificateJobOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Issue to every passed candidate of a closed plan in one background job",
)
def issue_job_submit(request: HttpRequest, payload: IssueJobIn) -> Status[IssueJob]:
    actor = request_actor(request)
    plan = plan_get(actor=actor, pk=payload.plan_id)
    job = issue_job_service(actor=actor, plan=plan, issued_on=payload.issued_on)
    return Status(202, job)


@router.post(
    "/pdf-jobs",
    response={202: CertificateJobOut, 403: ErrorOut},
    summary="Render certificate PDFs in one background job",
)
def pdf_job_submit(request: HttpRequest, payload: PdfJobIn) -> Status[IssueJob]:
    actor = request_actor(request)
    org = org_of(actor)
    if org is None or actor.kind != UnitKind.ORG:
        raise Forbidden(_("只有培训评价组织可以批量生成证书 PDF。"))
    job = pdf_job_service(actor=actor, org=org, certificate_ids=payload.certificate_ids)
    return Status(202, job)


@router.get(
    "/jobs/{int:job_id}",
    response={200: CertificateJobOut, 404: ErrorOut},
    summary="A batch job's progress",
)
def job_detail(request: HttpRequest, job_id: int) -> IssueJob:
    return selectors.issue_job_get(actor=request_actor(request), pk=job_id)


# --- the holder's verifiable credential and share links (docs/adr/0003) -----------------------


class ShareLinkIn(Schema):
    days: int = Field(
        sharing.SHARE_DEFAULT_DAYS,
        ge=1,
        le=sharing.SHARE_MAX_DAYS,
        description="Days until the link expires",
    )
    label: str = Field("", max_length=sharing.LABEL_MAX, description="Holder's note (for whom)")


class ShareLinkOut(Schema):
    id: int
    label: str
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    views: int
    last_viewed_at: dt.datetime | None
    active: bool

    @staticmethod
    def resolve_id(obj: CredentialShareLink) -> int:
        return obj.pk

    @staticmethod
    def resolve_active(obj: CredentialShareLink) -> bool:
        return obj.revoked_at is None and obj.expires_at > timezone.now()


class ShareLinkCreatedOut(Schema):
    link: ShareLinkOut
    token: str = Field(..., description="Shown once; only its hash is stored")
    url: str = Field(..., description="The page the link opens")
    credential_url: str = Field(..., description="The JSON-LD credential behind the link")


class IdentityCodeOut(Schema):
    identity_check_code: str = Field(
        ...,
        description="The secret salt of the credential's identityHash: "
        'sha256(ID number + code) == identityHash without "sha256$"',
    )


LD_JSON = "application/ld+json"


@router.get(
    "/credentials/{number}",
    summary="Your certificate as a signed W3C Verifiable Credential (holder only)",
    url_name="certificate_credential",
    openapi_extra={"responses": {200: {"content": {LD_JSON: {}}}, 403: {}, 404: {}}},
)
def holder_credential(request: HttpRequest, number: str) -> HttpResponse:
    actor = request_actor(request)
    certificate = holders.holder_certificate_by_number(actor=actor, number=number)
    document = sharing.credential_download(actor=actor, certificate=certificate)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, separators=(",", ":")),
        content_type=f"{LD_JSON}; charset=utf-8",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@router.get(
    "/{int:certificate_id}/identity-code",
    response={200: IdentityCodeOut, 403: ErrorOut, 404: ErrorOut},
    summary="Your credential's identity check code, to give a verifier with your ID card",
)
def holder_identity_code(request: HttpRequest, certificate_id: int) -> dict[str, str]:
    actor = request_actor(request)
    certificate = holders.holder_certificate_get(actor=actor, pk=certificate_id)
    return {
        "identity_check_code": sharing.holder_identity_code(actor=actor, certificate=certificate)
    }


@router.get(
    "/{int:certificate_id}/share-links",
    response={200: list[ShareLinkOut], 403: ErrorOut, 404: ErrorOut},
    summary="Your credential's share links",
)
def share_link_list(request: HttpRequest, certificate_id: int) -> Any:
    actor = request_actor(request)
    certificate = holders.holder_certificate_get(actor=actor, pk=certificate_id)
    return list(holders.share_links(actor=actor, certificate=certificate))


@router.post(
    "/{int:certificate_id}/share-links",
    response={201: ShareLinkCreatedOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Create an expiring, revocable link to your credential",
)
def share_link_create(request: HttpRequest, certificate_id: int, payload: ShareLinkIn) -> Any:
    actor = request_actor(request)
    certificate = holders.holder_certificate_get(actor=actor, pk=certificate_id)
    new = sharing.share_link_create(
        actor=actor, certificate=certificate, days=payload.days, label=payload.label
    )
    return Status(201, new)


@router.post(
    "/{int:certificate_id}/share-links/{int:link_id}/revoke",
    response={200: ShareLinkOut, 403: ErrorOut, 404: ErrorOut},
    summary="Revoke a share link at once",
)
def share_link_revoke(request: HttpRequest, certificate_id: int, link_id: int) -> Any:
    actor = request_actor(request)
    certificate = holders.holder_certificate_get(actor=actor, pk=certificate_id)
    link = holders.share_link_get(actor=actor, certificate=certificate, pk=link_id)
    return sharing.share_link_revoke(actor=actor, link=link)
