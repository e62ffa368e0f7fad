"""One-time links: issue (invitation, password reset), use (set the password), revoke.

The secret goes into the link once (mail, or shown to the inviting administrator to hand over)
and is never stored: the database keeps its SHA-256 digest. A link works once and expires after
the policy's number of days (platform defaults: invitation 7 days, reset 1 day).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.accounts.models import AccessLink, AccessLinkEvent, AccessLinkPurpose, AccessLinkStatus
from onex.accounts.selectors.permissions import may_administer, require_account_write
from onex.accounts.workflows import LINK
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import InvalidInput
from onex.core.models import User
from onex.core.policy import policy_value
from onex.core.tokens import hash_secret
from onex.core.workflows import perform

INVITATION_DAYS = "accounts.invitation_days"
RESET_DAYS = "accounts.reset_link_days"
PASSWORD_MAX = 4096


@dataclass(frozen=True)
class IssuedLink:
    link: AccessLink
    secret: str
    url: str
    mailed: bool


def link_url(secret: str) -> str:
    return settings.ONEX_PUBLIC_URL.rstrip("/") + reverse("accounts:link_use", args=[secret])


def _lifetime(purpose: str) -> dt.timedelta:
    days = policy_value(INVITATION_DAYS if purpose == AccessLinkPurpose.INVITE else RESET_DAYS)
    return dt.timedelta(days=int(days))


def _mail(user: User, purpose: str, url: str, expires_at: dt.datetime) -> None:
    if purpose == AccessLinkPurpose.INVITE:
        subject = _("【1+X 证书制度试点管理平台】账号开通邀请")
        body = _(
            "%(name)s，您好：\n\n平台已为您开通账号（用户名：%(username)s）。请在 %(expires)s 前"
            "打开以下链接设置密码，链接只能使用一次：\n\n%(url)s\n"
        )
    else:
        subject = _("【1+X 证书制度试点管理平台】重置密码")
        body = _(
            "%(name)s，您好：\n\n有人为您的账号（用户名：%(username)s）申请了重置密码。请在 "
            "%(expires)s 前打开以下链接设置新密码，链接只能使用一次；如非本人申请，请忽略本邮件。"
            "\n\n%(url)s\n"
        )
    local = timezone.localtime(expires_at).strftime("%Y-%m-%d %H:%M")
    send_mail(
        str(subject),
        str(body) % {"name": user, "username": user.username, "expires": local, "url": url},
        None,
        [user.email],
    )


def revoke_pending(*, actor: Actor, user: User, reason: str) -> int:
    links = list(
        AccessLink.objects.select_for_update().filter(user=user, status=AccessLinkStatus.PENDING)
    )
    for link in links:
        link.status = AccessLinkStatus.REVOKED
        link.save(update_fields=["status"])
        AccessLinkEvent.record(
            actor=actor,
            action="revoke",
            reason=reason,
            from_status=AccessLinkStatus.PENDING,
            to_status=AccessLinkStatus.REVOKED,
            link=link,
        )
        audit_record(
            actor=actor,
            action="accounts.link.revoke",
            target=link,
            old={"status": AccessLinkStatus.PENDING},
            new={"status": AccessLinkStatus.REVOKED, "reason": reason},
        )
    return len(links)


def issue_link(*, actor: Actor, user: User, purpose: str, mail: bool = True) -> IssuedLink:
    """Issue a new link for ``user`` (any earlier pending link is revoked); mail it on commit
    when the user has an e-mail address. The caller has checked who may."""
    if purpose not in AccessLinkPurpose.values:
        raise InvalidInput(_("未知的链接用途。"))
    if not user.is_active:
        raise InvalidInput(_("该用户已停用。"))
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        revoke_pending(actor=actor, user=user, reason=str(_("已签发新链接")))
        link = AccessLink.objects.create(
            user=user,
            purpose=purpose,
            token_hash=hash_secret(secret),
            created_by=actor.user,
            expires_at=timezone.now() + _lifetime(purpose),
        )
        AccessLinkEvent.record(
            actor=actor, action="issue", from_status="", to_status=link.status, link=link
        )
        audit_record(
            actor=actor,
            action=f"accounts.link.{purpose}",
            target=link,
            # Never the secret or its digest.
            new={"user": user.pk, "purpose": purpose, "expires_at": link.expires_at.isoformat()},
        )
        url = link_url(secret)
        mailed = bool(mail and user.email)
        if mailed:
            expires = link.expires_at
            transaction.on_commit(lambda: _mail(user, purpose, url, expires))
    return IssuedLink(link=link, secret=secret, url=url, mailed=mailed)


def check_password(user: User, password: str, password2: str | None = None) -> None:
    if not password:
        raise InvalidInput(_("请填写密码。"), field="password")
    if len(password) > PASSWORD_MAX:
        raise InvalidInput(_("密码过长。"), field="password")
    if password2 is not None and password != password2:
        raise InvalidInput(_("两次输入的密码不一致。"), field="password2")
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="password") from None


RESET_SENT = gettext_lazy("如果该电子邮箱对应一个启用的账号，我们已发送重置密码链接，请查收邮件。")
INVALID_LINK = gettext_lazy("链接无效、已使用或已过期，请联系管理员重新发送。")


def link_use(
    *, secret: str, password: str, password2: str | None = None, ip: str | None = None
) -> User:
    """Set the password of the link's user; the link then no longer works."""
    if not secret or len(secret) > 200:
        raise InvalidInput(str(INVALID_LINK))
    with transaction.atomic():
        link = (
            AccessLink.objects.select_for_update()
            .select_related("user")
            .filter(token_hash=hash_secret(secret))
            .first()
        )
        if (
            link is None
            or link.status != AccessLinkStatus.PENDING
            or link.is_expired()
            or not link.user.is_active
        ):
            raise InvalidInput(str(INVALID_LINK))
        user = link.user
        check_password(user, password, password2)
        user.set_password(password)
        user.save(update_fields=["password"])
        actor = Actor.for_user(user, ip=ip)
        link.status = AccessLinkStatus.USED
        link.used_at = timezone.now()
        link.save(update_fields=["status", "used_at"])
        AccessLinkEvent.record(
            actor=actor,
            action="use",
            from_status=AccessLinkStatus.PENDING,
            to_status=AccessLinkStatus.USED,
            link=link,
        )
        audit_record(
            actor=actor,
            action="accounts.link.use",
            target=link,
            old={"status": AccessLinkStatus.PENDING},
            new={"status": AccessLinkStatus.USED, "password_changed": True},
        )
    return user


