"""Reads of the credit bank, every one scoped to the actor (outsiders get 404 through
``core.scoping.fetch``).

Who sees what:
- the national credit bank (unit kind ``creditbank``) and national actors: everything;
- a learner: their own account, its outcomes and requests; every active conversion rule;
- a school: accounts of people with an outcome or a request at the school, its rules and the
  requests made to it;
- an org: its certificates' plans and the requests that convert them;
- a province: the requests to and rules of its schools.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from onex.catalog.models import LEVEL_ORDER, Certificate, CertificateLevel, Level, Org
from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.params import id_param
from onex.core.policy import policy_value
from onex.core.scoping import fetch
from onex.creditbank.models import (
    ConversionEvent,
    ConversionExemption,
    ConversionRequest,
    ConversionRule,
    CreditPlan,
    CreditPlanEvent,
    LearningAccount,
    LearningOutcome,
    OutcomeEvent,
    OutcomeStatus,
    PlanReminder,
    PlanStatus,
    RequestStatus,
)
from onex.pilots.selectors.coordination import add_months

R16_MONTHS = "r16.credit_plan_months"

NONE = Q(pk__in=[])


def _uid(actor: Actor) -> int:
    # 0 never matches a row: an actor without a unit owns nothing.
    return actor.unit_id or 0


def sees_all(actor: Actor) -> bool:
    return actor.is_national or actor.kind == UnitKind.CREDITBANK


# --- accounts and outcomes ------------------------------------------------------------------------


def account_scope(*, actor: Actor) -> QuerySet[LearningAccount]:
    qs = LearningAccount.objects.select_related("learner_unit")
    if sees_all(actor):
        return qs
    if actor.kind == UnitKind.LEARNER:
        return qs.filter(learner_unit_id=_uid(actor))
    if actor.kind == UnitKind.SCHOOL:
        ids = LearningOutcome.objects.filter(
            Q(school__unit_id=_uid(actor)) | Q(issued_certificate__school__unit_id=_uid(actor))
        ).values("account_id")
        requested = ConversionRequest.objects.filter(school__unit_id=_uid(actor)).values(
            "account_id"
        )
        return qs.filter(Q(pk__in=ids) | Q(pk__in=requested))
    return qs.filter(NONE)


def account_list(*, actor: Actor, q: str | None = None) -> QuerySet[LearningAccount]:
    qs = account_scope(actor=actor)
    if q:
        qs = qs.filter(holder_name__icontains=q.strip())
    return qs.order_by("holder_name", "pk")


def account_get(*, actor: Actor, pk: int | str) -> LearningAccount:
    return fetch(account_scope(actor=actor), pk=pk)


def account_of(actor: Actor) -> LearningAccount | None:
    """The learner's own account (None until one is opened or claimed)."""
    if actor.kind != UnitKind.LEARNER or actor.unit_id is None:
        return None
    return LearningAccount.objects.filter(learner_unit_id=_uid(actor)).first()


def outcome_scope(*, actor: Actor) -> QuerySet[LearningOutcome]:
    qs = LearningOutcome.objects.select_related(
        "account", "certificate", "issued_certificate", "school", "credit_plan"
    )
    if sees_all(actor):
        return qs
    if actor.kind == UnitKind.LEARNER:
        return qs.filter(account__learner_unit_id=_uid(actor))
    if actor.kind == UnitKind.SCHOOL:
        return qs.filter(account__in=account_scope(actor=actor))
    return qs.filter(NONE)


def outcome_get(*, actor: Actor, pk: int | str) -> LearningOutcome:
    return fetch(outcome_scope(actor=actor), pk=pk)


def outcome_timeline(outcome: LearningOutcome) -> list[OutcomeEvent]:
    return list(outcome.events.select_related("user", "unit").order_by("at", "pk"))


@dataclass(frozen=True)
class AccountSummary:
    outcomes: int
    certificates: int
    courses: int
    credits: Decimal  # active outcomes' credits
    suspended_credits: Decimal
    exempted_credits: Decimal  # recognised exemptions whose certificate outcome is active
    exemptions: int


def account_summary(account: LearningAccount) -> AccountSummary:
    outcomes = account.outcomes.all()
    active = outcomes.filter(status=OutcomeStatus.ACTIVE).aggregate(s=Sum("credits"))["s"]
    suspended = outcomes.filter(status=OutcomeStatus.SUSPENDED).aggregate(s=Sum("credits"))["s"]
    exemptions = ConversionExemption.objects.filter(
        account=account, request__outcome__status=OutcomeStatus.ACTIVE
    )
    return AccountSummary(
        outcomes=outcomes.count(),
        certificates=outcomes.filter(kind="certificate").count(),
        courses=outcomes.filter(kind="course").count(),
        credits=active or Decimal("0"),
        suspended_credits=suspended or Decimal("0"),
        exempted_credits=exemptions.aggregate(s=Sum("credits"))["s"] or Decimal("0"),
        exemptions=exemptions.count(),
    )


