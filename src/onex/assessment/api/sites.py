"""Sites and fees API (R09–R13, R30, R40, R45): parse → service or selector → schema.

Published plans, site conditions and registered sites are public; everything else needs a login
and is scoped (404 outside the actor's jurisdiction, 403 when visible but not allowed).
"""

# No `from __future__ import annotations`: ninja resolves Query[...] parameters at import time.

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from onex.assessment.models import (
    AssessmentPlan,
    BrandComplaint,
    BrandWord,
    ExemptionStatus,
    FeeNegotiation,
    FeeStandard,
    FeeVersion,
    Site,
    SiteApplication,
    SiteCondition,
)
from onex.assessment.selectors import fees as fee_selectors
from onex.assessment.selectors import sites as site_selectors
from onex.assessment.services import fees as fee_services
from onex.assessment.services import sites as site_services
from onex.assessment.workflows import COMPLAINT, FEE_VERSION, NEGOTIATION, SITE_APPLICATION
from onex.catalog.models import Certificate
from onex.catalog.selectors.catalogue import certificate_get
from onex.core.actors import Actor, request_actor
from onex.core.errors import Forbidden, InvalidInput, NotFound
from onex.core.limits import CodeText, NameText, ReasonText, SearchText, model_max_length
from onex.core.params import Pagination
from onex.core.schemas import ErrorOut, TimelineEventOut, province_by_code
from onex.geo.models import Division
from onex.pilots.models import School
from onex.pilots.selectors.schools import school_of

router = Router(tags=["assessment: sites and fees"])


def _province(code: str | None) -> Division | None:
    return province_by_code(code) if code else None


def _school(actor: Actor) -> School:
    school = school_of(actor)
    if school is None:
        raise Forbidden(_("只有试点院校可以执行此操作。"))
    return school


def _certificate(code: str | None) -> Certificate | None:
    return certificate_get(code=code) if code else None


_ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}

# --- schemas -------------------------------------------------------------------------------


class AssessmentPlanIn(Schema):
    exam_format: NameText = Field(..., description="online / offline / mixed")
    duration_minutes: int
    theory_weight: Decimal = Field(..., description="Percent; theory + practical = 100")
    practical_weight: Decimal
    theory_pass: Decimal = Field(..., description="Pass line of the theory part (0–100)")
    practical_pass: Decimal = Field(..., description="Pass line of the practical part (0–100)")
    mock_platform_url: NameText
    notes: ReasonText = ""


class AssessmentPlanOut(Schema):
    certificate_code: str
    certificate_name: str
    org_name: str
    exam_format: str
    exam_format_label: str
    duration_minutes: int
    theory_weight: Decimal
    practical_weight: Decimal
    theory_pass: Decimal
    practical_pass: Decimal
    mock_platform_url: str
    notes: str
    published_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_certificate_code(obj: AssessmentPlan) -> str:
        return obj.certificate.code

    @staticmethod
    def resolve_certificate_name(obj: AssessmentPlan) -> str:
        return obj.certificate.name

    @staticmethod
    def resolve_org_name(obj: AssessmentPlan) -> str:
        return obj.org.name

    @staticmethod
    def resolve_exam_format_label(obj: AssessmentPlan) -> str:
        return str(obj.get_exam_format_display())


class EquipmentItem(Schema):
    function: NameText = Field(..., description="What the equipment does (never a brand, R12)")
    spec: NameText = ""
    quantity: int


class ConditionIn(Schema):
    rooms: int
    seats: int
    equipment: list[EquipmentItem]
    notes: ReasonText = ""


class ConditionOut(Schema):
    certificate_code: str
    rooms: int
    seats: int
    equipment: list[dict[str, Any]]
    notes: str
    updated_at: dt.datetime

    @staticmethod
    def resolve_certificate_code(obj: SiteCondition) -> str:
        return obj.certificate.code


class PublicPlanOut(Schema):
    plan: AssessmentPlanOut | None
    conditions: ConditionOut | None


class SiteLineOut(Schema):
    certificate_code: str
    certificate_name: str
    levels: list[str]


