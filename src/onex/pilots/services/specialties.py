"""Writes of a school's specialties and their yearly enrolment (what R26 reads)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import InvalidInput
from onex.core.models import UnitKind
from onex.pilots.models import (
    School,
    Specialty,
    SpecialtyEnrolment,
)


def can_edit_specialties(*, actor: Actor, school: School) -> bool:
    """The school itself, its province's department and national admins maintain specialties."""
    if actor.is_system:
        return True
    if not actor.can_write:
        return False
    if actor.is_national:
        return actor.is_admin
    if actor.kind == UnitKind.PROVINCE:
        return actor.province_id == school.province_id
    return actor.kind == UnitKind.SCHOOL and actor.unit_id == school.unit_id


SPECIALTY_CODE_RE = re.compile(r"^\d{4,8}[A-Z]{0,2}$")
MIN_ENROLMENT_YEAR = 1990
MAX_STUDENTS = 100_000


def clean_enrolments(enrolments: Mapping[int, int] | None) -> dict[int, int]:
    """Validate {year: students}; refuses future years (a plan is not an enrolment)."""
    result: dict[int, int] = {}
    this_year = timezone.localdate().year
    for raw_year, raw_students in (enrolments or {}).items():
        try:
            year, students = int(raw_year), int(raw_students)
        except (TypeError, ValueError):
            raise InvalidInput(_("招生年份和人数必须是整数。"), field="enrolments") from None
        if not MIN_ENROLMENT_YEAR <= year <= this_year:
            raise InvalidInput(
                _("招生年份 %(year)s 无效，应在 %(min)s 年至 %(max)s 年之间。")
                % {"year": year, "min": MIN_ENROLMENT_YEAR, "max": this_year},
                field="enrolments",
            )
        if not 0 <= students <= MAX_STUDENTS:
            raise InvalidInput(
                _("%(year)s 年招生人数 %(n)s 无效，应在 0 至 %(max)s 之间。")
                % {"year": year, "n": students, "max": MAX_STUDENTS},
                field="enrolments",
            )
        result[year] = students
    return result


def specialty_set(
    *,
    actor: Actor,
    school: School,
    code: str,
    name: str,
    enrolments: Mapping[int, int] | None = None,
) -> tuple[Specialty, bool]:
    """Create or update a specialty and set its enrolment for the given years.

    Years not mentioned are kept (a clerk enters the latest year without retyping the others).
    Returns the specialty and whether anything changed; an unchanged call writes nothing.
    """
    actor.require(can_edit_specialties(actor=actor, school=school))
    code = (code or "").strip().upper()
    name = (name or "").strip()
    if not SPECIALTY_CODE_RE.match(code):
        raise InvalidInput(
            _("专业代码“%(code)s”格式不正确，应为专业目录中的代码，如 530802。") % {"code": code},
            field="code",
        )
    if not name or len(name) > 100:
        raise InvalidInput(_("请填写专业名称（不超过 100 个字符）。"), field="name")
    years = clean_enrolments(enrolments)
    with transaction.atomic():
        specialty = Specialty.objects.select_for_update().filter(school=school, code=code).first()
        old: dict[str, Any] | None = None
        if specialty is None:
            specialty = Specialty.objects.create(school=school, code=code, name=name)
            existing: dict[int, SpecialtyEnrolment] = {}
        else:
            existing = {e.year: e for e in specialty.enrolments.select_for_update()}
            old = {
                "name": specialty.name,
                "enrolments": {y: e.students for y, e in sorted(existing.items())},
            }
            if specialty.name != name:
                specialty.name = name
                specialty.save(update_fields=["name"])
        for year, students in years.items():
            row = existing.get(year)
            if row is None:
                existing[year] = SpecialtyEnrolment.objects.create(
                    specialty=specialty, year=year, students=students
                )
            elif row.students != students:
                row.students = students
                row.save(update_fields=["students"])
        new = {
            "name": specialty.name,
            "enrolments": {y: e.students for y, e in sorted(existing.items())},
        }
        if new == old:
            return specialty, False
        audit_record(
            actor=actor,
            action="specialty.set",
            target=specialty,
            old=old,
            new={"school": school.code, "code": code, **new},
        )
    return specialty, True


def specialty_delete(*, actor: Actor, specialty: Specialty) -> None:
    school = specialty.school
    actor.require(can_edit_specialties(actor=actor, school=school))
    with transaction.atomic():
        old = {
            "school": school.code,
            "code": specialty.code,
            "name": specialty.name,
            "enrolments": {e.year: e.students for e in specialty.enrolments.all()},
        }
        audit_record(actor=actor, action="specialty.delete", target=specialty, old=old)
        specialty.delete()
