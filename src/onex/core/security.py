"""Security administration: the security policy, login throttling, lockouts, second factor.

Services write (the security administrator's changes, audited); selectors read. The axes
callables (``lockout_failure_limit``, ``lockout_cool_off``) and ``ip_throttled`` read the one
``SecurityPolicy`` row, so a change on /security/policy/ applies to the next login.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, QuerySet
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from onex.core.actors import Actor, client_ip
from onex.core.audit import audit_record
from onex.core.errors import InvalidInput, NotFound
from onex.core.lockout import mask_login_name
from onex.core.models import NATIONAL_KINDS, SEPARATED_ROLES, Role, SecurityPolicy, UnitKind, User
from onex.core.models.security import MFA_ALWAYS, MfaClass

POLICY_FIELDS = (
    "lockout_failures",
    "lockout_minutes",
    "ip_failures",
    "ip_window_minutes",
    "session_idle_minutes",
    "password_min_length",
    "token_days",
    "token_idle_days",
    "mfa_classes",
)


# --- the policy ---------------------------------------------------------------------------------


def security_policy() -> SecurityPolicy:
    """The policy in force: the stored row, or the environment's defaults before any change.

    Not cached: one primary-key read, and a cache would outlive a change made by another
    process (or a rolled-back test) for its whole lifetime.
    """
    policy = SecurityPolicy.objects.filter(pk=SecurityPolicy.SINGLETON_PK).first()
    if policy is None:
        policy = SecurityPolicy(pk=SecurityPolicy.SINGLETON_PK, **SecurityPolicy.defaults())
    return policy


def can_administer_security(actor: Actor) -> bool:
    return actor.is_system or actor.role == Role.SECURITY_ADMIN


def require_security_admin(actor: Actor) -> None:
    actor.require(can_administer_security(actor), _("只有安全管理员可以管理安全设置。"))


def security_policy_set(*, actor: Actor, **values: Any) -> SecurityPolicy:
    """Change the security policy (security administrator only); audited with old and new."""
    require_security_admin(actor)
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise InvalidInput(_("未知的安全策略项。"), field=sorted(unknown)[0])
    if "mfa_classes" in values:
        classes = {str(c) for c in values["mfa_classes"]}
        if not classes <= set(MfaClass.values):
            raise InvalidInput(_("未知的账号类别。"), field="mfa_classes")
        # The floor cannot be lowered: privileged accounts always use the second factor.
        values["mfa_classes"] = sorted(classes | {str(c) for c in MFA_ALWAYS})
    with transaction.atomic():
        policy, _created = SecurityPolicy.objects.select_for_update().get_or_create(
            pk=SecurityPolicy.SINGLETON_PK, defaults=SecurityPolicy.defaults()
        )
        old = {name: getattr(policy, name) for name in POLICY_FIELDS}
        for name, value in values.items():
            setattr(policy, name, value)
        try:
            policy.full_clean()
        except ValidationError as exc:
            field, messages = next(iter(exc.message_dict.items()))
            raise InvalidInput(" ".join(messages), field=field) from None
        policy.save()
        new = {name: getattr(policy, name) for name in POLICY_FIELDS}
        changed = [name for name in POLICY_FIELDS if old[name] != new[name]]
        if changed:
            audit_record(
                actor=actor,
                action="security.policy_set",
                target=policy,
                old={name: old[name] for name in changed},
                new={name: new[name] for name in changed},
            )
    return policy


# --- second factor ------------------------------------------------------------------------------


def mfa_class(user: User) -> str:
    """The account class the MFA policy speaks of."""
    if user.role in SEPARATED_ROLES:
        return MfaClass.SEPARATED
    if user.is_superuser:
        return MfaClass.NATIONAL_ADMIN
    kind = user.unit.kind if user.unit is not None else None
    admin = user.role == Role.ADMIN
    if kind in NATIONAL_KINDS and admin:
        return MfaClass.NATIONAL_ADMIN
    if kind == UnitKind.PROVINCE and admin:
        return MfaClass.PROVINCE_ADMIN
    if kind == UnitKind.CITY:
        return MfaClass.CITY
    if kind == UnitKind.ORG and admin:
        return MfaClass.ORG_ADMIN
    if kind == UnitKind.SCHOOL and admin:
        return MfaClass.SCHOOL_ADMIN
    if kind == UnitKind.LEARNER:
        return MfaClass.LEARNER
    return MfaClass.STAFF


def mfa_required(user: User, policy: SecurityPolicy | None = None) -> bool:
    """Whether the policy requires a second factor of this account."""
    cls = mfa_class(user)
    if cls in MFA_ALWAYS:
        return True
    return cls in (policy or security_policy()).mfa_classes


def mfa_needed(user: User, policy: SecurityPolicy | None = None) -> bool:
    """Whether a session of ``user`` must pass the second factor: required by the policy, or
    enrolled voluntarily (an optional factor that could be skipped would protect nothing)."""
    return mfa_required(user, policy) or user_has_device(user, confirmed=True)


def mfa_reset(*, actor: Actor, user: User) -> int:
    """Remove a user's second-factor devices (lost phone): the next login enrols again."""
    require_security_admin(actor)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        removed = TOTPDevice.objects.filter(user=locked).delete()[0]
        removed += StaticDevice.objects.filter(user=locked).delete()[0]
        audit_record(
            actor=actor,
            action="mfa.reset",
            target=locked,
            new={"username": locked.username, "devices_removed": removed},
        )
    return int(removed)