class SiteOut(Schema):
    id: int
    code: str
    school_name: str
    province_name: str
    city_name: str
    address: str
    seats: int
    rooms: int
    certificates: list[SiteLineOut]

    @staticmethod
    def resolve_id(obj: Site) -> int:
        return obj.pk

    @staticmethod
    def resolve_school_name(obj: Site) -> str:
        return obj.school.name

    @staticmethod
    def resolve_province_name(obj: Site) -> str:
        return obj.province.name

    @staticmethod
    def resolve_city_name(obj: Site) -> str:
        return obj.city.name

    @staticmethod
    def resolve_certificates(obj: Site) -> list[dict[str, Any]]:
        grouped: dict[int, dict[str, Any]] = {}
        for line in obj.certificates.all():
            entry = grouped.setdefault(
                line.certificate_id,
                {
                    "certificate_code": line.certificate.code,
                    "certificate_name": line.certificate.name,
                    "levels": [],
                },
            )
            entry["levels"].append(line.level)
        return list(grouped.values())


class SiteApplicationIn(Schema):
    certificate: CodeText = Field(..., description="Certificate code")
    levels: list[CodeText] = Field(..., description="junior / intermediate / senior")
    address: NameText
    seats: int
    rooms: int
    notes: ReasonText = ""


class SiteResubmitIn(Schema):
    levels: list[CodeText]
    address: NameText
    seats: int
    rooms: int
    notes: ReasonText = ""


class SiteApplicationOut(Schema):
    id: int
    school_name: str
    certificate_code: str
    certificate_name: str
    org_name: str
    province_name: str
    city_name: str
    levels: list[str]
    address: str
    seats: int
    rooms: int
    status: str
    moves: list[str] = Field(..., description="Moves you may take now (R10)")
    status_label: str
    return_reason: str
    site_code: str | None
    submitted_at: dt.datetime | None
    events: list[TimelineEventOut]

    @staticmethod
    def resolve_moves(obj: SiteApplication, context: dict[str, Any]) -> list[str]:
        return SITE_APPLICATION.allowed_actions(obj, request_actor(context["request"]))

    @staticmethod
    def resolve_id(obj: SiteApplication) -> int:
        return obj.pk

    @staticmethod
    def resolve_school_name(obj: SiteApplication) -> str:
        return obj.school.name

    @staticmethod
    def resolve_certificate_code(obj: SiteApplication) -> str:
        return obj.certificate.code

    @staticmethod
    def resolve_certificate_name(obj: SiteApplication) -> str:
        return obj.certificate.name

    @staticmethod
    def resolve_org_name(obj: SiteApplication) -> str:
        return obj.org.name

    @staticmethod
    def resolve_province_name(obj: SiteApplication) -> str:
        return obj.province.name

    @staticmethod
    def resolve_city_name(obj: SiteApplication) -> str:
        return obj.city.name

    @staticmethod
    def resolve_status_label(obj: SiteApplication) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_site_code(obj: SiteApplication) -> str | None:
        return obj.site.code if obj.site else None

    @staticmethod
    def resolve_events(obj: SiteApplication) -> list[Any]:
        return list(obj.events.select_related("unit"))


class SiteReasonIn(Schema):
    reason: ReasonText = Field(..., description="Why (required)")


class CoverageRowOut(Schema):
    province_code: str
    province_name: str
    city_code: str
    city_name: str
    certificate_code: str
    certificate_name: str
    pilot_schools: int
    sites: int
    covered: bool


class ComplaintOut(Schema):
    id: int
    school_name: str
    province_name: str
    org_name: str
    certificate_name: str | None
    text: str
    status: str
    status_label: str
    handled_note: str
    handled_at: dt.datetime | None
    created_at: dt.datetime
    attachments: int

    moves: list[str] = Field(..., description="Moves you may take now (R12)")

    @staticmethod
    def resolve_moves(obj: BrandComplaint, context: dict[str, Any]) -> list[str]:
        return COMPLAINT.allowed_actions(obj, request_actor(context["request"]))

    @staticmethod
    def resolve_id(obj: BrandComplaint) -> int:
        return obj.pk

    @staticmethod
    def resolve_school_name(obj: BrandComplaint) -> str:
        return obj.school.name

    @staticmethod
    def resolve_province_name(obj: BrandComplaint) -> str:
        return obj.province.name

    @staticmethod
    def resolve_org_name(obj: BrandComplaint) -> str:
        return obj.org.name

    @staticmethod
    def resolve_certificate_name(obj: BrandComplaint) -> str | None:
        return obj.certificate.name if obj.certificate else None

    @staticmethod
    def resolve_status_label(obj: BrandComplaint) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_attachments(obj: BrandComplaint) -> int:
        return obj.attachments.count()


