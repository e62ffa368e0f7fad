"""Reads of supervision: lists with filters, the R20 coverage, to-dos, the R22 frozen plans."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.assessment.models import ExamPlan, PlanStatus, Registration, RegistrationStatus
from onex.catalog.models import Certificate, Org
from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.policy import policy_value
from onex.core.registry import TodoItem, todo_url
from onex.core.scoping import fetch
from onex.pilots.models import PilotApplication, School, SchoolPilotStatus
from onex.pilots.models.applications import CONFIRMED_STATUSES
from onex.supervision.models import (
    OPEN_STATUSES,
    MonitoringPoint,
    PointStatus,
    Proceeding,
    ProceedingStatus,
    Rectification,
    RectificationStatus,
    SpotCheckItem,
    SpotCheckRound,
)
from onex.supervision.selectors.scopes import (
    item_scope,
    point_scope,
    proceeding_scope,
    rectification_scope,
    round_scope,
)
from onex.supervision.workflows import PROCEEDING, RECTIFICATION


def _today() -> dt.date:
    return timezone.localdate()


# --- monitoring points (R20) --------------------------------------------------------------------


def point_list(
    *, actor: Actor, certificate: str = "", status: str = "", q: str = ""
) -> QuerySet[MonitoringPoint]:
    qs = point_scope(actor=actor)
    if certificate:
        qs = qs.filter(certificate__code=certificate)
    if status:
        qs = qs.filter(status=status)
    if q:
        q = q.strip()
        qs = qs.filter(Q(school__name__icontains=q) | Q(certificate__name__icontains=q))
    return qs


def point_get(*, actor: Actor, pk: int) -> MonitoringPoint:
    return fetch(point_scope(actor=actor), pk=pk)


@dataclass(frozen=True)
class CoverageRow:
    certificate: Certificate
    points: int
    target: int
    pilot_schools: int

    @property
    def short(self) -> int:
        return max(self.target - self.points, 0)

    @property
    def is_short(self) -> bool:
        # "About ten": short only where fewer points exist than the target and more confirmed
        # pilot schools are available to designate.
        return self.points < self.target and self.pilot_schools > self.points

    @property
    def lacks_schools(self) -> bool:
        """Below the target with every confirmed pilot school already a point: the Ministry
        cannot designate more until more schools are confirmed (still too few, not covered)."""
        return self.points < self.target and not self.is_short

    @property
    def status(self) -> str:
        if self.is_short:
            return "short"
        return "lacks_schools" if self.lacks_schools else "covered"


def coverage(*, actor: Actor, only_short: bool = False, q: str = "") -> list[CoverageRow]:
    """R20: monitoring points per certificate against the target of the national profile."""
    actor.require(actor.is_national, _("监测点覆盖情况由教育部统筹。"))
    target = int(policy_value("r20.monitoring_points_per_certificate"))
    certificates = Certificate.objects.select_related("org", "batch")
    if q:
        q = q.strip()
        certificates = certificates.filter(Q(name__icontains=q) | Q(code__icontains=q))
    # A disqualified school's point no longer monitors anything: it does not count.
    points = dict(
        MonitoringPoint.objects.filter(
            status=PointStatus.ACTIVE, school__pilot_status=SchoolPilotStatus.ACTIVE
        )
        .values("certificate")
        .annotate(n=Count("pk"))
        .values_list("certificate", "n")
    )
    pilots = dict(
        PilotApplication.objects.filter(
            status__in=CONFIRMED_STATUSES, school__pilot_status=SchoolPilotStatus.ACTIVE
        )
        .values("certificate")
        .annotate(n=Count("school", distinct=True))
        .values_list("certificate", "n")
    )
    rows = [CoverageRow(c, points.get(c.pk, 0), target, pilots.get(c.pk, 0)) for c in certificates]
    return [r for r in rows if r.status != "covered"] if only_short else rows


def designable_schools(*, certificate: Certificate) -> QuerySet[School]:
    """Confirmed pilot schools of the certificate that are not yet its monitoring points."""
    taken = MonitoringPoint.objects.filter(
        certificate=certificate, status=PointStatus.ACTIVE
    ).values("school")
    return (
        School.objects.filter(
            pk__in=PilotApplication.objects.filter(
                certificate=certificate, status__in=CONFIRMED_STATUSES
            ).values("school"),
            pilot_status=SchoolPilotStatus.ACTIVE,
        )
        .exclude(pk__in=taken)
        .select_related("province")
        .order_by("province__code", "name")
    )


# --- spot checks (R41) --------------------------------------------------------------------------


def round_list(*, actor: Actor, status: str = "", q: str = "") -> QuerySet[SpotCheckRound]:
    qs = round_scope(actor=actor).annotate(
        n_items=Count("items", distinct=True),
        n_issues=Count("items", filter=Q(items__result="issues"), distinct=True),
    )
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(title__icontains=q.strip())
    # Explicit: a GROUP BY query ignores Meta.ordering, and pages need a stable order.
    return qs.order_by("-planned_on", "-pk")


def round_get(*, actor: Actor, pk: int) -> SpotCheckRound:
    return fetch(round_scope(actor=actor), pk=pk)


def item_get(*, actor: Actor, pk: int) -> SpotCheckItem:
    return fetch(item_scope(actor=actor), pk=pk)


def rectification_list(
    *, actor: Actor, status: str = "", overdue: bool = False, q: str = ""
) -> QuerySet[Rectification]:
    qs = rectification_scope(actor=actor)
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status=RectificationStatus.OPEN, due_on__lt=_today())
    if q:
        qs = qs.filter(school__name__icontains=q.strip())
    return qs


def rectification_get(*, actor: Actor, pk: int) -> Rectification:
    return fetch(rectification_scope(actor=actor), pk=pk)


# --- proceedings (R22, R23, R47) ----------------------------------------------------------------


def proceeding_list(
    *,
    actor: Actor,
    status: str = "",
    target_kind: str = "",
    funds_recovery: bool = False,
    q: str = "",
) -> QuerySet[Proceeding]:
    qs = proceeding_scope(actor=actor)
    if status:
        qs = qs.filter(status=status)
    if target_kind:
        qs = qs.filter(target_kind=target_kind)
    if funds_recovery:
        qs = qs.filter(funds_recovery=True, status=ProceedingStatus.DISQUALIFIED)
    if q:
        q = q.strip()
        qs = qs.filter(Q(school__name__icontains=q) | Q(org__name__icontains=q))
    return qs


def proceeding_get(*, actor: Actor, pk: int) -> Proceeding:
    return fetch(proceeding_scope(actor=actor), pk=pk)


@dataclass(frozen=True)
class FrozenPlan:
    plan: ExamPlan
    candidates: list[Registration]


def frozen_plans(org: Org) -> list[FrozenPlan]:
    """R22: a disqualified org's open exam plans, frozen, with the candidates registered."""
    plans = (
        ExamPlan.objects.filter(org=org)
        .exclude(status=PlanStatus.CLOSED)
        .select_related("certificate", "province")
        .order_by("exam_date", "pk")
    )
    return [
        FrozenPlan(
            plan,
            list(
                plan.registrations.filter(status=RegistrationStatus.REGISTERED)
                .select_related("candidate", "school")
                .order_by("ticket_number")
            ),
        )
        for plan in plans
    ]