def mfa_users(*, actor: Actor, q: str | None = None) -> QuerySet[User]:
    """Accounts with their second-factor state, for the security administrator."""
    require_security_admin(actor)
    enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    qs = (
        User.objects.select_related("unit").annotate(enrolled=Exists(enrolled)).order_by("username")
    )
    if q:
        qs = qs.filter(username__icontains=q.strip())
    return qs


# --- lockouts and throttling ----------------------------------------------------------------------


def lockout_failure_limit(request: HttpRequest | None, credentials: Any = None) -> int:
    """AXES_FAILURE_LIMIT: failures of one username from one address before the lock."""
    return int(security_policy().lockout_failures)


def lockout_cool_off(request: HttpRequest | None = None) -> dt.timedelta:
    """AXES_COOLOFF_TIME: how long a lock lasts after the last counted failure."""
    return dt.timedelta(minutes=int(security_policy().lockout_minutes))


def ip_window_start(policy: SecurityPolicy | None = None) -> dt.datetime:
    policy = policy or security_policy()
    return timezone.now() - dt.timedelta(minutes=int(policy.ip_window_minutes))


def ip_failure_count(ip: str | None, policy: SecurityPolicy | None = None) -> int:
    if not ip:
        return 0
    return int(
        AccessFailureLog.objects.filter(
            ip_address=ip, attempt_time__gte=ip_window_start(policy)
        ).count()
    )


def ip_throttled(request: HttpRequest) -> bool:
    """Too many failed logins from this address in the window, whatever the usernames.

    Password spraying (one guess at many accounts) is slowed to ``ip_failures`` guesses per
    ``ip_window_minutes``; it never locks the accounts themselves.
    """
    policy = security_policy()
    return ip_failure_count(client_ip(request), policy) >= policy.ip_failures


