"""Reads of pilot applications, scoped to the actor (404 outside the jurisdiction).

Other apps call:
- ``first_published_on(school)`` / ``first_published_on_map(schools)``: the date a school's first
  application was published (R33 counts from it);
- ``confirmed_pilot_exists(...)``: R44, only confirmed schools and specialties organise exams."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.catalog.models import Certificate
from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.params import id_param
from onex.core.policy import policy_entry
from onex.core.registry import TodoItem, todo_url
from onex.core.scoping import fetch
from onex.pilots.models import School, Specialty, SpecialtyEnrolment
from onex.pilots.models.applications import (
    CONFIRMED_STATUSES,
    ApplicationStatus,
    PilotApplication,
)
from onex.pilots.selectors.conditions import enrolment_years, entry_int

# --- helpers of the two functions other apps depend on --------------------------------------


def first_published_on_map(schools: Iterable[School | int]) -> dict[int, dt.date]:
    """School pk → the date its first application appeared on the public list (R33 counts from
    it), in one aggregate query whatever the number of schools; unpublished schools are absent."""
    ids = [school.pk if isinstance(school, School) else int(school) for school in schools]
    if not ids:
        return {}
    rows = _first_publications(school_id__in=ids)
    return {row["school_id"]: row["first"] for row in rows}


def first_published_on_subquery() -> Subquery:
    """``first_published_on_map`` as an expression on a school queryset (``OuterRef("pk")``),
    for counts grouped by publication date in the database."""
    return Subquery(_first_publications(school=OuterRef("pk")).values("first")[:1])


def _first_publications(**schools: Any) -> QuerySet[Any, Any]:
    """Per school (narrowed by ``schools``), the first day one of its applications was on a
    published list."""
    return (
        PilotApplication.objects.filter(
            status=ApplicationStatus.PUBLISHED, published_on__isnull=False, **schools
        )
        .order_by()
        .values("school_id")
        .annotate(first=Min("published_on"))
    )


def first_published_on(school: School) -> dt.date | None:
    """The date the school's first application appeared on the public list (R33 counts from it)."""
    return first_published_on_map([school]).get(school.pk)


def confirmed_pilot_exists(
    *,
    school: School,
    certificate: Certificate,
    level: str | None = None,
    specialty: Specialty | None = None,
) -> bool:
    """R44: whether the province confirmed the school (and specialty, level) for the certificate."""
    qs = PilotApplication.objects.filter(
        school=school, certificate=certificate, status__in=CONFIRMED_STATUSES
    )
    if specialty is not None:
        qs = qs.filter(specialty=specialty)
    if level is None:
        return qs.exists()
    # Levels are a short JSON list; JSON containment is not portable to SQLite, so compare here.
    return any(level in (levels or []) for levels in qs.values_list("levels", flat=True))


# --- selectors ------------------------------------------------------------------------------


def application_scope(*, actor: Actor) -> QuerySet[PilotApplication]:
    """Applications the actor may see: national all, a province or city its own region, a school
    its own, an org those for its certificates; learners none.

    A draft (never submitted) is the school's own work in progress: only its school sees it, in
    lists, pages, the API and exports alike. A returned application has been submitted once and
    stays in the reviewers' view.
    """
    q = actor.region_q(
        province="province",
        city="city",
        unit="school__unit",
        extra=[(UnitKind.ORG, Q(certificate__org__unit=actor.unit_id))],
    )
    qs = PilotApplication.objects.filter(q)
    if actor.kind != UnitKind.SCHOOL:
        qs = qs.exclude(status=ApplicationStatus.DRAFT)
    return qs


def with_related(qs: QuerySet[PilotApplication]) -> QuerySet[PilotApplication]:
    return qs.select_related(
        "school", "province", "city", "certificate", "certificate__batch", "specialty"
    )


def application_list(
    *,
    actor: Actor,
    q: str | None = None,
    status: str | None = None,
    certificate: int | str | None = None,
    province: str | None = None,
) -> QuerySet[PilotApplication]:
    qs = with_related(application_scope(actor=actor))
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(school__name__icontains=q)
            | Q(school__code__startswith=q)
            | Q(certificate__name__icontains=q)
            | Q(specialty__name__icontains=q)
        )
    if status:
        if status not in ApplicationStatus.values:
            return qs.none()
        qs = qs.filter(status=status)
    if certificate not in (None, ""):
        text = str(certificate).strip()
        qs = qs.filter(Q(certificate__code=text) | Q(certificate_id=id_param(text) or 0))
    if province:
        qs = qs.filter(province__code=province)
    return qs.order_by("-updated_at", "-pk")


