"""Writes of units and users: create a unit below one's own with its first administrator,
invite users, change roles, disable and enable. Every write is audited; every permission
question is answered by ``onex.accounts.selectors.permissions``."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.accounts.models import AccessLinkPurpose
from onex.accounts.selectors.permissions import may_administer, may_create, require_account_write
from onex.accounts.services.links import IssuedLink, issue_link, revoke_pending
from onex.catalog.services.orgs import org_create
from onex.core.accounts import check_separated_role
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import InvalidInput
from onex.core.models import SEPARATED_ROLES, ApiToken, Role, Unit, UnitKind, User
from onex.geo.models import Division, DivisionLevel
from onex.pilots.services.schools import school_register

USERNAME_MAX = 150
_username_validator = UnicodeUsernameValidator()


@dataclass(frozen=True)
class Invited:
    user: User
    issued: IssuedLink


@dataclass(frozen=True)
class Onboarded:
    unit: Unit
    admin: Invited


def clean_username(username: str) -> str:
    username = (username or "").strip()
    if not username:
        raise InvalidInput(_("请填写用户名。"), field="username")
    if len(username) > USERNAME_MAX:
        raise InvalidInput(_("用户名过长。"), field="username")
    try:
        _username_validator(username)
    except ValidationError:
        raise InvalidInput(
            _("用户名只能包含字母、数字和 @/./+/-/_ 字符。"), field="username"
        ) from None
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput(_("用户名已存在。"), field="username")
    return username


def clean_email(email: str, *, required: bool = False) -> str:
    email = (email or "").strip()
    if not email:
        if required:
            raise InvalidInput(_("请填写电子邮箱。"), field="email")
        return ""
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(_("电子邮箱格式不正确。"), field="email") from None
    return email


def user_invite(
    *,
    actor: Actor,
    unit: Unit,
    username: str,
    display_name: str = "",
    email: str = "",
    role: str = Role.STAFF,
    phone: str = "",
    import_job: int | None = None,
) -> Invited:
    """Create a user of ``unit`` without a password and issue their invitation link."""
    actor.require(may_administer(actor, unit), _("只有本单位的管理员可以管理本单位的用户。"))
    require_account_write(actor)
    return _invite(
        actor=actor,
        unit=unit,
        username=username,
        display_name=display_name,
        email=email,
        role=role,
        phone=phone,
        import_job=import_job,
    )


def _invite(
    *,
    actor: Actor,
    unit: Unit,
    username: str,
    display_name: str,
    email: str,
    role: str,
    phone: str = "",
    import_job: int | None = None,
) -> Invited:
    # The caller has decided who may: the unit's admin, or the creator of a new unit.
    if unit.kind == UnitKind.LEARNER:
        raise InvalidInput(_("学习者账号由本人认领或注册开通。"))
    if not unit.is_active:
        raise InvalidInput(_("该单位已停用。"))
    if role not in Role.values:
        raise InvalidInput(_("未知的角色。"), field="role")
    username = clean_username(username)
    email = clean_email(email)
    if role in SEPARATED_ROLES:
        # 三权分立: only the system administrator grants these, one role per person.
        check_separated_role(actor=actor, unit=unit, email=email, phone=phone)
    display_name = (display_name or "").strip()[:100]
    with transaction.atomic():
        user = User(
            username=username,
            unit=unit,
            role=role,
            display_name=display_name,
            email=email,
            phone=(phone or "").strip()[:32],
        )
        user.set_unusable_password()
        user.save()
        audit_record(
            actor=actor,
            action="accounts.user.import" if import_job else "accounts.user.invite",
            target=user,
            new={
                "username": username,
                "unit": unit.pk,
                "role": role,
                "has_email": bool(email),
                **({"import_job": import_job} if import_job else {}),
            },
        )
        issued = issue_link(actor=actor, user=user, purpose=AccessLinkPurpose.INVITE)
    return Invited(user=user, issued=issued)


def _division(code: str | None, level: str, field: str) -> Division:
    division = Division.objects.filter(code=code or "", level=level).first()
    if division is None:
        message = _("请选择省份。") if level == DivisionLevel.PROVINCE else _("请选择城市。")
        raise InvalidInput(message, field=field)
    return division


def unit_create_with_admin(
    *,
    actor: Actor,
    kind: str,
    name: str,
    admin_username: str,
    admin_display_name: str = "",
    admin_email: str = "",
    province: str | None = None,
    city: str | None = None,
    credit_code: str = "",
    org_type: str = "",
    school_code: str = "",
    school_type: str = "",
) -> Onboarded:
    """Create a unit directly below the actor's and invite its first administrator.

    The Ministry creates provinces, orgs (with the catalogue's org record) and the national
    aggregator; a province its cities and schools (with the pilots' school record). All rows
    exist together or not at all.
    """
    name = (name or "").strip()
    if kind not in UnitKind.values or kind == UnitKind.LEARNER:
        raise InvalidInput(_("未知的单位类型。"), field="kind")
    region: Division | None = None
    city_division: Division | None = None
    if kind == UnitKind.PROVINCE:
        region = _division(province, DivisionLevel.PROVINCE, "province")
    elif kind in (UnitKind.CITY, UnitKind.SCHOOL):
        city_division = _division(city, DivisionLevel.CITY, "city")
        region = city_division.parent
    actor.require(may_create(actor, kind, province=region), _("您无权创建该类型的单位。"))
    require_account_write(actor)
    if kind in (UnitKind.PROVINCE, UnitKind.CITY) and not name:
        name = ""
    if not name:
        raise InvalidInput(_("请填写单位名称。"), field="name")
    with transaction.atomic():
        if kind == UnitKind.ORG:
            unit = org_create(
                actor=actor, name=name, credit_code=credit_code, org_type=org_type
            ).unit
        elif kind == UnitKind.SCHOOL:
            assert city_division is not None
            unit = school_register(
                actor=actor,
                name=name,
                code=school_code,
                school_type=school_type,
                city=city_division,
            ).unit
        else:
            if (
                kind == UnitKind.PROVINCE
                and Unit.objects.filter(kind=kind, province=region).exists()
            ):
                raise InvalidInput(_("该省份已开通省级账号。"), field="province")
            if (
                kind == UnitKind.CITY
                and Unit.objects.filter(kind=kind, city=city_division).exists()
            ):
                raise InvalidInput(_("该城市已开通市级账号。"), field="city")
            unit = Unit.objects.create(kind=kind, name=name, province=region, city=city_division)
            audit_record(
                actor=actor, action="unit.create", target=unit, new={"kind": kind, "name": name}
            )
        # The creator of the unit invites its first administrator (may_create decided above).
        admin = _invite(
            actor=actor,
            unit=unit,
            username=admin_username,
            display_name=admin_display_name,
            email=admin_email,
            role=Role.ADMIN,
        )
    return Onboarded(unit=unit, admin=admin)


def _require_admin_of(actor: Actor, user: User) -> None:
    actor.require(
        user.unit is not None and may_administer(actor, user.unit),
        _("只有本单位的管理员可以管理本单位的用户。"),
    )
    require_account_write(actor)
    if actor.user is not None and actor.user.pk == user.pk:
        raise InvalidInput(_("不能修改自己的角色或状态。"))
    if user.unit is not None and user.unit.kind == UnitKind.LEARNER:
        raise InvalidInput(_("学习者账号的角色和状态由本人和平台管理。"))


def user_role_set(*, actor: Actor, user: User, role: str) -> User:
    """Change a user's role; it takes effect on the user's next request."""
    _require_admin_of(actor, user)
    if role not in Role.values:
        raise InvalidInput(_("未知的角色。"), field="role")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if role in SEPARATED_ROLES or locked.role in SEPARATED_ROLES:
            # Granting or taking away a separated role is the system administrator's alone.
            assert locked.unit is not None
            check_separated_role(
                actor=actor,
                unit=locked.unit,
                email=locked.email,
                phone=locked.phone,
                exclude_pk=locked.pk,
            )
        if locked.role == role:
            return locked
        old = locked.role
        locked.role = role
        locked.save(update_fields=["role"])
        audit_record(
            actor=actor,
            action="accounts.user.role",
            target=locked,
            old={"role": old},
            new={"role": role},
        )
    return locked


def end_sessions(user: User) -> int:
    """Delete every live session of ``user`` (database sessions)."""
    ended = 0
    wanted = str(user.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=2000):
        if str(session.get_decoded().get(SESSION_KEY)) == wanted:
            session.delete()
            ended += 1
    return ended


def user_disable(*, actor: Actor, user: User, reason: str = "") -> User:
    """Disable a user: every session and API token ends at once, pending links are void."""
    _require_admin_of(actor, user)
    reason = (reason or "").strip()[:2000]
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not locked.is_active:
            return locked
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        now = timezone.now()
        tokens = ApiToken.objects.filter(user=locked, revoked_at__isnull=True).update(
            revoked_at=now
        )
        sessions = end_sessions(locked)
        links = revoke_pending(actor=actor, user=locked, reason=str(_("用户已停用")))
        audit_record(
            actor=actor,
            action="accounts.user.disable",
            target=locked,
            old={"is_active": True},
            new={
                "is_active": False,
                "tokens_revoked": tokens,
                "sessions_ended": sessions,
                "links_revoked": links,
                **({"reason": reason} if reason else {}),
            },
        )
    return locked


def user_enable(*, actor: Actor, user: User) -> User:
    _require_admin_of(actor, user)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.is_active:
            return locked
        locked.is_active = True
        locked.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="accounts.user.enable",
            target=locked,
            old={"is_active": False},
            new={"is_active": True},
        )
    return locked
