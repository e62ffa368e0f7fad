"""Reads of coordination bodies (R01), working-body filings and their R33 deadlines."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.policy import policy_value
from onex.core.scoping import fetch
from onex.geo.models import Division, DivisionLevel
from onex.pilots.models import (
    ProvinceCoordination,
    ReminderKind,
    School,
    SchoolReminder,
    SchoolWorkingBody,
)
from onex.pilots.selectors.applications import first_published_on_map, first_published_on_subquery
from onex.pilots.selectors.schools import school_list, school_scope

# --- R01: provincial coordination bodies ---------------------------------------------------------


def _coordination_q(actor: Actor) -> Q:
    # Orgs work across provinces and must reach each coordination body (000 一(二)); schools
    # and cities look up their own province's body.
    own = Q(province_id=actor.province_id)
    return actor.region_q(
        province="province",
        city=None,
        extra=[(UnitKind.ORG, Q()), (UnitKind.CITY, own), (UnitKind.SCHOOL, own)],
    )


def coordination_provinces(*, actor: Actor) -> QuerySet[Division]:
    """Provinces whose coordination body the actor may see (with or without a record)."""
    provinces = Division.objects.filter(level=DivisionLevel.PROVINCE)
    if actor.is_national or actor.is_kind(UnitKind.ORG):
        return provinces.order_by("code")
    if actor.province_id is None or not actor.is_kind(
        UnitKind.PROVINCE, UnitKind.CITY, UnitKind.SCHOOL
    ):
        return provinces.none()
    return provinces.filter(pk=actor.province_id)


def coordination_scope(*, actor: Actor) -> QuerySet[ProvinceCoordination]:
    if not (actor.is_national or actor.is_kind(UnitKind.ORG)) and actor.province_id is None:
        return ProvinceCoordination.objects.none()
    return ProvinceCoordination.objects.filter(_coordination_q(actor)).select_related(
        "province", "updated_by"
    )


@dataclass(frozen=True)
class CoordinationRow:
    province: Division
    coordination: ProvinceCoordination | None


def coordination_list(*, actor: Actor) -> list[CoordinationRow]:
    """Every visible province with its coordination body, None where none is named (R01)."""
    provinces = list(coordination_provinces(actor=actor))
    by_province = {c.province_id: c for c in coordination_scope(actor=actor)}
    return [CoordinationRow(p, by_province.get(p.pk)) for p in provinces]


def coordination_province(*, actor: Actor, code: str) -> Division:
    """A province by GB/T 2260 code, or NotFound outside what the actor may see."""
    return fetch(coordination_provinces(actor=actor), code=str(code).strip())


def coordination_get(*, actor: Actor, province: Division) -> ProvinceCoordination | None:
    return coordination_scope(actor=actor).filter(province=province).first()


# --- R01/R33: school working bodies, publication dates, reminders -------------------------------


def working_body_current(*, school: School) -> SchoolWorkingBody | None:
    return (
        SchoolWorkingBody.objects.filter(school=school)
        .select_related("filed_by")
        .order_by("-filed_at", "-pk")
        .first()
    )


def working_body_history(*, school: School) -> list[SchoolWorkingBody]:
    """Every filing of the school, newest first (the first one is the current filing)."""
    return list(
        SchoolWorkingBody.objects.filter(school=school)
        .select_related("filed_by")
        .order_by("-filed_at", "-pk")
    )


def school_reminders(*, school: School, limit: int = 20) -> list[SchoolReminder]:
    return list(
        SchoolReminder.objects.filter(school=school)
        .select_related("sent_by", "sent_by_unit")
        .order_by("-sent_at", "-pk")[:limit]
    )


def first_published_dates(schools: Sequence[School]) -> dict[int, dt.date]:
    """When each school's pilot first appeared on a published list (R32/R33), by school pk.

    One aggregate query for all the schools (``applications.first_published_on_map``).
    """
    if not schools:
        return {}
    return first_published_on_map(schools)


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later; the month's last day when it is shorter (Jan 31 → Feb 28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def filing_deadline(province: Division, published_on: dt.date) -> dt.date:
    """R33: the working-body filing is due the profile's number of months after the school's
    first publication (the months in force on that day)."""
    months = policy_value("r33.contact_filing_months", province=province, on=published_on)
    return add_months(published_on, int(months))


class FilingState:
    FILED = "filed"  # filed by the deadline (or before the publication)
    LATE = "late"  # filed after the deadline
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    PENDING = "pending"

    LABELS: ClassVar[dict[str, str | Promise]] = {
        FILED: gettext_lazy("已按时报备"),
        LATE: gettext_lazy("逾期后已报备"),
        OVERDUE: gettext_lazy("已逾期未报备"),
        DUE_SOON: gettext_lazy("即将到期"),
        PENDING: gettext_lazy("待报备"),
    }
    TONES: ClassVar[dict[str, str]] = {
        FILED: "success",
        LATE: "warning",
        OVERDUE: "danger",
        DUE_SOON: "warning",
        PENDING: "info",
    }
    OPEN: ClassVar[frozenset[str]] = frozenset({OVERDUE, DUE_SOON, PENDING})


@dataclass(frozen=True)
class WorkingBodyObligation:
    """R33 for one school: published on, deadline, and where its filing stands today."""

    school: School
    published_on: dt.date
    deadline: dt.date
    status: str
    filed_at: dt.datetime | None
    last_reminded_at: dt.datetime | None
    reminder_count: int
    today: dt.date

    @property
    def status_label(self) -> str:
        return str(FilingState.LABELS[self.status])

    @property
    def tone(self) -> str:
        return FilingState.TONES[self.status]

    @property
    def days_overdue(self) -> int:
        """Calendar days past the deadline (the rule counts in months, not working days)."""
        return max(0, (self.today - self.deadline).days) if self.filed_at is None else 0

    @property
    def days_left(self) -> int:
        return (self.deadline - self.today).days

    @property
    def is_open(self) -> bool:
        return self.status in FilingState.OPEN


def _annotated(schools: QuerySet[School]) -> QuerySet[School]:
    filings = SchoolWorkingBody.objects.filter(school=OuterRef("pk"))
    reminders = SchoolReminder.objects.filter(school=OuterRef("pk"), kind=ReminderKind.WORKING_BODY)
    return schools.annotate(
        first_filed_at=Subquery(filings.order_by("filed_at").values("filed_at")[:1]),
        last_reminded_at=Subquery(reminders.order_by("-sent_at").values("sent_at")[:1]),
        reminder_count=Coalesce(
            Subquery(reminders.order_by().values("school").annotate(n=Count("pk")).values("n")[:1]),
            0,
        ),
    )


def _obligations(schools: QuerySet[School], today: dt.date) -> list[WorkingBodyObligation]:
    rows = list(_annotated(schools))
    published = first_published_dates(rows)
    terms: dict[tuple[int, dt.date], tuple[dt.date, int]] = {}
    result = []
    for school in rows:
        day = published.get(school.pk)
        if day is None:
            continue
        key = (school.province_id, day)
        if key not in terms:
            # Lists come out on a few dates per province, so this is a handful of lookups.
            terms[key] = (
                filing_deadline(school.province, day),
                int(policy_value("r33.due_soon_days", province=school.province, on=today)),
            )
        deadline, soon = terms[key]
        filed_at: dt.datetime | None = school.first_filed_at  # type: ignore[attr-defined]
        if filed_at is not None:
            filed_on = timezone.localtime(filed_at).date()
            status = FilingState.FILED if filed_on <= deadline else FilingState.LATE
        elif today > deadline:
            status = FilingState.OVERDUE
        elif (deadline - today).days <= soon:
            status = FilingState.DUE_SOON
        else:
            status = FilingState.PENDING
        result.append(
            WorkingBodyObligation(
                school=school,
                published_on=day,
                deadline=deadline,
                status=status,
                filed_at=filed_at,
                last_reminded_at=school.last_reminded_at,  # type: ignore[attr-defined]
                reminder_count=school.reminder_count,  # type: ignore[attr-defined]
                today=today,
            )
        )
    return result


def working_body_obligations(
    *,
    actor: Actor,
    on: dt.date | None = None,
    status: str | None = None,
    q: str | None = None,
) -> list[WorkingBodyObligation]:
    """R33 for every published school in the actor's jurisdiction; most urgent first.

    ``status``: a ``FilingState`` value, "open" (not filed yet) or None/"all".
    """
    today = on or timezone.localdate()
    schools = school_list(actor=actor, q=q)
    rows = _obligations(schools, today)
    if status == "open":
        rows = [r for r in rows if r.is_open]
    elif status and status != "all":
        rows = [r for r in rows if r.status == status]
    order = [
        FilingState.OVERDUE,
        FilingState.DUE_SOON,
        FilingState.PENDING,
        FilingState.LATE,
        FilingState.FILED,
    ]
    rows.sort(key=lambda r: (order.index(r.status), r.deadline, r.school.name))
    return rows


def overdue_working_body_filings(
    *, actor: Actor, on: dt.date | None = None
) -> list[WorkingBodyObligation]:
    """Schools past the R33 deadline without a working-body filing: school, published date,
    deadline and ``days_overdue``, longest overdue first."""
    rows = working_body_obligations(actor=actor, on=on, status=FilingState.OVERDUE)
    rows.sort(key=lambda r: (-r.days_overdue, r.school.name))
    return rows


def overdue_working_body_count(*, actor: Actor, on: dt.date | None = None) -> int:
    """How many schools ``overdue_working_body_filings`` lists, counted in the database.

    The officials' to-do needs only the number, and building every school's obligation costs
    seconds at 10,000 schools. Unfiled schools are grouped by province and first publication
    date, a handful of groups whatever the number of schools, and each group's deadline is
    worked out once, as ``_obligations`` does per school.
    """
    today = on or timezone.localdate()
    groups = list(
        school_list(actor=actor)
        .filter(~Exists(SchoolWorkingBody.objects.filter(school=OuterRef("pk"))))
        .annotate(published_on=first_published_on_subquery())
        .filter(published_on__isnull=False)
        .order_by()
        .values("province_id", "published_on")
        .annotate(schools=Count("pk"))
    )
    provinces = Division.objects.in_bulk({group["province_id"] for group in groups})
    total = 0
    for group in groups:
        if today > filing_deadline(provinces[group["province_id"]], group["published_on"]):
            total += group["schools"]
    return total


def working_body_obligation(
    *, school: School, on: dt.date | None = None
) -> WorkingBodyObligation | None:
    """R33 for one school already fetched through the actor's scope; None if not published."""
    rows = _obligations(
        School.objects.filter(pk=school.pk).select_related("province", "city", "unit"),
        on or timezone.localdate(),
    )
    return rows[0] if rows else None