class HandleIn(Schema):
    note: ReasonText


class BrandWordIn(Schema):
    word: Annotated[str, Field(max_length=model_max_length(BrandWord, "word"))]
    is_pattern: bool = False


class BrandWordOut(Schema):
    id: int | None
    word: str
    is_pattern: bool
    is_active: bool

    @staticmethod
    def resolve_id(obj: BrandWord) -> int | None:
        return obj.pk


class BrandWordActiveIn(Schema):
    is_active: bool


class FeeVersionOut(Schema):
    id: int
    number: int
    amount: Decimal
    ceiling: Decimal
    basis: str
    status: str
    status_label: str
    proposed_at: dt.datetime
    decided_at: dt.datetime | None
    effective_from: dt.date | None
    return_reason: str
    review_kind: str
    reviewer: str
    review_conclusion: str

    moves: list[str] = Field(..., description="Moves you may take now (R30)")

    @staticmethod
    def resolve_moves(obj: FeeVersion, context: dict[str, Any]) -> list[str]:
        return FEE_VERSION.allowed_actions(obj, request_actor(context["request"]))

    @staticmethod
    def resolve_id(obj: FeeVersion) -> int:
        return obj.pk

    @staticmethod
    def resolve_status_label(obj: FeeVersion) -> str:
        return str(obj.get_status_display())


class FeeStandardOut(Schema):
    id: int
    org_name: str
    province_code: str
    province_name: str
    certificate_code: str
    certificate_name: str
    level: str
    approved_fee: Decimal | None = Field(None, description="Fee in force today (R30)")
    above_ceiling: bool = Field(
        ...,
        description="The fee in force exceeds the level's current ceiling: it no longer applies "
        "to new registrations until re-approved (R13)",
    )
    versions: list[FeeVersionOut]

    @staticmethod
    def resolve_id(obj: FeeStandard) -> int:
        return obj.pk

    @staticmethod
    def resolve_org_name(obj: FeeStandard) -> str:
        return obj.org.name

    @staticmethod
    def resolve_province_code(obj: FeeStandard) -> str:
        return obj.province.code

    @staticmethod
    def resolve_province_name(obj: FeeStandard) -> str:
        return obj.province.name

    @staticmethod
    def resolve_certificate_code(obj: FeeStandard) -> str:
        return obj.certificate.code

    @staticmethod
    def resolve_certificate_name(obj: FeeStandard) -> str:
        return obj.certificate.name

    @staticmethod
    def resolve_above_ceiling(obj: FeeStandard) -> bool:
        return fee_selectors.standard_above_ceiling(obj)

    @staticmethod
    def resolve_approved_fee(obj: FeeStandard) -> Decimal | None:
        current = fee_selectors.current_version(obj)
        return current.amount if current else None

    @staticmethod
    def resolve_versions(obj: FeeStandard) -> list[FeeVersion]:
        return list(obj.versions.order_by("-number"))


class FeeProposeIn(Schema):
    province: CodeText = Field(..., description="Province code, e.g. 440000")
    certificate: CodeText = Field(..., description="Certificate code")
    level: CodeText
    amount: Decimal = Field(..., description="Yuan, at most 2 decimals; ≤ the ceiling (R13)")
    basis: ReasonText = ""


class FeeApproveIn(Schema):
    effective_from: dt.date | None = None
    review_kind: Literal["", "expert", "third_party"] = ""
    reviewer: NameText = ""
    review_conclusion: ReasonText = ""


class NegotiationIn(Schema):
    certificate: CodeText
    level: CodeText
    school_codes: list[CodeText] = Field(..., description="School codes of the parties (≥2)")
    agreed_fee: Decimal
    negotiated_on: dt.date
    notes: ReasonText = ""


