"""Reads of schools, scoped to the actor, and the school a school actor acts for."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.params import id_param
from onex.core.scoping import fetch
from onex.geo.models import Division
from onex.geo.selectors import divisions_present
from onex.pilots.models import (
    School,
    SchoolType,
)


def _division_q(field: str, value: Division | str | int) -> Q:
    # Filters arrive as a Division, a 6-digit GB/T 2260 code (pages, API) or a primary key.
    if isinstance(value, Division):
        return Q(**{field: value.pk})
    text = str(value).strip()
    if len(text) == 6 and text.isascii() and text.isdigit():
        return Q(**{f"{field}__code": text})
    # Anything else ("null", "abc", a number past the largest key) matches nothing.
    return Q(**{f"{field}_id": id_param(text) or 0})


def school_scope(*, actor: Actor) -> QuerySet[School]:
    """Every school the actor may see: national all, a province its own, a city its city's,
    a school itself; orgs and learners see none until they have a relation to schools."""
    return School.objects.filter(
        actor.region_q(province="province", city="city", unit="unit")
    ).select_related("province", "city", "unit")


def school_list(
    *,
    actor: Actor,
    q: str | None = None,
    province: Division | str | int | None = None,
    city: Division | str | int | None = None,
    school_type: str | None = None,
) -> QuerySet[School]:
    qs = school_scope(actor=actor)
    if q:
        q = q.strip()
        qs = qs.filter(Q(name__icontains=q) | Q(code__startswith=q))
    if province not in (None, ""):
        assert province is not None
        qs = qs.filter(_division_q("province", province))
    if city not in (None, ""):
        assert city is not None
        qs = qs.filter(_division_q("city", city))
    if school_type:
        if school_type not in SchoolType.values:
            return qs.none()
        qs = qs.filter(school_type=school_type)
    return qs.order_by("province__code", "city__code", "name", "pk")


def school_get(*, actor: Actor, pk: int | str) -> School:
    """One school, or NotFound when it does not exist or lies outside the jurisdiction."""
    return fetch(school_scope(actor=actor), pk=pk)


def school_filter_options(*, actor: Actor) -> dict[str, list[tuple[str, str]]]:
    """Provinces and cities that occur among the actor's schools, for the list filters."""
    scope = school_scope(actor=actor)
    return {
        "provinces": divisions_present(scope, "province_id"),
        "cities": divisions_present(scope, "city_id"),
        "types": [(value, str(label)) for value, label in SchoolType.choices],
    }


def school_of(actor: Actor) -> School | None:
    """The school a school actor acts for (None for every other kind)."""
    if actor.kind != UnitKind.SCHOOL or actor.unit_id is None:
        return None
    return School.objects.select_related("province", "city").filter(unit_id=actor.unit_id).first()