REMINDER_TODO_DAYS = 30  # reminders older than this are history, not a to-do


def working_body_todos(*, actor: Actor) -> list[dict[str, Any]]:
    """To-do items (fields of ``onex.core.registry.TodoItem``) for the R33 filing.

    A school sees its own open filing and recent reminders; a province or city the number of
    its overdue schools, and national actors the number in the whole country (a constant
    number of queries: the publication dates come from one aggregate query).
    """
    if actor.is_kind(UnitKind.SCHOOL):
        school = school_scope(actor=actor).first()
        if school is None:
            return []
        items: list[dict[str, Any]] = []
        obligation = working_body_obligation(school=school)
        if obligation is not None and obligation.is_open:
            items.append(
                {
                    "title": _("报备试点工作机构和联系人（R33）"),
                    "url": reverse("pilots:working_body_file", args=[school.pk]),
                    "deadline": obligation.deadline,
                    "tone": "danger" if obligation.status == FilingState.OVERDUE else "warning",
                    "note": _("试点名单已于 %(day)s 公布，请填报试点院校备案表（附件2）。")
                    % {"day": obligation.published_on.isoformat()},
                }
            )
        since = timezone.now() - dt.timedelta(days=REMINDER_TODO_DAYS)
        recent = list(
            SchoolReminder.objects.filter(school=school, sent_at__gte=since).order_by("-sent_at")
        )
        if recent and obligation is not None and obligation.is_open:
            items.append(
                {
                    "title": _("收到的提醒"),
                    "count": len(recent),
                    "url": reverse("pilots:school_detail", args=[school.pk]),
                    "tone": "warning",
                    "note": recent[0].message,
                }
            )
        return items
    if actor.is_national or actor.is_kind(UnitKind.PROVINCE, UnitKind.CITY):
        overdue = overdue_working_body_count(actor=actor)
        if not overdue:
            return []
        return [
            {
                "title": _("逾期未报备工作机构的试点院校"),
                "count": overdue,
                "url": reverse("pilots:working_body_list") + "?status=overdue",
                "tone": "danger",
                "note": _("名单公布后应按期报备联系人和工作机构（R33），可在列表中逐校提醒。"),
            }
        ]
    return []