class NegotiationOut(Schema):
    id: int
    org_name: str
    province_name: str
    certificate_code: str
    level: str
    agreed_fee: Decimal
    ceiling: Decimal
    negotiated_on: dt.date
    schools: list[str]
    notes: str
    status: str = Field(..., description="proposed / agreed / declined: only agreed applies (R45)")
    moves: list[str] = Field(..., description="Moves you may take now (R45: the org agrees)")

    @staticmethod
    def resolve_id(obj: FeeNegotiation) -> int:
        return obj.pk

    @staticmethod
    def resolve_moves(obj: FeeNegotiation, context: dict[str, Any]) -> list[str]:
        return NEGOTIATION.allowed_actions(obj, request_actor(context["request"]))

    @staticmethod
    def resolve_org_name(obj: FeeNegotiation) -> str:
        return obj.org.name

    @staticmethod
    def resolve_province_name(obj: FeeNegotiation) -> str:
        return obj.province.name

    @staticmethod
    def resolve_certificate_code(obj: FeeNegotiation) -> str:
        return obj.certificate.code

    @staticmethod
    def resolve_schools(obj: FeeNegotiation) -> list[str]:
        return [s.name for s in obj.schools.all()]


class FeeDueOut(Schema):
    amount: Decimal
    payer: str = Field(..., description="school / learner / none")
    rule: str


# --- R09: plans and conditions (public reads) -----------------------------------------------


@router.get(
    "/assessment-plans", response=list[AssessmentPlanOut], auth=None, summary="Published plans"
)
@paginate(Pagination)
def plan_list(request: HttpRequest, q: SearchText = "") -> Any:
    return site_selectors.plan_list(q=q)


@router.get(
    "/assessment-plans/{code}",
    response={200: PublicPlanOut, 404: ErrorOut},
    auth=None,
    summary="A certificate's assessment plan and site conditions (R09, R10)",
)
def plan_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    certificate = certificate_get(code=code)
    return {
        "plan": site_selectors.plan_for(certificate),
        "conditions": site_selectors.condition_for(certificate),
    }


@router.put(
    "/assessment-plans/{code}",
    response={200: AssessmentPlanOut, **_ERRORS},
    summary="The certificate's org publishes its assessment plan (R09; R18)",
)
def plan_publish(request: HttpRequest, code: str, payload: AssessmentPlanIn) -> AssessmentPlan:
    return site_services.plan_publish(
        actor=request_actor(request),
        certificate=certificate_get(code=code),
        data=site_services.PlanInput(**payload.dict()),
    )


@router.put(
    "/assessment-plans/{code}/conditions",
    response={200: ConditionOut, **_ERRORS},
    summary="Publish site conditions by function; brands and models are refused (R12)",
)
def condition_publish(request: HttpRequest, code: str, payload: ConditionIn) -> SiteCondition:
    return site_services.condition_publish(
        actor=request_actor(request),
        certificate=certificate_get(code=code),
        rooms=payload.rooms,
        seats=payload.seats,
        equipment=[item.dict() for item in payload.equipment],
        notes=payload.notes,
    )


# --- R10: sites and applications -----------------------------------------------------------


@router.get("/sites", response=list[SiteOut], auth=None, summary="Registered assessment sites")
@paginate(Pagination)
def site_list(
    request: HttpRequest, q: SearchText = "", province: CodeText = "", certificate: CodeText = ""
) -> Any:
    return site_selectors.site_list(
        q=q, province=_province(province), certificate=_certificate(certificate)
    )


@router.get(
    "/site-applications",
    response=list[SiteApplicationOut],
    summary="Assessment site applications visible to you",
)
@paginate(Pagination)
def site_application_list(request: HttpRequest, status: CodeText = "", q: SearchText = "") -> Any:
    return site_selectors.site_application_list(
        actor=request_actor(request), status=status, q=q
    ).prefetch_related("events__unit")


