"""Who may administer which unit and create which kind of unit: the whole decision, here only.

The hierarchy of account administration follows the pilot's lines of authority:

- the national account administrator (today: the platform itself, or an administrator of a
  national unit; at merge the 系统管理员 role) creates provinces, orgs (with the catalogue's org
  record) and the national aggregator, and administers every unit's users;
- a province's administrator creates its cities and its schools (with the pilots' school
  record);
- a city's, an org's, a school's administrator manages only its own unit's users;
- every unit's administrator manages its own unit's users; viewers and staff manage nothing.

Who *sees* a unit (404 outside) is ``unit_scope``; who may *act* on a visible unit (403 else)
is ``may_administer``. Services and views call these functions and nothing else.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from onex.core.actors import Actor
from onex.core.models import Role, Unit, UnitKind
from onex.geo.models import Division

# The kinds each kind of unit creates directly below itself.
CHILD_KINDS: dict[str, tuple[str, ...]] = {
    UnitKind.PROVINCE: (UnitKind.CITY, UnitKind.SCHOOL),
}
NATIONAL_CHILD_KINDS: tuple[str, ...] = (UnitKind.PROVINCE, UnitKind.ORG, UnitKind.AGGREGATOR)


def national_account_admin(actor: Actor) -> bool:
    """The national level of account administration.

    The platform itself, the 系统管理员 (accounts and units, no business data), or an
    administrator of a national unit, whose units are the ones directly below it.
    """
    return (
        actor.is_system or actor.role == Role.SYSTEM_ADMIN or (actor.is_national and actor.is_admin)
    )


def require_account_write(actor: Actor) -> None:
    """403 for viewers; the 系统管理员 writes accounts and units though it writes no business
    data (``Actor.can_write`` is about business data)."""
    actor.require(actor.can_write or actor.role == Role.SYSTEM_ADMIN, _("查看者角色不能修改数据。"))


def unit_scope(actor: Actor) -> Q:
    """The units whose accounts the actor sees (as a filter on ``Unit``).

    National account administrators and national units see every unit; a province its own
    department, its cities and its schools; a city itself and the schools of its city; any
    other unit only itself. Anonymous actors see nothing.
    """
    if actor.is_system or (actor.user is not None and actor.user.is_superuser):
        return Q()
    if actor.role == Role.SYSTEM_ADMIN:
        return Q()
    if actor.unit is None:
        return Q(pk__in=[])
    if actor.is_national:
        return Q()
    if actor.kind == UnitKind.PROVINCE:
        return Q(pk=actor.unit.pk) | Q(
            kind__in=[UnitKind.CITY, UnitKind.SCHOOL], province_id=actor.province_id
        )
    if actor.kind == UnitKind.CITY:
        return Q(pk=actor.unit.pk) | Q(kind=UnitKind.SCHOOL, city_id=actor.city_id)
    return Q(pk=actor.unit.pk)


def may_administer(actor: Actor, unit: Unit) -> bool:
    """Whether the actor manages ``unit``'s users (invite, role, disable, reset, import)."""
    if national_account_admin(actor):
        return True
    return actor.is_admin and actor.unit_id is not None and actor.unit_id == unit.pk


def creatable_kinds(actor: Actor) -> tuple[str, ...]:
    """The kinds of unit the actor creates directly below itself (with a first admin)."""
    if national_account_admin(actor):
        return NATIONAL_CHILD_KINDS
    if not actor.is_admin or actor.kind is None:
        return ()
    return CHILD_KINDS.get(actor.kind, ())


def may_create(actor: Actor, kind: str, *, province: Division | None = None) -> bool:
    """Whether the actor may create a unit of ``kind`` (in ``province`` for regional kinds)."""
    if kind not in creatable_kinds(actor):
        return False
    if national_account_admin(actor):
        return True
    # A province creates only inside its own province.
    return province is not None and province.pk == actor.province_id


def may_issue_claim_codes(actor: Actor, school_unit: Unit) -> bool:
    """A school's administrators and staff hand out claim codes to its own students (the
    students' names and ID numbers are business data: no separated administrator)."""
    return (
        actor.kind == UnitKind.SCHOOL and actor.unit_id == school_unit.pk and actor.can_write
    ) or actor.is_system