def ip_retry_after_seconds(request: HttpRequest) -> int:
    """Seconds until the oldest failure in the window ages out."""
    policy = security_policy()
    oldest = (
        AccessFailureLog.objects.filter(
            ip_address=client_ip(request), attempt_time__gte=ip_window_start(policy)
        )
        .order_by("attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    if oldest is None:
        return 60
    end = oldest + dt.timedelta(minutes=int(policy.ip_window_minutes))
    return max(1, int((end - timezone.now()).total_seconds()))


@dataclass(frozen=True)
class Lockout:
    id: int
    username: str
    ip: str
    failures: int
    last_failure: dt.datetime
    until: dt.datetime


def lockout_list(*, actor: Actor) -> list[Lockout]:
    """Username+address pairs locked now (security administrator)."""
    require_security_admin(actor)
    policy = security_policy()
    cool_off = lockout_cool_off()
    rows = AccessAttempt.objects.filter(
        failures_since_start__gte=policy.lockout_failures,
        attempt_time__gte=timezone.now() - cool_off,
    ).order_by("-attempt_time")
    return [
        Lockout(
            id=row.pk,
            username=row.username or "",
            ip=row.ip_address or "",
            failures=row.failures_since_start,
            last_failure=row.attempt_time,
            until=row.attempt_time + cool_off,
        )
        for row in rows
    ]


def lockout_lift(*, actor: Actor, lockout_id: int) -> None:
    """Lift one lock at once (the person called the help desk); audited."""
    require_security_admin(actor)
    with transaction.atomic():
        row = AccessAttempt.objects.select_for_update().filter(pk=lockout_id).first()
        if row is None:
            raise NotFound(_("未找到该记录，或您无权查看。"))
        audit_record(
            actor=actor,
            action="auth.unlock",
            target_type="axes.accessattempt",
            target_id=str(row.pk),
            old={"failures": row.failures_since_start},
            new={"username": row.username or "", "ip": row.ip_address or ""},
        )
        row.delete()


@dataclass(frozen=True)
class IpThrottle:
    ip: str
    failures: int
    last_failure: dt.datetime


def ip_throttle_list(*, actor: Actor) -> list[IpThrottle]:
    require_security_admin(actor)
    policy = security_policy()
    rows = (
        AccessFailureLog.objects.filter(attempt_time__gte=ip_window_start(policy))
        .exclude(ip_address__isnull=True)
        .values("ip_address")
        .annotate(n=Count("id"), last=Max("attempt_time"))
        .filter(n__gte=policy.ip_failures)
        .order_by("-n")
    )
    return [IpThrottle(ip=r["ip_address"], failures=r["n"], last_failure=r["last"]) for r in rows]


def ip_throttle_lift(*, actor: Actor, ip: str) -> int:
    """Forget an address's recent failures (e.g. a school's NAT after a class typed badly)."""
    require_security_admin(actor)
    with transaction.atomic():
        removed = AccessFailureLog.objects.filter(
            ip_address=ip, attempt_time__gte=ip_window_start()
        ).delete()[0]
        if not removed:
            raise NotFound(_("未找到该记录，或您无权查看。"))
        audit_record(
            actor=actor,
            action="auth.ip_unthrottle",
            target_type="axes.accessfailurelog",
            target_id=ip,
            new={"ip": ip, "failures_forgotten": removed},
        )
    return int(removed)


def _request_ip(request: HttpRequest | None) -> str | None:
    return client_ip(request) if request is not None else None


@receiver(user_login_failed, dispatch_uid="onex.core.security.audit_login_failed")
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Every failed login (page or API) lands in the audit log, with a masked username."""
    raw = credentials.get("username")
    name = mask_login_name(str(raw)) if raw is not None else ""
    user = User.objects.filter(username=credentials.get("username") or "").first()
    with transaction.atomic():
        audit_record(
            actor=Actor.anonymous(ip=_request_ip(request)),
            action="auth.login_failed",
            target_type="core.user",
            target_id=str(user.pk) if user is not None else "",
            new={"username": name, "path": request.path if request is not None else ""},
        )


@receiver(user_locked_out, dispatch_uid="onex.core.security.audit_lockout")
def audit_lockout(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """The lock itself is an event too (the security administrator lifts it on /security/)."""
    with transaction.atomic():
        audit_record(
            actor=Actor.anonymous(ip=_request_ip(request)),
            action="auth.lockout",
            target_type="core.user",
            new={
                "username": str(kwargs.get("username") or ""),
                "ip": str(kwargs.get("ip_address") or ""),
            },
        )