def application_get(*, actor: Actor, pk: int | str) -> PilotApplication:
    """One application, or NotFound outside the actor's jurisdiction."""
    return fetch(with_related(application_scope(actor=actor)), pk=pk)


def applications_awaiting_review(*, actor: Actor) -> QuerySet[PilotApplication]:
    """What waits for this actor's decision: a city its first reviews, a province confirmations."""
    if actor.kind == UnitKind.CITY:
        status = ApplicationStatus.CITY_REVIEW
    elif actor.kind == UnitKind.PROVINCE:
        status = ApplicationStatus.SUBMITTED
    else:
        return PilotApplication.objects.none()
    return with_related(application_scope(actor=actor)).filter(status=status)


def applications_returned(*, actor: Actor) -> QuerySet[PilotApplication]:
    """A school's applications sent back for changes."""
    if actor.kind != UnitKind.SCHOOL:
        return PilotApplication.objects.none()
    return with_related(application_scope(actor=actor)).filter(status=ApplicationStatus.RETURNED)


def public_pilot_list(
    *,
    province: str | None = None,
    certificate: str | None = None,
    q: str | None = None,
) -> QuerySet[PilotApplication]:
    """The public list of published pilots (R32): no login, so no personal data leaves here."""
    qs = with_related(PilotApplication.objects.filter(status=ApplicationStatus.PUBLISHED))
    if province:
        qs = qs.filter(province__code=province)
    if certificate:
        qs = qs.filter(certificate__code=certificate)
    if q:
        q = q.strip()
        qs = qs.filter(Q(school__name__icontains=q) | Q(certificate__name__icontains=q))
    return qs.order_by("province__code", "certificate__code", "school__name", "pk")


def public_filter_options() -> dict[str, list[tuple[str, str]]]:
    published = PilotApplication.objects.filter(status=ApplicationStatus.PUBLISHED)
    provinces = (
        published.order_by("province__code")
        .values_list("province__code", "province__name")
        .distinct()
    )
    certificates = (
        published.order_by("certificate__code")
        .values_list("certificate__code", "certificate__name")
        .distinct()
    )
    return {"provinces": list(provinces), "certificates": list(certificates)}


def enrolment_prefill(*, specialty: Specialty, on: dt.date | None = None) -> dict[str, int]:
    """The specialty's recorded enrolment for the years R26 looks at (profile's year count)."""
    on = on or timezone.localdate()
    count = entry_int(
        policy_entry("r26.consecutive_enrolment_years", province=specialty.school.province, on=on)
    )
    years = enrolment_years(on=on, count=count)
    rows = SpecialtyEnrolment.objects.filter(specialty=specialty, year__in=years)
    found = {row.year: row.students for row in rows}
    return {str(year): found.get(year, 0) for year in years}


def application_missing_fields(application: PilotApplication) -> list[str]:
    """Labels of the parts still empty; a submission needs them all."""
    checks = {
        _("培训团队人数"): application.team_size > 0,
        _("试点工作方案"): bool(application.work_plan.strip()),
        _("计划学生数"): application.planned_students > 0,
        _("联系人"): bool(application.contact_name.strip()),
        _("联系电话"): bool(application.contact_phone.strip()),
        _("培训等级"): bool(application.levels),
    }
    return [label for label, ok in checks.items() if not ok]


# --- to-do items for the dashboard ------------------------------------------------------------


def application_todos(*, actor: Actor) -> list[TodoItem]:
    """Dashboard to-dos: reviews awaiting a city or province, returned applications of a school."""
    items: list[TodoItem] = []
    if not actor.can_write:
        return items
    awaiting = applications_awaiting_review(actor=actor).count()
    if awaiting:
        status = (
            ApplicationStatus.CITY_REVIEW
            if actor.kind == UnitKind.CITY
            else ApplicationStatus.SUBMITTED
        )
        items.append(
            TodoItem(
                title=_("待市级初审的试点申请")
                if actor.kind == UnitKind.CITY
                else _("待省级确认的试点申请"),
                count=awaiting,
                url=todo_url("pilots:application_list", f"status={status}"),
                tone="warning",
            )
        )
    returned = applications_returned(actor=actor).count()
    if returned:
        items.append(
            TodoItem(
                title=_("已退回待修改的试点申请"),
                count=returned,
                url=todo_url("pilots:application_list", f"status={ApplicationStatus.RETURNED}"),
                tone="danger",
                note=_("请按退回原因修改后重新提交。"),
            )
        )
    return items
