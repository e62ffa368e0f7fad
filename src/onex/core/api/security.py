"""Security administration API (security administrator only): lockouts, throttled addresses,
the security policy and second-factor resets. Twins of the /security/ pages."""
# No "from __future__ import annotations": ninja resolves parameter types at import time.

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from onex.core.actors import request_actor
from onex.core.limits import CODE_MAX, SearchText
from onex.core.models import User
from onex.core.params import Pagination
from onex.core.schemas import ErrorOut
from onex.core.scoping import fetch
from onex.core.security import (
    POLICY_FIELDS,
    ip_throttle_lift,
    ip_throttle_list,
    lockout_lift,
    lockout_list,
    mfa_class,
    mfa_required,
    mfa_reset,
    mfa_users,
    require_security_admin,
    security_policy,
    security_policy_set,
)

router = Router(tags=["security"])


class LockoutOut(Schema):
    id: int
    username: str
    ip: str
    failures: int
    last_failure: dt.datetime
    until: dt.datetime


class ThrottleOut(Schema):
    ip: str
    failures: int
    last_failure: dt.datetime


class PolicyOut(Schema):
    lockout_failures: int
    lockout_minutes: int
    ip_failures: int
    ip_window_minutes: int
    session_idle_minutes: int
    password_min_length: int
    token_days: int
    token_idle_days: int
    mfa_classes: list[str]


class PolicyIn(Schema):
    lockout_failures: int | None = None
    lockout_minutes: int | None = None
    ip_failures: int | None = None
    ip_window_minutes: int | None = None
    session_idle_minutes: int | None = None
    password_min_length: int | None = None
    token_days: int | None = None
    token_idle_days: int | None = None
    mfa_classes: list[Annotated[str, Field(max_length=CODE_MAX)]] | None = Field(
        None, max_length=20
    )


class MfaUserOut(Schema):
    id: int
    username: str
    account_class: str
    required: bool
    enrolled: bool

    @staticmethod
    def resolve_account_class(obj: User) -> str:
        return mfa_class(obj)

    @staticmethod
    def resolve_required(obj: User) -> bool:
        return mfa_required(obj)


class ThrottleLift(Schema):
    ip: str = Field(..., max_length=CODE_MAX)


def _policy_out() -> dict[str, Any]:
    policy = security_policy()
    return {name: getattr(policy, name) for name in POLICY_FIELDS}


@router.get(
    "/lockouts", response=list[LockoutOut], summary="Locked-out sign-ins (account and address)"
)
def lockouts(request: HttpRequest) -> Any:
    return lockout_list(actor=request_actor(request))


@router.delete(
    "/lockouts/{lockout_id}", response={204: None, 404: ErrorOut}, summary="Lift one lock-out"
)
def lockout_delete(request: HttpRequest, lockout_id: int) -> Any:
    lockout_lift(actor=request_actor(request), lockout_id=lockout_id)
    return 204, None


@router.get("/throttles", response=list[ThrottleOut], summary="Throttled addresses")
def throttles(request: HttpRequest) -> Any:
    return ip_throttle_list(actor=request_actor(request))


@router.post(
    "/throttles/lift", response={204: None, 404: ErrorOut}, summary="Lift an address's throttle"
)
def throttle_lift(request: HttpRequest, payload: ThrottleLift) -> Any:
    ip_throttle_lift(actor=request_actor(request), ip=payload.ip)
    return 204, None


@router.get("/policy", response=PolicyOut, summary="The security policy")
def policy_get(request: HttpRequest) -> Any:
    require_security_admin(request_actor(request))
    return _policy_out()


@router.put(
    "/policy", response={200: PolicyOut, 422: ErrorOut}, summary="Change the security policy"
)
def policy_put(request: HttpRequest, payload: PolicyIn) -> Any:
    values = {k: v for k, v in payload.dict().items() if v is not None}
    security_policy_set(actor=request_actor(request), **values)
    return _policy_out()


@router.get("/mfa", response=list[MfaUserOut], summary="Each account's second-factor status")
@paginate(Pagination, page_size=50)
def mfa_list(request: HttpRequest, q: SearchText | None = None) -> Any:
    return mfa_users(actor=request_actor(request), q=q)


@router.post(
    "/mfa/{user_id}/reset",
    response={204: None, 403: ErrorOut, 404: ErrorOut},
    summary="Reset a user's second factor (they enrol again at their next login; not your own)",
)
def mfa_reset_api(request: HttpRequest, user_id: int) -> Any:
    """Remove a user's second factor (the next login enrols again)."""
    actor = request_actor(request)
    user = fetch(mfa_users(actor=actor), pk=user_id)
    actor.require(user.pk != getattr(actor.user, "pk", None))
    mfa_reset(actor=actor, user=user)
    return 204, None
