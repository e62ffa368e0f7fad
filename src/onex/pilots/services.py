"""Writes of schools: every transition here, checked against the rules and audited."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import InvalidInput, RuleViolation
from onex.core.models import Unit, UnitKind
from onex.geo.models import Division, DivisionLevel
from onex.pilots.models import School, SchoolType

# The Ministry's school identification code (学校标识码) has exactly ten digits.
SCHOOL_CODE_RE = re.compile(r"^\d{10}$")

# R25: eligible school types (001 二, 003 三.1, 004 二). Technical schools (技工学校) are run
# under the human-resources ministry and are explicitly excluded from the pilot.
ELIGIBLE_SCHOOL_TYPES = frozenset(SchoolType.values) - {SchoolType.TECHNICAL}


def can_register_school(*, actor: Actor, province: Division | None) -> bool:
    """National admins register anywhere; a province's admin registers in its province."""
    if actor.is_system:
        return True
    if not actor.can_write or not actor.is_admin:
        return False
    if actor.is_national:
        return True
    return (
        actor.kind == UnitKind.PROVINCE
        and province is not None
        and actor.province_id == province.pk
    )


def school_register(
    *,
    actor: Actor,
    name: str,
    code: str,
    school_type: str,
    city: Division,
) -> School:
    """Create a school and the unit it acts as, in one transaction.

    The unit is created here rather than through ``accounts.unit_create`` because that service
    is reserved to national admins, while a province admin may register its own schools; both
    rows must exist together or not at all.
    """
    province = city.parent if city.level == DivisionLevel.CITY else None
    actor.require(can_register_school(actor=actor, province=province))
    if province is None:
        raise InvalidInput(_("请选择地级行政区（城市）。"), field="city")
    name = (name or "").strip()
    code = (code or "").strip()
    if not name:
        raise InvalidInput(_("请填写学校名称。"), field="name")
    if school_type not in SchoolType.values:
        raise InvalidInput(_("未知的学校类型。"), field="school_type")
    if school_type not in ELIGIBLE_SCHOOL_TYPES:  # R25
        raise RuleViolation(
            "R25",
            _(
                "技工学校不在试点范围内：试点院校为高等职业学校、中等职业学校（不含技工学校）、"
                "本科层次职业教育试点学校、应用型本科高校及国家开放大学。"
            ),
            field="school_type",
        )
    if not SCHOOL_CODE_RE.match(code):
        raise InvalidInput(_("学校标识码应为 10 位数字。"), field="code")
    with transaction.atomic():
        if School.objects.select_for_update().filter(code=code).exists():
            raise InvalidInput(_("该学校标识码已登记。"), field="code")
        unit = Unit.objects.create(kind=UnitKind.SCHOOL, name=name, province=province, city=city)
        audit_record(
            actor=actor,
            action="unit.create",
            target=unit,
            new={"kind": UnitKind.SCHOOL, "name": name},
        )
        school = School.objects.create(
            unit=unit,
            name=name,
            code=code,
            school_type=school_type,
            province=province,
            city=city,
        )
        audit_record(
            actor=actor,
            action="school.register",
            target=school,
            new={
                "name": name,
                "code": code,
                "school_type": school_type,
                "province": province.code,
                "city": city.code,
            },
        )
    return school