@router.post(
    "/site-applications",
    response={201: SiteApplicationOut, **_ERRORS},
    summary="A school applies to be an assessment site (R10)",
)
def site_application_submit(
    request: HttpRequest, payload: SiteApplicationIn
) -> Status[SiteApplication]:
    actor = request_actor(request)
    school = _school(actor)
    certificate = certificate_get(code=payload.certificate)
    application = site_services.site_application_submit(
        actor=actor,
        school=school,
        certificate=certificate,
        data=site_services.SiteInput(
            levels=payload.levels,
            address=payload.address,
            seats=payload.seats,
            rooms=payload.rooms,
            notes=payload.notes,
        ),
    )
    return Status(201, application)


@router.get(
    "/site-applications/{pk}",
    response={200: SiteApplicationOut, 404: ErrorOut},
    summary="One assessment site application",
)
def site_application_detail(request: HttpRequest, pk: int) -> SiteApplication:
    return site_selectors.site_application_get(actor=request_actor(request), pk=pk)


@router.post(
    "/site-applications/{pk}/resubmit",
    response={200: SiteApplicationOut, **_ERRORS},
    summary="Resubmit a returned site application",
)
def site_application_resubmit(
    request: HttpRequest, pk: int, payload: SiteResubmitIn
) -> SiteApplication:
    actor = request_actor(request)
    application = site_selectors.site_application_get(actor=actor, pk=pk)
    return site_services.site_application_resubmit(
        actor=actor, application=application, data=site_services.SiteInput(**payload.dict())
    )


@router.post(
    "/site-applications/{pk}/org-approve",
    response={200: SiteApplicationOut, **_ERRORS},
    summary="The org agrees to the site",
)
def site_application_org_approve(request: HttpRequest, pk: int) -> SiteApplication:
    actor = request_actor(request)
    application = site_selectors.site_application_get(actor=actor, pk=pk)
    return site_services.site_application_org_approve(actor=actor, application=application)


@router.post(
    "/site-applications/{pk}/approve",
    response={200: SiteApplicationOut, **_ERRORS},
    summary="The province approves and registers the site (R10; R38)",
)
def site_application_approve(request: HttpRequest, pk: int) -> SiteApplication:
    actor = request_actor(request)
    application = site_selectors.site_application_get(actor=actor, pk=pk)
    return site_services.site_application_province_approve(actor=actor, application=application)


@router.post(
    "/site-applications/{pk}/return",
    response={200: SiteApplicationOut, **_ERRORS},
    summary="The org or the province returns the application with a reason",
)
def site_application_return(
    request: HttpRequest, pk: int, payload: SiteReasonIn
) -> SiteApplication:
    actor = request_actor(request)
    application = site_selectors.site_application_get(actor=actor, pk=pk)
    return site_services.site_application_return(
        actor=actor, application=application, reason=payload.reason
    )


# --- R11: coverage -------------------------------------------------------------------------