def account_exemptions(account: LearningAccount) -> QuerySet[ConversionExemption]:
    return ConversionExemption.objects.filter(account=account).select_related(
        "request__outcome", "specialty"
    )


# --- credit recording plans (R16) -----------------------------------------------------------------


def plan_scope(*, actor: Actor) -> QuerySet[CreditPlan]:
    qs = CreditPlan.objects.select_related("certificate", "certificate__batch", "org")
    if sees_all(actor):
        return qs
    if actor.kind == UnitKind.ORG:
        return qs.filter(org__unit_id=_uid(actor))
    return qs.filter(NONE)


def plan_list(
    *, actor: Actor, q: str | None = None, status: str | None = None
) -> QuerySet[CreditPlan]:
    qs = plan_scope(actor=actor)
    if q:
        qs = qs.filter(certificate__name__icontains=q.strip())
    if status:
        if status not in PlanStatus.values:
            return qs.none()
        qs = qs.filter(status=status)
    return qs.order_by("-updated_at", "-pk")


def plan_get(*, actor: Actor, pk: int | str) -> CreditPlan:
    return fetch(plan_scope(actor=actor), pk=pk)


def plan_timeline(plan: CreditPlan) -> list[CreditPlanEvent]:
    return list(plan.events.select_related("user", "unit").order_by("at", "pk"))


def plan_due_on(certificate: Certificate) -> dt.date:
    """R16: the certificate's publication (its batch's) plus the profile's months."""
    months = int(policy_value(R16_MONTHS, batch_number=certificate.batch.number))
    return add_months(certificate.batch.published_on, months)


def approved_plan(certificate_id: int, level: str, on: dt.date) -> CreditPlan | None:
    """The approved plan in force on ``on`` for a certificate and level (effective-dated)."""
    return (
        CreditPlan.objects.filter(
            certificate_id=certificate_id,
            level=level,
            status=PlanStatus.APPROVED,
            effective_from__lte=on,
        )
        .order_by("-effective_from")
        .first()
    )


@dataclass(frozen=True)
class OverduePlan:
    certificate: Certificate
    level: str
    org: Org
    due_on: dt.date
    plan: CreditPlan | None  # a draft or returned plan not (re)submitted yet
    reminders: int

    @property
    def level_label(self) -> str:
        return str(Level(self.level).label)


def overdue_plans(*, actor: Actor, today: dt.date | None = None) -> list[OverduePlan]:
    """R16: certificate levels whose plan is not submitted (nor approved) by the due date."""
    today = today or timezone.localdate()
    levels = CertificateLevel.objects.select_related(
        "certificate", "certificate__batch", "certificate__org"
    ).order_by("certificate__batch__number", "certificate__code")
    if actor.kind == UnitKind.ORG:
        levels = levels.filter(certificate__org__unit_id=_uid(actor))
    elif not sees_all(actor):
        return []
    plans = {
        (p.certificate_id, p.level): p
        for p in CreditPlan.objects.filter(certificate_id__in=levels.values("certificate_id"))
    }
    reminders: dict[tuple[int, str], int] = {
        (cid, level): n
        for cid, level, n in PlanReminder.objects.values("certificate_id", "level")
        .annotate(n=Count("pk"))
        .values_list("certificate_id", "level", "n")
    }
    result: list[OverduePlan] = []
    # The due date depends on the batch only: one profile lookup per batch (a handful), not
    # one per certificate (hundreds at national scale).
    due_by_batch: dict[int, dt.date] = {}
    for cl in levels:
        if cl.certificate.batch_id not in due_by_batch:
            due_by_batch[cl.certificate.batch_id] = plan_due_on(cl.certificate)
        due = due_by_batch[cl.certificate.batch_id]
        if due >= today:
            continue
        plan = plans.get((cl.certificate_id, cl.level))
        if plan is not None and plan.status in (PlanStatus.SUBMITTED, PlanStatus.APPROVED):
            continue
        result.append(
            OverduePlan(
                certificate=cl.certificate,
                level=cl.level,
                org=cl.certificate.org,
                due_on=due,
                plan=plan,
                reminders=reminders.get((cl.certificate_id, cl.level), 0),
            )
        )
    result.sort(key=lambda o: (o.due_on, o.certificate.code, LEVEL_ORDER.index(o.level)))
    return result


