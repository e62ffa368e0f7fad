"""Reads of feedback, concentrated issues, evaluations and progress reports, scoped."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.core.actors import Actor
from onex.core.crypto import keyed_hash_candidates
from onex.core.errors import InvalidInput
from onex.core.models import UnitKind
from onex.core.scoping import fetch
from onex.feedback.models import (
    Category,
    Evaluation,
    Feedback,
    FeedbackStatus,
    IssueStatus,
    ProgressReport,
    RectificationOrder,
)
from onex.pilots.models import School

CODE_PURPOSE = "feedback.follow-up-code"


def feedback_scope(*, actor: Actor) -> QuerySet[Feedback]:
    """National: all; a province: what was routed to it; anyone signed in: what they sent."""
    if actor.is_national:
        q = Q()
    elif actor.kind == UnitKind.PROVINCE:
        q = Q(province=actor.province_id)
    elif actor.user is not None:
        q = Q(submitted_by=actor.user)
    else:
        q = Q(pk__in=[])
    return Feedback.objects.filter(q).select_related("org", "school", "province", "answered_by")


def feedback_list(
    *, actor: Actor, q: str = "", category: str = "", status: str = "", overdue: bool = False
) -> QuerySet[Feedback]:
    qs = feedback_scope(actor=actor)
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(reference__iexact=q)
            | Q(text__icontains=q)
            | Q(org__name__icontains=q)
            | Q(school__name__icontains=q)
        )
    if category:
        qs = qs.filter(category=category) if category in Category.values else qs.none()
    if status:
        qs = qs.filter(status=status) if status in FeedbackStatus.values else qs.none()
    if overdue:
        qs = qs.filter(status=FeedbackStatus.SUBMITTED, due_on__lt=timezone.localdate())
    return qs.order_by("-created_at", "-pk")


def feedback_get(*, actor: Actor, pk: int) -> Feedback:
    return fetch(feedback_scope(actor=actor), pk=pk)


def feedback_follow(*, reference: str, code: str) -> Feedback | None:
    """The public follow-up: the reference and its secret code, or nothing (never say which
    was wrong)."""
    reference = (reference or "").strip().upper()[:20]
    code = (code or "").strip()[:64]
    if not reference or not code:
        return None
    row = (
        Feedback.objects.select_related("province", "answered_by")
        .filter(reference=reference)
        .first()
    )
    if row is None or row.code_hash not in keyed_hash_candidates(code, purpose=CODE_PURPOSE):
        return None
    return row


def school_by_code(code: str) -> School | None:
    """The school a submitter names by its 10-digit code (public: schools are on public lists);
    None for no code, InvalidInput for an unknown one."""
    code = (code or "").strip()[:64]
    if not code:
        return None
    school = School.objects.select_related("province").filter(code=code).first()
    if school is None:
        raise InvalidInput(_("未找到该学校标识码。"), field="school")
    return school


def may_answer(actor: Actor, feedback: Feedback) -> bool:
    """The responsible province answers; the Ministry answers what is routed to it (and may
    answer any)."""
    if actor.is_system or actor.kind == UnitKind.MINISTRY:
        return True
    return (
        actor.kind == UnitKind.PROVINCE
        and feedback.province_id is not None
        and feedback.province_id == actor.province_id
    )


# --- concentrated issues (R22) ------------------------------------------------------------------


def order_scope(*, actor: Actor) -> QuerySet[RectificationOrder]:
    """Officials (national, provinces) see every order; an org its own."""
    if actor.is_national or actor.kind == UnitKind.PROVINCE:
        q = Q()
    elif actor.kind == UnitKind.ORG:
        q = Q(org__unit=actor.unit_id)
    else:
        q = Q(pk__in=[])
    return RectificationOrder.objects.filter(q).select_related("org")


def order_list(*, actor: Actor, status: str = "", q: str = "") -> QuerySet[RectificationOrder]:
    qs = order_scope(actor=actor)
    if status:
        qs = qs.filter(status=status) if status in IssueStatus.values else qs.none()
    if q:
        qs = qs.filter(org__name__icontains=q.strip())
    return qs.order_by("deadline", "pk")


def order_get(*, actor: Actor, pk: int) -> RectificationOrder:
    return fetch(order_scope(actor=actor), pk=pk)


def concentrated_issues_overdue(
    *, today: dt.date | None = None, org_ids: list[int] | None = None
) -> list[RectificationOrder]:
    """R22, for the supervision side: rectification orders still unresolved past their deadline
    (proposals for disqualification). Read with the platform's reach; the caller scopes."""
    today = today or timezone.localdate()
    qs = RectificationOrder.objects.select_related("org").filter(
        deadline__lt=today, status__in=(IssueStatus.OPEN, IssueStatus.REPORTED)
    )
    if org_ids is not None:
        qs = qs.filter(org_id__in=org_ids)
    return list(qs.order_by("deadline", "pk"))


# --- evaluations (R21) and progress reports (R03) -----------------------------------------------


def _unit_q(actor: Actor, unit_field: str) -> Q:
    if actor.is_national:
        return Q()
    if actor.kind == UnitKind.PROVINCE:
        return Q(province=actor.province_id)
    if actor.unit is not None and actor.kind in (UnitKind.SCHOOL, UnitKind.ORG):
        return Q(**{unit_field: actor.unit.pk})
    return Q(pk__in=[])


def evaluation_list(*, actor: Actor, q: str = "", kind: str = "") -> QuerySet[Evaluation]:
    qs = Evaluation.objects.filter(_unit_q(actor, "subject")).select_related(
        "subject", "filed_by", "province"
    )
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(subject__name__icontains=q) | Q(evaluator__icontains=q) | Q(summary__icontains=q)
        )
    return qs.order_by("-created_at", "-pk")


def report_list(*, actor: Actor, q: str = "", cases_only: bool = False) -> QuerySet[ProgressReport]:
    """Progress reports; every signed-in unit of the pilot reads the typical-case library."""
    qs = ProgressReport.objects.select_related("unit", "province")
    qs = qs.exclude(typical_case="") if cases_only else qs.filter(_unit_q(actor, "unit"))
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(typical_case_title__icontains=q)
            | Q(typical_case__icontains=q)
            | Q(experience__icontains=q)
            | Q(progress__icontains=q)
            | Q(unit__name__icontains=q)
        )
    return qs.order_by("-created_at", "-pk")


def report_get(*, actor: Actor, pk: int) -> ProgressReport:
    """A report the actor may read: its own scope, or any report holding a typical case."""
    return fetch(
        ProgressReport.objects.select_related("unit", "province").filter(
            _unit_q(actor, "unit") | ~Q(typical_case="")
        ),
        pk=pk,
    )