@router.get(
    "/coverage",
    response={200: list[CoverageRowOut], 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Cities with confirmed pilot schools and their registered sites (R11)",
)
def coverage(
    request: HttpRequest,
    province: CodeText = "",
    certificate: CodeText = "",
    gaps_only: bool = False,
) -> list[dict[str, Any]]:
    report = site_selectors.coverage_report(
        actor=request_actor(request),
        province=_province(province),
        certificate=_certificate(certificate),
        gaps_only=gaps_only,
    )
    return [
        {
            "province_code": r.province.code,
            "province_name": r.province.name,
            "city_code": r.city.code,
            "city_name": r.city.name,
            "certificate_code": r.certificate.code,
            "certificate_name": r.certificate.name,
            "pilot_schools": r.pilot_schools,
            "sites": r.sites,
            "covered": r.covered,
        }
        for r in report.rows
    ]


# --- R12: complaints and brand words -------------------------------------------------------


@router.get(
    "/brand-complaints", response=list[ComplaintOut], summary="Brand complaints visible to you"
)
@paginate(Pagination)
def complaint_list(request: HttpRequest, status: CodeText = "", q: SearchText = "") -> Any:
    return site_selectors.complaint_list(
        actor=request_actor(request), status=status, q=q
    ).prefetch_related("attachments")


@router.get(
    "/brand-complaints/{pk}",
    response={200: ComplaintOut, 404: ErrorOut},
    summary="One brand complaint",
)
def complaint_detail(request: HttpRequest, pk: int) -> BrandComplaint:
    return site_selectors.complaint_get(actor=request_actor(request), pk=pk)


@router.post(
    "/brand-complaints/{pk}/handle",
    response={200: ComplaintOut, **_ERRORS},
    summary="Record how a brand complaint was handled",
)
def complaint_handle(request: HttpRequest, pk: int, payload: HandleIn) -> BrandComplaint:
    actor = request_actor(request)
    complaint = site_selectors.complaint_get(actor=actor, pk=pk)
    return site_services.complaint_handle(actor=actor, complaint=complaint, note=payload.note)


@router.get("/brand-words", response=list[BrandWordOut], summary="R12 brand words in force")
def brand_word_list(request: HttpRequest) -> list[BrandWord]:
    return site_selectors.brand_word_list()


@router.post(
    "/brand-words",
    response={201: BrandWordOut, **_ERRORS},
    summary="Add a brand site conditions may not name (R12)",
)
def brand_word_add(request: HttpRequest, payload: BrandWordIn) -> Status[BrandWord]:
    word = site_services.brand_word_add(
        actor=request_actor(request), word=payload.word, is_pattern=payload.is_pattern
    )
    return Status(201, word)


@router.post(
    "/brand-words/{pk}/active",
    response={200: BrandWordOut, **_ERRORS},
    summary="Activate or deactivate a banned brand (R12)",
)
def brand_word_active(request: HttpRequest, pk: int, payload: BrandWordActiveIn) -> BrandWord:
    return site_services.brand_word_set_active(
        actor=request_actor(request),
        word=site_selectors.brand_word_get(pk=pk),
        is_active=payload.is_active,
    )


# --- fees: R13, R30, R45, R40 --------------------------------------------------------------


@router.get("/fees", response=list[FeeStandardOut], summary="Fee standards in your scope")
@paginate(Pagination)
def fee_list(
    request: HttpRequest, q: SearchText = "", province: CodeText = "", above_ceiling: bool = False
) -> Any:
    return fee_selectors.fee_standard_list(
        actor=request_actor(request),
        q=q,
        province=_province(province),
        above_ceiling_only=above_ceiling,
    ).prefetch_related("versions")


@router.get(
    "/fees/{pk}",
    response={200: FeeStandardOut, 404: ErrorOut},
    summary="One assessment fee with its versions",
)
def fee_detail(request: HttpRequest, pk: int) -> FeeStandard:
    return fee_selectors.fee_standard_get(actor=request_actor(request), pk=pk)


@router.post(
    "/fees",
    response={201: FeeVersionOut, **_ERRORS},
    summary="The org proposes a fee or a change; above the ceiling is refused (R13, R30)",
)
def fee_propose(request: HttpRequest, payload: FeeProposeIn) -> Status[FeeVersion]:
    province = _province(payload.province)
    if province is None:
        raise InvalidInput(_("请选择省份。"), field="province")
    version = fee_services.fee_propose(
        actor=request_actor(request),
        province=province,
        certificate=certificate_get(code=payload.certificate),
        level=payload.level,
        amount=payload.amount,
        basis=payload.basis,
    )
    return Status(201, version)


@router.post(
    "/fee-versions/{pk}/approve",
    response={200: FeeVersionOut, **_ERRORS},
    summary="The province approves, optionally with an expert or third-party review (R30)",
)
def fee_approve(request: HttpRequest, pk: int, payload: FeeApproveIn) -> FeeVersion:
    actor = request_actor(request)
    version = fee_selectors.fee_version_get(actor=actor, pk=pk)
    return fee_services.fee_approve(
        actor=actor,
        version=version,
        effective_from=payload.effective_from,
        review=fee_services.FeeReview(
            kind=payload.review_kind,
            reviewer=payload.reviewer,
            conclusion=payload.review_conclusion,
        ),
    )


@router.get(
    "/fee-versions/{pk}",
    response={200: FeeVersionOut, 404: ErrorOut},
    summary="One version of an assessment fee",
)
def fee_version_detail(request: HttpRequest, pk: int) -> FeeVersion:
    return fee_selectors.fee_version_get(actor=request_actor(request), pk=pk)


@router.post(
    "/fee-versions/{pk}/return",
    response={200: FeeVersionOut, **_ERRORS},
    summary="Return a fee version for correction",
)
def fee_return(request: HttpRequest, pk: int, payload: SiteReasonIn) -> FeeVersion:
    actor = request_actor(request)
    version = fee_selectors.fee_version_get(actor=actor, pk=pk)
    return fee_services.fee_return(actor=actor, version=version, reason=payload.reason)


@router.post(
    "/fee-versions/{pk}/withdraw",
    response={200: FeeVersionOut, **_ERRORS},
    summary="Withdraw a submitted fee version",
)
def fee_withdraw(request: HttpRequest, pk: int) -> FeeVersion:
    actor = request_actor(request)
    version = fee_selectors.fee_version_get(actor=actor, pk=pk)
    return fee_services.fee_withdraw(actor=actor, version=version)


@router.get(
    "/fee-negotiations", response=list[NegotiationOut], summary="Fee negotiations visible to you"
)
@paginate(Pagination)
def negotiation_list(request: HttpRequest, q: SearchText = "") -> Any:
    return fee_selectors.negotiation_list(actor=request_actor(request), q=q)


@router.post(
    "/fee-negotiations",
    response={201: NegotiationOut, **_ERRORS},
    summary="Record a fee schools negotiated jointly; above the ceiling is refused (R45)",
)
def negotiation_record(request: HttpRequest, payload: NegotiationIn) -> Status[FeeNegotiation]:
    schools = list(School.objects.filter(code__in=payload.school_codes))
    if len(schools) != len(set(payload.school_codes)):
        raise InvalidInput(_("有学校代码不存在。"), field="school_codes")
    negotiation = fee_services.negotiation_record(
        actor=request_actor(request),
        certificate=certificate_get(code=payload.certificate),
        level=payload.level,
        schools=schools,
        agreed_fee=payload.agreed_fee,
        negotiated_on=payload.negotiated_on,
        notes=payload.notes,
    )
    return Status(201, negotiation)


@router.get(
    "/fee-negotiations/{pk}",
    response={200: NegotiationOut, 404: ErrorOut},
    summary="One fee negotiation",
)
def negotiation_detail(request: HttpRequest, pk: int) -> FeeNegotiation:
    return fee_selectors.negotiation_get(actor=request_actor(request), pk=pk)


@router.post(
    "/fee-negotiations/{pk}/agree",
    response={200: NegotiationOut, **_ERRORS},
    summary="The org agrees to a joint fee; only then do the parties pay it (R45)",
)
def negotiation_agree(request: HttpRequest, pk: int) -> FeeNegotiation:
    actor = request_actor(request)
    negotiation = fee_selectors.negotiation_get(actor=actor, pk=pk)
    return fee_services.negotiation_agree(actor=actor, negotiation=negotiation)


@router.post(
    "/fee-negotiations/{pk}/decline",
    response={200: NegotiationOut, **_ERRORS},
    summary="Decline a fee negotiation",
)
def negotiation_decline(request: HttpRequest, pk: int, payload: SiteReasonIn) -> FeeNegotiation:
    actor = request_actor(request)
    negotiation = fee_selectors.negotiation_get(actor=actor, pk=pk)
    return fee_services.negotiation_decline(
        actor=actor, negotiation=negotiation, reason=payload.reason
    )


class FeeDueQuery(Schema):
    province: CodeText
    certificate: CodeText
    level: CodeText
    payer_kind: Literal["pilot_student", "public"]
    poor_household: bool = False


@router.get(
    "/fee-due",
    response={200: FeeDueOut, 404: ErrorOut, 422: ErrorOut},
    summary=(
        "What a registration costs and who pays (R40: a poor household whose exemption is "
        "confirmed pays nothing; poor_household=true answers for a confirmed exemption)"
    ),
)
def fee_due(request: HttpRequest, query: Query[FeeDueQuery]) -> fee_selectors.FeeDue:
    province = _province(query.province)
    if province is None:
        raise NotFound(_("未知的省份代码。"))
    return fee_selectors.fee_due(
        province=province,
        certificate=certificate_get(code=query.certificate),
        level=query.level,
        payer_kind=query.payer_kind,
        exemption=ExemptionStatus.CONFIRMED if query.poor_household else ExemptionStatus.NONE,
    )
