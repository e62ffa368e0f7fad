"""Reads of activity filings (R02): national actors, the province of the activity, the org."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.scoping import fetch
from onex.training.models import ActivityFiling, ActivityStatus


def activity_scope(actor: Actor) -> Q:
    """National actors, the province of the activity, the filing org, and the schools involved
    (one row per school in the join table, so the filter never duplicates a filing)."""
    return actor.region_q(
        province="province",
        city=None,
        unit="org__unit",
        extra=[(UnitKind.SCHOOL, Q(schools__unit_id=actor.unit_id))],
    )


def activity_jurisdiction(actor: Actor) -> QuerySet[ActivityFiling]:
    return ActivityFiling.objects.filter(activity_scope(actor))


def activity_list(
    *,
    actor: Actor,
    status: str = "",
    kind: str = "",
    late: bool | None = None,
    q: str = "",
    starts_from: dt.date | None = None,
    starts_until: dt.date | None = None,
) -> QuerySet[ActivityFiling]:
    qs = activity_jurisdiction(actor).select_related("org", "province")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if late is not None:
        qs = qs.filter(late=late)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(org__name__icontains=q) | Q(venue__icontains=q))
    if starts_from is not None:
        qs = qs.filter(ends_on__gte=starts_from)
    if starts_until is not None:
        qs = qs.filter(starts_on__lte=starts_until)
    return qs.order_by("starts_on", "pk")


def activity_get(*, actor: Actor, pk: int) -> ActivityFiling:
    return fetch(activity_list(actor=actor), pk=pk)


@dataclass(frozen=True)
class CalendarDay:
    day: dt.date | None
    activities: list[ActivityFiling]


def activity_month(*, actor: Actor, year: int, month: int) -> list[list[CalendarDay]]:
    """The month as weeks (Monday first) of days with the activities running on each day;
    cancelled activities are left out."""
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    running = list(
        activity_list(actor=actor, starts_from=first, starts_until=last).exclude(
            status=ActivityStatus.CANCELLED
        )
    )
    weeks: list[list[CalendarDay]] = []
    for week in calendar.Calendar().monthdatescalendar(year, month):
        weeks.append(
            [
                CalendarDay(
                    day if day.month == month else None,
                    [a for a in running if a.starts_on <= day <= a.ends_on]
                    if day.month == month
                    else [],
                )
                for day in week
            ]
        )
    return weeks
