"""Authentication for the API: bearer tokens (hashed at rest) and the browser session."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import match_token
from ninja import Field, Router, Schema, Status
from ninja.security import HttpBearer, SessionAuth

from onex.core.actors import Actor, client_ip, request_actor
from onex.core.audit import audit_record
from onex.core.errors import DomainError, Forbidden
from onex.core.lockout import LOCKOUT_STATUS, lockout_message
from onex.core.mfa import session_verified
from onex.core.models import ApiToken, User
from onex.core.schemas import ErrorOut
from onex.core.security import ip_retry_after_seconds, ip_throttled, mfa_needed
from onex.core.tokens import token_get, token_issue, token_list, token_lookup, token_revoke


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    status = 401


class LockedOut(DomainError):
    code = "locked_out"
    status = LOCKOUT_STATUS


class Throttled(DomainError):
    code = "throttled"
    status = LOCKOUT_STATUS


class MfaRequired(DomainError):
    code = "mfa_required"
    status = 401


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer <secret>`` → request.user and request.actor for that user."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = token_lookup(token)
        if found is None:
            return None
        if found.read_only and request.method not in SAFE_METHODS:
            raise Forbidden(
                _("此令牌为只读令牌，只能读取数据（GET），不能提交或修改。"),
                code="read_only_token",
            )
        user = found.user
        request.user = user
        request.api_token = found  # type: ignore[attr-defined]
        # The actor middleware ran before the token was seen and made an anonymous actor.
        actor = Actor.for_user(user, ip=client_ip(request))
        request.actor = actor  # type: ignore[attr-defined]
        if actor.is_separated:
            # Every call of a separated administrator is audited (pages: core.mfa).
            with transaction.atomic():
                audit_record(
                    actor=actor,
                    action="admin.request",
                    target=user,
                    new={"method": request.method, "path": request.path, "via": "token"},
                )
        return user


class VerifiedSessionAuth(SessionAuth):
    """The browser session (htmx calls from the UI, with CSRF), once past the second factor."""

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = super().authenticate(request, key)
        if not isinstance(user, User):
            return None
        if mfa_needed(user) and not session_verified(request):
            return None
        return user


# Token first (API clients); the session keeps working for htmx calls from the UI (with CSRF).
api_auth = [BearerTokenAuth(), VerifiedSessionAuth()]

router = Router(tags=["auth"])


class TokenRequest(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=4096)
    name: str = Field("API", max_length=100)
    # The current TOTP code (or a recovery code): required of accounts with a second factor.
    otp: str = Field("", max_length=16)
    read_only: bool = False


class TokenIssued(Schema):
    token: str
    expires_at: datetime


class UnitOut(Schema):
    id: int
    kind: str
    kind_display: str
    name: str
    province_code: str | None
    province: str | None
    city_code: str | None
    city: str | None


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    role_display: str
    is_superuser: bool
    unit: UnitOut | None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime
    revoked_at: datetime | None
    read_only: bool
    is_active: bool


class TokenCreate(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    read_only: bool = False


class TokenCreated(TokenOut):
    token: str


def _token_out(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
        "read_only": token.read_only,
        "is_active": token.is_active,
    }


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenIssued, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Exchange username and password for a bearer token",
)
def auth_token(request: HttpRequest, payload: TokenRequest) -> dict[str, Any]:
    # An address that failed too often is slowed down before any password is checked.
    if ip_throttled(request):
        raise Throttled(
            _("该地址登录失败次数过多，请稍后再试。"),
            details={"retry_after_seconds": ip_retry_after_seconds(request)},
        )
    # authenticate() with the request so django-axes counts failures and enforces the lockout
    # here exactly as on the login page.
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        raise LockedOut(lockout_message(request, {"username": payload.username}))
    if not isinstance(user, User):
        raise InvalidCredentials(_("用户名或密码错误。"))
    actor = Actor.for_user(user, ip=client_ip(request))
    verified = False
    if mfa_needed(user):
        if not payload.otp:
            raise MfaRequired(_("该账号须使用双因素认证：请在 otp 字段提供动态验证码。"))
        device = match_token(user, payload.otp)
        if device is None:
            with transaction.atomic():
                audit_record(actor=actor, action="mfa.verify_failed", target=user)
            raise InvalidCredentials(_("动态验证码错误。"))
        verified = True
    with transaction.atomic():
        audit_record(
            actor=actor, action="auth.login", target=user, new={"via": "api_token", "mfa": verified}
        )
    token, secret = token_issue(
        actor=actor,
        user=user,
        name=payload.name,
        read_only=payload.read_only,
        mfa_verified=verified,
    )
    return {"token": secret, "expires_at": token.expires_at}


@router.get("/me", response=MeOut, summary="The caller: user, role and unit")
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    assert isinstance(user, User)
    unit = user.unit
    unit_out = None
    if unit is not None:
        unit_out = {
            "id": unit.pk,
            "kind": unit.kind,
            "kind_display": str(unit.get_kind_display()),
            "name": unit.name,
            "province_code": unit.province.code if unit.province else None,
            "province": unit.province.name if unit.province else None,
            "city_code": unit.city.code if unit.city else None,
            "city": unit.city.name if unit.city else None,
        }
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name or user.username,
        "role": user.role,
        "role_display": str(user.get_role_display()),
        "is_superuser": user.is_superuser,
        "unit": unit_out,
    }


@router.get("/auth/tokens", response=list[TokenOut], summary="The caller's tokens (no secrets)")
def tokens_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_token_out(token) for token in token_list(actor=request_actor(request))]


@router.post(
    "/auth/tokens",
    response={201: TokenCreated, 403: ErrorOut, 422: ErrorOut},
    summary="Create a personal token; the secret is in this response only",
)
def tokens_create(request: HttpRequest, payload: TokenCreate) -> Status[dict[str, Any]]:
    actor = request_actor(request)
    assert isinstance(request.user, User)
    token, secret = token_issue(
        actor=actor,
        user=request.user,
        name=payload.name,
        read_only=payload.read_only,
        mfa_verified=session_verified(request),
    )
    return Status(201, {**_token_out(token), "token": secret})


@router.delete(
    "/auth/tokens/{token_id}",
    response={200: TokenOut, 404: ErrorOut},
    summary="Revoke one of the caller's tokens",
)
def tokens_revoke(request: HttpRequest, token_id: int) -> dict[str, Any]:
    actor = request_actor(request)
    token = token_revoke(actor=actor, token=token_get(actor=actor, token_id=token_id))
    return _token_out(token)
