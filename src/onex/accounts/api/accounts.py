"""Units, users, one-time links and claim codes: parse → selector or service → schema."""

# No `from __future__ import annotations`: ninja resolves Query[...] parameters at import time.

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from onex.accounts.models import AccessLink, ClaimCode
from onex.accounts.selectors import accounts as selectors
from onex.accounts.selectors.permissions import creatable_kinds, may_administer
from onex.accounts.services import accounts as services
from onex.accounts.services import learners as learner_services
from onex.accounts.services import links as link_services
from onex.accounts.workflows import CLAIM_CODE, LINK
from onex.certificates.selectors.certificates import public_rate_check
from onex.core.actors import client_ip, request_actor
from onex.core.limits import (
    CodeText,
    EmailText,
    IdNumberText,
    NameText,
    PersonNameText,
    PhoneText,
    ReasonText,
    SearchText,
)
from onex.core.models import Unit, User
from onex.core.params import Id, Pagination
from onex.core.schemas import ErrorOut

router = Router(tags=["accounts"])
public_router = Router(tags=["accounts"], auth=None)

UsernameText = Field(..., min_length=1, max_length=150)
PasswordText = Field(..., min_length=1, max_length=4096)


class AccountUnitOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    province_code: str | None
    city_code: str | None
    is_active: bool
    users: int
    can_administer: bool

    @staticmethod
    def resolve_kind_label(obj: Unit) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_province_code(obj: Unit) -> str | None:
        return obj.province.code if obj.province else None

    @staticmethod
    def resolve_city_code(obj: Unit) -> str | None:
        return obj.city.code if obj.city else None

    @staticmethod
    def resolve_users(obj: Unit) -> int:
        return int(getattr(obj, "user_count", 0) or 0)

    @staticmethod
    def resolve_can_administer(obj: Unit, context: Any) -> bool:
        return may_administer(request_actor(context["request"]), obj)


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    role: str
    role_label: str
    unit_id: int
    unit_name: str
    state: str
    last_login: datetime | None

    @staticmethod
    def resolve_role_label(obj: User) -> str:
        return str(obj.get_role_display())

    @staticmethod
    def resolve_unit_name(obj: User) -> str:
        return obj.unit.name if obj.unit else ""

    @staticmethod
    def resolve_state(obj: User) -> str:
        return selectors.user_state(obj)


class LinkOut(Schema):
    id: int
    user_id: int
    purpose: str
    status: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    moves: list[str]

    @staticmethod
    def resolve_status(obj: AccessLink) -> str:
        return "expired" if obj.status == "pending" and obj.is_expired() else obj.status

    @staticmethod
    def resolve_moves(obj: AccessLink, context: Any) -> list[str]:
        return LINK.allowed_actions(obj, request_actor(context["request"]))


class IssuedLinkOut(Schema):
    link: LinkOut
    mailed: bool
    url: str | None = Field(None, description="Shown once, to hand over in person")


class InvitedOut(Schema):
    user: UserOut
    invitation: IssuedLinkOut


class OnboardedOut(Schema):
    unit: AccountUnitOut
    admin: UserOut
    invitation: IssuedLinkOut


class UnitFilters(Schema):
    q: SearchText | None = None
    kind: CodeText | None = None
    province: CodeText | None = None


class UserFilters(Schema):
    q: SearchText | None = None
    unit: Id | None = None
    kind: CodeText | None = None
    role: CodeText | None = None
    state: CodeText | None = Field(None, description="active / invited / disabled")


class UnitIn(Schema):
    kind: CodeText = Field(
        ..., description="province / org / aggregator (national); city / school (province)"
    )
    name: NameText = Field(..., min_length=1)
    province: CodeText | None = Field(None, description="Province code, for a province")
    city: CodeText | None = Field(None, description="City code, for a city or a school")
    credit_code: CodeText = Field("", description="Org: unified social credit code")
    org_type: CodeText = ""
    school_code: CodeText = Field("", description="School: 10-digit school identification code")
    school_type: CodeText = ""
    admin_username: str = UsernameText
    admin_display_name: PersonNameText = ""
    admin_email: EmailText = ""


