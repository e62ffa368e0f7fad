"""Services for units and users: every write goes through here and is audited."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import InvalidInput
from onex.core.models import Role, Unit, UnitKind, User
from onex.geo.models import Division


def unit_create(
    *,
    actor: Actor,
    kind: str,
    name: str,
    province: Division | None = None,
    city: Division | None = None,
) -> Unit:
    actor.require(actor.is_system or (actor.is_national and actor.is_admin))
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


def user_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    unit: Unit,
    role: str = Role.STAFF,
    display_name: str = "",
    email: str = "",
) -> User:
    actor.require(
        actor.is_system
        or (actor.is_national and actor.is_admin)
        or (actor.is_admin and actor.unit_id == unit.pk)
    )
    if role not in Role.values:
        raise InvalidInput(_("未知的角色。"), field="role")
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
        )
        audit_record(
            actor=actor,
            action="user.create",
            target=user,
            new={"username": username, "unit": unit.pk, "role": role},
        )
    return user