# --- conversion rules and requests (R37) ----------------------------------------------------------


def rule_scope(*, actor: Actor) -> QuerySet[ConversionRule]:
    qs = ConversionRule.objects.select_related("school", "specialty", "certificate")
    if sees_all(actor):
        return qs
    if actor.kind == UnitKind.SCHOOL:
        return qs.filter(school__unit_id=_uid(actor))
    if actor.kind == UnitKind.PROVINCE:
        return qs.filter(school__province_id=actor.province_id or 0)
    if actor.kind == UnitKind.LEARNER:
        return qs.filter(active=True)
    if actor.kind == UnitKind.ORG:
        return qs.filter(certificate__org__unit_id=_uid(actor))
    return qs.filter(NONE)


def rule_list(
    *, actor: Actor, q: str | None = None, certificate: str | None = None
) -> QuerySet[ConversionRule]:
    qs = rule_scope(actor=actor)
    if q:
        term = q.strip()
        qs = qs.filter(
            Q(course_name__icontains=term)
            | Q(specialty__name__icontains=term)
            | Q(school__name__icontains=term)
        )
    if certificate:
        pk = id_param(certificate)
        qs = qs.filter(certificate_id=pk) if pk else qs.none()
    return qs.order_by("school__name", "specialty__code", "certificate__code", "level", "pk")


def rule_get(*, actor: Actor, pk: int | str) -> ConversionRule:
    return fetch(rule_scope(actor=actor), pk=pk)


def rules_for(*, specialty_id: int, certificate_id: int, level: str) -> QuerySet[ConversionRule]:
    return ConversionRule.objects.filter(
        specialty_id=specialty_id, certificate_id=certificate_id, level=level, active=True
    ).order_by("course_name")


def request_scope(*, actor: Actor) -> QuerySet[ConversionRequest]:
    qs = ConversionRequest.objects.select_related(
        "account",
        "outcome",
        "outcome__certificate",
        "school",
        "school__province",
        "specialty",
        "org",
    )
    if sees_all(actor):
        return qs
    if actor.kind == UnitKind.LEARNER:
        return qs.filter(account__learner_unit_id=_uid(actor))
    if actor.kind == UnitKind.SCHOOL:
        return qs.filter(school__unit_id=_uid(actor))
    if actor.kind == UnitKind.ORG:
        return qs.filter(org__unit_id=_uid(actor))
    if actor.kind == UnitKind.PROVINCE:
        return qs.filter(school__province_id=actor.province_id or 0)
    return qs.filter(NONE)


def request_list(
    *, actor: Actor, q: str | None = None, status: str | None = None
) -> QuerySet[ConversionRequest]:
    qs = request_scope(actor=actor)
    if q:
        term = q.strip()
        qs = qs.filter(Q(account__holder_name__icontains=term) | Q(outcome__title__icontains=term))
    if status:
        if status not in RequestStatus.values:
            return qs.none()
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def request_get(*, actor: Actor, pk: int | str) -> ConversionRequest:
    return fetch(request_scope(actor=actor), pk=pk)


def request_timeline(request: ConversionRequest) -> list[ConversionEvent]:
    return list(request.events.select_related("user", "unit").order_by("at", "pk"))


# --- reports --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportRow:
    key: str
    label: str
    requests: int
    recognised: int
    credits: Decimal


def conversion_report(*, actor: Actor, by: str) -> list[ReportRow]:
    """Conversion requests and recognised credits per certificate, school or province."""
    fields = {
        "certificate": ("outcome__certificate_id", "outcome__certificate__name"),
        "school": ("school_id", "school__name"),
        "province": ("school__province__code", "school__province__name"),
    }
    key, label = fields.get(by, fields["certificate"])
    rows = (
        request_scope(actor=actor)
        .exclude(status=RequestStatus.WITHDRAWN)
        .values(key, label)
        .annotate(
            requests=Count("pk"),
            recognised=Count("pk", filter=Q(status=RequestStatus.RECOGNISED)),
            credits=Sum("recognised_credits", filter=Q(status=RequestStatus.RECOGNISED)),
        )
        .order_by("-requests", label)
    )
    return [
        ReportRow(
            key=str(r[key]),
            label=str(r[label]),
            requests=r["requests"],
            recognised=r["recognised"],
            credits=r["credits"] or Decimal("0"),
        )
        for r in rows
    ]