class UserIn(Schema):
    username: str = UsernameText
    display_name: PersonNameText = ""
    email: EmailText = ""
    role: CodeText = "staff"
    phone: PhoneText = ""


class RoleIn(Schema):
    role: CodeText


class AccountReasonIn(Schema):
    reason: ReasonText = ""


class KindsOut(Schema):
    kinds: list[str]


def _issued(issued: link_services.IssuedLink) -> dict[str, Any]:
    # The link is returned only when it was not mailed: then the admin hands it over.
    return {
        "link": issued.link,
        "mailed": issued.mailed,
        "url": None if issued.mailed else issued.url,
    }


def _issued_invite(issued: link_services.IssuedLink) -> dict[str, Any]:
    # An invitation link is always shown to the inviting admin (mail may not reach).
    return {"link": issued.link, "mailed": issued.mailed, "url": issued.url}


@router.get("/units", response=list[AccountUnitOut], summary="Units in your scope")
@paginate(Pagination)
def unit_list(request: HttpRequest, filters: Query[UnitFilters]) -> Any:
    return selectors.unit_list(
        actor=request_actor(request), q=filters.q, kind=filters.kind, province=filters.province
    )


@router.get("/units/creatable-kinds", response=KindsOut, summary="Kinds of unit you may create")
def unit_kinds(request: HttpRequest) -> dict[str, Any]:
    return {"kinds": list(creatable_kinds(request_actor(request)))}


@router.get(
    "/units/{unit_id}",
    response={200: AccountUnitOut, 404: ErrorOut},
    summary="One unit in your scope (404 outside it)",
)
def unit_detail(request: HttpRequest, unit_id: Id) -> Unit:
    return _unit(request, unit_id)


def _unit(request: HttpRequest, unit_id: int) -> Unit:
    actor = request_actor(request)
    unit = selectors.unit_get(actor=actor, pk=unit_id)
    return selectors.unit_list(actor=actor, kind=unit.kind).get(pk=unit.pk)


@router.post(
    "/units",
    response={201: OnboardedOut, 403: ErrorOut, 422: ErrorOut},
    summary="Create a unit below yours with its first administrator (invited)",
)
def unit_create(request: HttpRequest, payload: UnitIn) -> Any:
    actor = request_actor(request)
    done = services.unit_create_with_admin(actor=actor, **payload.dict())
    return Status(
        201,
        {
            "unit": _unit(request, done.unit.pk),
            "admin": done.admin.user,
            "invitation": _issued_invite(done.admin.issued),
        },
    )


@router.get("/users", response=list[UserOut], summary="Users in your scope")
@paginate(Pagination)
def user_list(request: HttpRequest, filters: Query[UserFilters]) -> Any:
    return selectors.user_list(
        actor=request_actor(request),
        q=filters.q,
        unit=filters.unit,
        kind=filters.kind,
        role=filters.role,
        state=filters.state,
    )


@router.get(
    "/users/{user_id}",
    response={200: UserOut, 404: ErrorOut},
    summary="One user in your scope (404 outside it)",
)
def user_detail(request: HttpRequest, user_id: Id) -> User:
    return selectors.user_get(actor=request_actor(request), pk=user_id)


