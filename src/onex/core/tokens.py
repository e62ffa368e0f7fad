"""Personal API tokens: services write (issue, revoke), selectors read, one authenticator.

The secret is returned once by ``token_issue`` and never stored: the database holds only its
SHA-256 hex digest and an 8-character prefix for lists.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import Forbidden, InvalidInput, NotFound
from onex.core.models import ApiToken, User
from onex.core.scoping import fetch
from onex.core.security import mfa_needed, security_policy

NAME_MAX_LENGTH = 100
PREFIX_LENGTH = 8
# Writing last_used_at on every API call would turn every read into a write; a minute's
# resolution is enough to tell a stale token from a live one.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def password_fingerprint(user: User) -> str:
    """An HMAC of the user's password hash: it changes with every new password."""
    return salted_hmac("onex.core.tokens.password", user.password, algorithm="sha256").hexdigest()


# --- selectors ---------------------------------------------------------------------------------


def token_list(*, actor: Actor) -> QuerySet[ApiToken]:
    """The actor's own tokens; nobody lists another person's tokens."""
    if actor.user is None:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=actor.user).order_by("-created_at", "-pk")


def token_get(*, actor: Actor, token_id: int) -> ApiToken:
    """One of the actor's tokens, or NotFound (someone else's token is indistinguishable)."""
    return fetch(token_list(actor=actor), pk=token_id)


# --- services ----------------------------------------------------------------------------------


def token_issue(
    *, actor: Actor, user: User, name: str, read_only: bool = False, mfa_verified: bool = False
) -> tuple[ApiToken, str]:
    """Create a token for ``user`` and return it with its secret (shown once, never stored).

    ``mfa_verified``: the request passed the second factor (a verified session, or a TOTP code
    with the password). Users who must use a second factor get no token without it, so a
    stolen password alone never yields API access.
    """
    actor.require(actor.is_system or (actor.user is not None and actor.user.pk == user.pk))
    if not actor.is_system and not mfa_verified and mfa_needed(user):
        raise Forbidden(
            _("签发令牌需要先通过双因素认证（在网页登录并输入动态验证码后再创建）。"),
            code="mfa_required",
        )
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("请填写令牌名称。"), field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInput(
            _("令牌名称不能超过 %(n)d 个字符。") % {"n": NAME_MAX_LENGTH}, field="name"
        )
    if not user.is_active:
        raise InvalidInput(_("该用户已停用，不能签发令牌。"))
    secret = secrets.token_urlsafe(32)
    policy = security_policy()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=secret[:PREFIX_LENGTH],
            key_hash=hash_secret(secret),
            read_only=read_only,
            auth_hash=password_fingerprint(user),
            expires_at=timezone.now() + timedelta(days=int(policy.token_days)),
        )
        audit_record(
            actor=actor,
            action="auth.token_issue",
            target=token,
            # Never the secret or its hash: the audit log is readable by admins.
            new={
                "user": user.pk,
                "name": name,
                "prefix": token.prefix,
                "read_only": read_only,
                "expires_at": token.expires_at.isoformat(),
            },
        )
    return token, secret


def token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Revoke one of the actor's tokens; revoking twice is a no-op."""
    with transaction.atomic():
        if actor.is_system:
            locked = ApiToken.objects.select_for_update().filter(pk=token.pk).first()
            if locked is None:
                raise NotFound(_("未找到该记录，或您无权查看。"))
        else:
            locked = fetch(token_list(actor=actor).select_for_update(), pk=token.pk)
        if locked.revoked_at is not None:
            return locked
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="auth.token_revoke",
            target=locked,
            old={"revoked_at": None},
            new={"revoked_at": locked.revoked_at.isoformat()},
        )
    return locked


def token_usable(token: ApiToken, *, now: datetime | None = None) -> bool:
    """Unrevoked, unexpired, not idle too long, its holder active with the same password."""
    now = now or timezone.now()
    if not token.is_active_at(now):
        return False
    user = token.user
    if not user.is_active or (user.unit is not None and not user.unit.is_active):
        return False
    if not token.auth_hash or not constant_time_compare(
        token.auth_hash, password_fingerprint(user)
    ):
        return False
    idle = timedelta(days=int(security_policy().token_idle_days))
    return (token.last_used_at or token.created_at) > now - idle


def token_lookup(secret: str) -> ApiToken | None:
    """The usable token with this secret (see ``token_usable``), or None; marks it used."""
    if not secret:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user", "user__unit")
        .filter(key_hash=hash_secret(secret))
        .first()
    )
    if token is None or not token_usable(token, now=now):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # A bookkeeping field, not a business write: updated in place, not audited.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def token_authenticate(secret: str) -> User | None:
    """The holder of this usable token, or None."""
    token = token_lookup(secret)
    return token.user if token is not None else None
