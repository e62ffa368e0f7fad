"""Writes of schools: registration (R25) and profile edits, checked and audited."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from onex.catalog.services.schools import require_eligible_school_type, school_type_is_eligible
from onex.core import registry
from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.core.errors import InvalidInput, RuleViolation
from onex.core.models import Unit, UnitKind
from onex.geo.models import Division, DivisionLevel
from onex.pilots.models import (
    School,
    SchoolPilotStatus,
    SchoolType,
)

# The Ministry's school identification code (学校标识码) has exactly ten digits.
SCHOOL_CODE_RE = re.compile(r"^\d{10}$")

# R25 is decided by catalog's require_eligible_school_type alone; this set only lists the
# eligible choices for forms and templates.
ELIGIBLE_SCHOOL_TYPES = frozenset(t for t in SchoolType.values if school_type_is_eligible(t))

#: Emitted (``onex.core.registry.emit``) with ``(before, after)`` Obligations INSIDE the
#: transaction that changes a school's weekly-report obligation (its pilot dates or its city),
#: so that a downstream summary (reporting's compliance tally) commits or rolls back with it.
SCHOOL_OBLIGATION_CHANGED = "pilots.school.obligation_changed"


@dataclass(frozen=True)
class Obligation:
    """What a school owes in weekly reports (R23, R41): where it counts and which weeks (those
    starting on or after ``since`` and before ``until``; none while ``since`` is None)."""

    unit_id: int
    province_id: int
    city_id: int
    since: dt.date | None
    until: dt.date | None


def obligation_of(school: School) -> Obligation:
    return Obligation(
        school.unit_id, school.province_id, school.city_id, school.pilot_since, school.pilot_until
    )


def obligation_changed(before: Obligation, after: Obligation) -> None:
    """Tell the listeners (inside the caller's transaction) when the obligation changed."""
    if before != after:
        registry.emit(SCHOOL_OBLIGATION_CHANGED, (before, after))


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
    _check_school_type(school_type)
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


# --- school data, specialties and enrolment -------------------------------------------------------


def _school_dict(school: School) -> dict[str, Any]:
    return {
        "name": school.name,
        "code": school.code,
        "school_type": school.school_type,
        "province": school.province.code,
        "city": school.city.code,
    }


def _check_school_type(school_type: str) -> None:
    if school_type not in SchoolType.values:
        raise InvalidInput(_("未知的学校类型。"), field="school_type")
    require_eligible_school_type(school_type)  # R25


def school_update(
    *,
    actor: Actor,
    school: School,
    name: str | None = None,
    school_type: str | None = None,
    city: Division | None = None,
) -> bool:
    """Correct a school's name, type or city within its province; True if anything changed.

    A move to another province is a new registration there, not an edit: the province that
    admitted the school keeps its records.
    """
    actor.require(can_register_school(actor=actor, province=school.province))
    with transaction.atomic():
        school = (
            School.objects.select_for_update().select_related("province", "city").get(pk=school.pk)
        )
        old = _school_dict(school)
        before = obligation_of(school)
        if name is not None:
            name = name.strip()
            if not name:
                raise InvalidInput(_("请填写学校名称。"), field="name")
            school.name = name
        if school_type is not None:
            _check_school_type(school_type)
            school.school_type = school_type
        if city is not None:
            if city.level != DivisionLevel.CITY or city.parent_id != school.province_id:
                raise InvalidInput(_("城市必须是本校所在省份的地级行政区。"), field="city")
            school.city = city
        new = _school_dict(school)
        if new == old:
            return False
        school.save()
        obligation_changed(before, obligation_of(school))
        Unit.objects.filter(pk=school.unit_id).update(name=school.name, city=school.city)
        audit_record(actor=actor, action="school.update", target=school, old=old, new=new)
    return True


# --- pilot status (R23, R47): the supervision app decides, every school activity checks ---------


def require_school_in_pilot(school: School) -> None:
    """Refuse a disqualified school's pilot activity (students, applications, sites) (R23).

    Reads the status from the database: the caller's copy of the school may predate the decision.
    """
    status, on = School.objects.values_list("pilot_status", "pilot_status_on").get(pk=school.pk)
    school.pilot_status, school.pilot_status_on = status, on
    if status != SchoolPilotStatus.ACTIVE:
        raise RuleViolation(
            "R23",
            _("“%(school)s”已于 %(date)s 被取消试点资格，不能开展此项试点活动。")
            % {"school": school.name, "date": school.pilot_status_on or "—"},
            details={"school": school.pk, "pilot_status": school.pilot_status},
        )


def school_set_pilot_status(
    *, actor: Actor, school: School, status: str, on: dt.date, reason: str
) -> School:
    """Record a disqualification or a reinstatement decided elsewhere (supervision), audited.

    Only the Ministry, the school's province or the platform may change it; the deciding
    proceeding is named in ``reason``.
    """
    actor.require(
        actor.is_system
        or actor.is_national
        or (actor.kind == UnitKind.PROVINCE and actor.province_id == school.province_id)
    )
    actor.require_write()
    if status not in SchoolPilotStatus.values:
        raise InvalidInput(_("未知的试点状态。"), field="status")
    with transaction.atomic():
        locked = School.objects.select_for_update().get(pk=school.pk)
        old = {"pilot_status": locked.pilot_status, "pilot_status_on": locked.pilot_status_on}
        before = obligation_of(locked)
        locked.pilot_status = status
        locked.pilot_status_on = on
        # Weekly-report obligations (R23, R41) follow the pilot period: a disqualification ends
        # it on the decision day, a reinstatement reopens it.
        if status == SchoolPilotStatus.ACTIVE:
            locked.pilot_until = None
        elif locked.pilot_since is not None and on > locked.pilot_since:
            locked.pilot_until = on
        locked.save(update_fields=["pilot_status", "pilot_status_on", "pilot_until"])
        obligation_changed(before, obligation_of(locked))
        audit_record(
            actor=actor,
            action="pilots.school.pilot_status",
            target=locked,
            old=old,
            new={"pilot_status": status, "pilot_status_on": on, "reason": reason},
        )
    school.pilot_status, school.pilot_status_on = locked.pilot_status, locked.pilot_status_on
    return locked