@router.post(
    "/units/{unit_id}/users",
    response={201: InvitedOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Invite a user of this unit (one-time link to set a password)",
)
def user_invite(request: HttpRequest, unit_id: Id, payload: UserIn) -> Any:
    actor = request_actor(request)
    unit = selectors.unit_get(actor=actor, pk=unit_id)
    invited = services.user_invite(actor=actor, unit=unit, **payload.dict())
    return Status(201, {"user": invited.user, "invitation": _issued_invite(invited.issued)})


@router.post(
    "/users/{user_id}/role",
    response={200: UserOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Change a user's role (effective on their next request)",
)
def user_role(request: HttpRequest, user_id: Id, payload: RoleIn) -> User:
    actor = request_actor(request)
    user = selectors.user_get(actor=actor, pk=user_id)
    return services.user_role_set(actor=actor, user=user, role=payload.role)


@router.post(
    "/users/{user_id}/disable",
    response={200: UserOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Disable a user: all sessions and API tokens end at once",
)
def user_disable(request: HttpRequest, user_id: Id, payload: AccountReasonIn) -> User:
    actor = request_actor(request)
    user = selectors.user_get(actor=actor, pk=user_id)
    return services.user_disable(actor=actor, user=user, reason=payload.reason)


@router.post(
    "/users/{user_id}/enable",
    response={200: UserOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Enable a disabled user again",
)
def user_enable(request: HttpRequest, user_id: Id) -> User:
    actor = request_actor(request)
    user = selectors.user_get(actor=actor, pk=user_id)
    return services.user_enable(actor=actor, user=user)


@router.post(
    "/users/{user_id}/reset",
    response={200: IssuedLinkOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Send the user a password-reset link (the admin never sees a password)",
)
def user_reset(request: HttpRequest, user_id: Id) -> Any:
    actor = request_actor(request)
    user = selectors.user_get(actor=actor, pk=user_id)
    return _issued(link_services.reset_by_admin(actor=actor, user=user))


@router.get("/links", response=list[LinkOut], summary="One-time links of users in your scope")
@paginate(Pagination)
def link_list(request: HttpRequest, user: Id | None = None, pending: bool = False) -> Any:
    actor = request_actor(request)
    owner = selectors.user_get(actor=actor, pk=user) if user else None
    return selectors.link_list(actor=actor, user=owner, pending=pending)


@router.get(
    "/links/{link_id}",
    response={200: LinkOut, 404: ErrorOut},
    summary="One one-time link (invitation or password reset) of a user in your scope",
)
def link_detail(request: HttpRequest, link_id: Id) -> AccessLink:
    return selectors.link_get(actor=request_actor(request), pk=link_id)


@router.post(
    "/links/{link_id}/revoke",
    response={200: LinkOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Withdraw a pending one-time link (optional reason)",
)
def link_revoke(request: HttpRequest, link_id: Id, payload: AccountReasonIn) -> AccessLink:
    actor = request_actor(request)
    link = selectors.link_get(actor=actor, pk=link_id)
    return link_services.link_revoke(actor=actor, link=link, reason=payload.reason)


# --- claim codes ----------------------------------------------------------------------------------


class ClaimCodeOut(Schema):
    id: int
    candidate_id: int
    student_name: str
    id_number: str
    status: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    moves: list[str]

    @staticmethod
    def resolve_moves(obj: ClaimCode, context: Any) -> list[str]:
        return CLAIM_CODE.allowed_actions(obj, request_actor(context["request"]))

    @staticmethod
    def resolve_student_name(obj: ClaimCode) -> str:
        return obj.candidate.name

    @staticmethod
    def resolve_id_number(obj: ClaimCode) -> str:
        return obj.candidate.id_number_masked

    @staticmethod
    def resolve_status(obj: ClaimCode) -> str:
        return "expired" if obj.status == "pending" and obj.is_expired() else obj.status


class ClaimCodesIn(Schema):
    students: list[Id] = Field(
        default_factory=list,
        max_length=5000,
        description="Student ids; empty: every student without an account",
    )


class IssuedCodeOut(Schema):
    code: ClaimCodeOut
    secret: str = Field(..., description="Shown once: print it for the student")


@router.get("/claim-codes", response=list[ClaimCodeOut], summary="Your school's claim codes")
@paginate(Pagination)
def claim_code_list(
    request: HttpRequest, q: SearchText | None = None, state: CodeText | None = None
) -> Any:
    return selectors.claim_code_list(actor=request_actor(request), q=q, state=state)


@router.post(
    "/claim-codes",
    response={201: list[IssuedCodeOut], 403: ErrorOut, 422: ErrorOut},
    summary="Generate claim codes for your students (earlier pending codes are revoked)",
)
def claim_codes_issue(request: HttpRequest, payload: ClaimCodesIn) -> Any:
    actor = request_actor(request)
    actor.require(actor.unit is not None)
    assert actor.unit is not None
    students = selectors.claimable_students(actor=actor, school_unit=actor.unit)
    if payload.students:
        students = students.filter(pk__in=payload.students)
    issued = learner_services.claim_codes_issue(
        actor=actor, school_unit=actor.unit, candidates=list(students.select_related("school"))
    )
    return Status(201, [{"code": i.code, "secret": i.secret} for i in issued])


@router.get(
    "/claim-codes/{code_id}",
    response={200: ClaimCodeOut, 404: ErrorOut},
    summary="One of your school's claim codes",
)
def claim_code_detail(request: HttpRequest, code_id: Id) -> ClaimCode:
    return selectors.claim_code_get(actor=request_actor(request), pk=code_id)


@router.post(
    "/claim-codes/{code_id}/revoke",
    response={200: ClaimCodeOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Revoke a pending claim code (optional reason)",
)
def claim_code_revoke(request: HttpRequest, code_id: Id, payload: AccountReasonIn) -> ClaimCode:
    actor = request_actor(request)
    code = selectors.claim_code_get(actor=actor, pk=code_id)
    return learner_services.claim_code_revoke(actor=actor, code=code, reason=payload.reason)


# --- public: links, reset, learners ---------------------------------------------------------------


class PasswordIn(Schema):
    password: str = PasswordText


class ResetRequestIn(Schema):
    email: EmailText = Field(..., min_length=3)


class OkOut(Schema):
    ok: bool
    message: str


class AccountClaimIn(Schema):
    id_type: CodeText = "resident"
    id_number: IdNumberText
    name: PersonNameText = Field(..., min_length=1)
    code: CodeText = Field(..., min_length=1)
    username: str = UsernameText
    password: str = PasswordText
    email: EmailText = ""


class RegisterIn(Schema):
    id_type: CodeText = "resident"
    id_number: IdNumberText
    name: PersonNameText = Field(..., min_length=1)
    gender: CodeText
    username: str = UsernameText
    password: str = PasswordText
    email: EmailText = ""
    phone: PhoneText = ""


class LearnerOut(Schema):
    username: str
    display_name: str


@public_router.post(
    "/links/{secret}",
    response={200: LearnerOut, 422: ErrorOut, 429: ErrorOut},
    summary="Set your password with a one-time invitation or reset link",
)
def link_use(request: HttpRequest, secret: str, payload: PasswordIn) -> User:
    public_rate_check(ip=client_ip(request))
    return link_services.link_use(
        secret=secret[:200], password=payload.password, ip=client_ip(request)
    )


@public_router.post(
    "/password-reset",
    response={200: OkOut, 429: ErrorOut},
    summary="Mail a reset link to this address",
)
def password_reset(request: HttpRequest, payload: ResetRequestIn) -> dict[str, Any]:
    public_rate_check(ip=client_ip(request))
    link_services.reset_request(email=payload.email, ip=client_ip(request))
    return {"ok": True, "message": str(link_services.RESET_SENT)}


@public_router.post(
    "/learners/claim",
    response={201: LearnerOut, 422: ErrorOut, 429: ErrorOut},
    summary="A school's student claims their learner account with the school's claim code",
)
def learner_claim(request: HttpRequest, payload: AccountClaimIn) -> Any:
    public_rate_check(ip=client_ip(request))
    user = learner_services.learner_claim(**payload.dict(), ip=client_ip(request))
    return Status(201, user)


@public_router.post(
    "/learners/register",
    response={201: LearnerOut, 422: ErrorOut, 429: ErrorOut},
    summary="A member of the public opens a learner account (R35)",
)
def learner_register(request: HttpRequest, payload: RegisterIn) -> Any:
    public_rate_check(ip=client_ip(request))
    user = learner_services.learner_register(**payload.dict(), ip=client_ip(request))
    return Status(201, user)
