"""Services for units and users: every write goes through here and is audited."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import InvalidInput
from onex.core.models import SEPARATED_ROLES, Role, Unit, UnitKind, User
from onex.geo.models import Division


def unit_create(
    *,
    actor: Actor,
    kind: str,
    name: str,
    province: Division | None = None,
    city: Division | None = None,
) -> Unit:
    actor.require(
        actor.is_system or is_system_admin(actor) or (actor.is_national and actor.is_admin)
    )
    if kind not in UnitKind.values:
        raise InvalidInput(_("未知的单位类型。"), field="kind")
    if city is not None and province is None:
        province = city.parent
    with transaction.atomic():
        unit = Unit.objects.create(kind=kind, name=name, province=province, city=city)
        audit_record(
            actor=actor, action="unit.create", target=unit, new={"kind": kind, "name": name}
        )
    return unit


def is_system_admin(actor: Actor) -> bool:
    return actor.role == Role.SYSTEM_ADMIN


def normalized_phone(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())


def check_separated_role(
    *, actor: Actor, unit: Unit, email: str, phone: str, exclude_pk: int | None = None
) -> None:
    """A separated role (系统/安全/审计管理员): granted by the system administrator (or the
    platform) only, at the Ministry only, to a person identified by e-mail and phone who holds
    no other separated-role account.

    The same person is recognized by the same e-mail address (case-insensitive) or the same
    phone number (digits only); a display name alone is not an identity (two people may share
    a name). An account without e-mail and phone cannot be tied to a person and is refused.
    """
    actor.require(
        actor.is_system or is_system_admin(actor),
        _("只有系统管理员可以设立系统、安全、审计管理员账号。"),
    )
    if unit.kind != UnitKind.MINISTRY:
        raise InvalidInput(_("系统、安全、审计管理员只能设在教育部（职成司）。"), field="unit")
    email = email.strip().lower()
    phone_digits = normalized_phone(phone)
    if not email or not phone_digits:
        raise InvalidInput(
            _("设立系统、安全、审计管理员须填写本人电子邮箱和手机号，用于确认一人只任一职。"),
            field="email" if not email else "phone",
        )
    others = User.objects.filter(role__in=sorted(SEPARATED_ROLES))
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    for other in others.only("email", "phone"):
        if other.email.strip().lower() == email or normalized_phone(other.phone) == phone_digits:
            raise InvalidInput(
                _("此人已担任系统、安全或审计管理员之一（三权分立：一人只能担任其中一种）。"),
                field="email",
            )


def user_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    unit: Unit,
    role: str = Role.STAFF,
    display_name: str = "",
    email: str = "",
    phone: str = "",
) -> User:
    actor.require(
        actor.is_system
        or is_system_admin(actor)
        or (actor.is_national and actor.is_admin)
        or (actor.is_admin and actor.unit_id == unit.pk)
    )
    if role not in Role.values:
        raise InvalidInput(_("未知的角色。"), field="role")
    if role in SEPARATED_ROLES:
        check_separated_role(actor=actor, unit=unit, email=email, phone=phone)
    if User.objects.filter(username=username).exists():
        raise InvalidInput(_("用户名已存在。"), field="username")
    candidate = User(username=username, unit=unit, role=role, display_name=display_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="password") from None
    with transaction.atomic():
        user = User.objects.create_user(
            username=username,
            password=password,
            email=email,
            unit=unit,
            role=role,
            display_name=display_name,
            phone=phone,
        )
        audit_record(
            actor=actor,
            action="user.create",
            target=user,
            new={"username": username, "unit": unit.pk, "role": role},
        )
    return user