# --- to-dos -------------------------------------------------------------------------------------


def supervision_todos(*, actor: Actor) -> list[TodoItem]:
    """Proposals to decide, answers due, rectifications due or to accept."""
    items: list[TodoItem] = []
    today = _today()
    proceedings = list(proceeding_scope(actor=actor).filter(status__in=OPEN_STATUSES))
    to_decide = [p for p in proceedings if "disqualify" in PROCEEDING.allowed_actions(p, actor)]
    if to_decide:
        items.append(
            TodoItem(
                _("待决定的取消资格提议"),
                todo_url("supervision:proceeding_list", "status=answered"),
                count=len(to_decide),
                tone="warning",
            )
        )
    to_answer = [p for p in proceedings if "answer" in PROCEEDING.allowed_actions(p, actor)]
    if to_answer:
        first = min(p.answer_due for p in to_answer)
        items.append(
            TodoItem(
                _("待提交申辩的取消资格提议"),
                todo_url("supervision:proceeding_list", "status=proposed"),
                count=len(to_answer),
                deadline=first,
                tone="danger",
            )
        )
    rectifications = list(
        rectification_scope(actor=actor).filter(
            status__in=(RectificationStatus.OPEN, RectificationStatus.SUBMITTED)
        )
    )
    to_report = [r for r in rectifications if "submit" in RECTIFICATION.allowed_actions(r, actor)]
    if to_report:
        first = min(r.due_on for r in to_report)
        items.append(
            TodoItem(
                _("待报送的整改"),
                todo_url("supervision:rectification_list", "status=open"),
                count=len(to_report),
                deadline=first,
                tone="danger" if first < today else "warning",
            )
        )
    to_accept = [r for r in rectifications if "accept" in RECTIFICATION.allowed_actions(r, actor)]
    if to_accept:
        items.append(
            TodoItem(
                _("待验收的整改"),
                todo_url("supervision:rectification_list", "status=submitted"),
                count=len(to_accept),
            )
        )
    if actor.kind in (UnitKind.PROVINCE, UnitKind.MINISTRY):
        overdue = sum(
            1 for r in rectifications if r.status == RectificationStatus.OPEN and r.due_on < today
        )
        if overdue:
            items.append(
                TodoItem(
                    _("逾期未整改"),
                    todo_url("supervision:rectification_list", "overdue=1"),
                    count=overdue,
                    tone="danger",
                )
            )
    return items