def reset_request(*, email: str, ip: str | None = None) -> int:
    """Mail a reset link to every active account with this e-mail address.

    The caller answers the same way whether or not an account exists (no account oracle).
    """
    email = (email or "").strip()
    if not email or len(email) > 254:
        return 0
    actor = Actor.anonymous(ip=ip)
    sent = 0
    for user in User.objects.filter(email__iexact=email, is_active=True):
        issue_link(actor=actor, user=user, purpose=AccessLinkPurpose.RESET)
        sent += 1
    return sent


def reset_by_admin(*, actor: Actor, user: User) -> IssuedLink:
    """The unit's administrator sends a reset link: the admin never sees or sets a password.

    Mailed when the user has an e-mail address; otherwise the link is returned for the admin
    to hand over in person (like an invitation).
    """
    actor.require(may_administer(actor, user.unit) if user.unit else actor.is_system)
    require_account_write(actor)
    purpose = (
        AccessLinkPurpose.INVITE
        if user.last_login is None and not user.has_usable_password()
        else AccessLinkPurpose.RESET
    )
    return issue_link(actor=actor, user=user, purpose=purpose)


def link_revoke(*, actor: Actor, link: AccessLink, reason: str = "") -> AccessLink:
    """An administrator withdraws a pending link (the declared move ``revoke``)."""
    return perform(LINK, actor=actor, obj=link, action="revoke", reason=reason)
