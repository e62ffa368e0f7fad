"""Personal API tokens: services write (issue, revoke), selectors read, one authenticator.

The secret is returned once by ``token_issue`` and never stored: the database holds only its
SHA-256 hex digest and an 8-character prefix for lists.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import InvalidInput, NotFound
from onex.core.models import ApiToken, User
from onex.core.scoping import fetch

NAME_MAX_LENGTH = 100
PREFIX_LENGTH = 8
# Writing last_used_at on every API call would turn every read into a write; a minute's
# resolution is enough to tell a stale token from a live one.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


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


def token_issue(*, actor: Actor, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for ``user`` and return it with its secret (shown once, never stored)."""
    actor.require(actor.is_system or (actor.user is not None and actor.user.pk == user.pk))
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
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, prefix=secret[:PREFIX_LENGTH], key_hash=hash_secret(secret)
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


def token_authenticate(secret: str) -> User | None:
    """The active user holding this unrevoked, unexpired token, or None."""
    if not secret:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user", "user__unit")
        .filter(key_hash=hash_secret(secret), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # A bookkeeping field, not a business write: updated in place, not audited.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
