"""Who sees what in supervision: every read goes through one of these scopes."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.supervision.models import (
    MonitoringPoint,
    Proceeding,
    Rectification,
    SpotCheckItem,
    SpotCheckRound,
)


def point_scope(*, actor: Actor) -> QuerySet[MonitoringPoint]:
    """National: all; province/city: its territory; school: its own; org: its certificates."""
    q = actor.region_q(
        unit="school__unit",
        extra=[(UnitKind.ORG, Q(certificate__org__unit=actor.unit_id))],
    )
    return MonitoringPoint.objects.filter(q).select_related(
        "certificate", "certificate__org", "school", "province", "city"
    )


def round_scope(*, actor: Actor) -> QuerySet[SpotCheckRound]:
    """Spot-check rounds are the province's work: national and the province see them."""
    if actor.is_national:
        return SpotCheckRound.objects.select_related("province")
    if actor.kind == UnitKind.PROVINCE:
        return SpotCheckRound.objects.filter(province=actor.province_id).select_related("province")
    return SpotCheckRound.objects.none()


def item_scope(*, actor: Actor) -> QuerySet[SpotCheckItem]:
    return SpotCheckItem.objects.filter(round__in=round_scope(actor=actor)).select_related(
        "round", "round__province", "school"
    )


def rectification_scope(*, actor: Actor) -> QuerySet[Rectification]:
    """National, the province, the school's city (read) and the school itself (its own)."""
    q = actor.region_q(city="school__city", unit="school__unit")
    return Rectification.objects.filter(q).select_related(
        "school", "province", "item", "item__round"
    )


def proceeding_scope(*, actor: Actor) -> QuerySet[Proceeding]:
    """National: all; province: schools in its territory; school/org: proceedings against it."""
    q = actor.region_q(
        city="school__city",
        extra=[
            (UnitKind.SCHOOL, Q(school__unit=actor.unit_id)),
            (UnitKind.ORG, Q(org__unit=actor.unit_id)),
        ],
    )
    return Proceeding.objects.filter(q).select_related("school", "org", "province")
