"""Reads of teacher-training programmes and enrolments (R04, R05).

National actors see everything; a province the programmes held in it; an org its own; a
school the programmes of its province once their fee is published (never a draft) and the
enrolments of its own teachers.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.scoping import fetch
from onex.training.models import Enrolment, ProgrammeStatus, TrainingProgramme


def programme_scope(actor: Actor) -> Q:
    school_q = Q(province_id=actor.province_id) & ~Q(status=ProgrammeStatus.DRAFT)
    return actor.region_q(
        province="province", city=None, unit="org__unit", extra=[(UnitKind.SCHOOL, school_q)]
    )


def programme_jurisdiction(actor: Actor) -> QuerySet[TrainingProgramme]:
    return TrainingProgramme.objects.filter(programme_scope(actor))


def programme_list(*, actor: Actor, status: str = "", q: str = "") -> QuerySet[TrainingProgramme]:
    qs = programme_jurisdiction(actor).select_related("org", "province", "certificate")
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(org__name__icontains=q))
    return qs.annotate(fee_total=Sum("fees__amount")).order_by("-starts_on", "-pk")


def programme_get(*, actor: Actor, pk: int) -> TrainingProgramme:
    return fetch(programme_list(actor=actor), pk=pk)


def programme_fee(programme: TrainingProgramme) -> Decimal:
    total = programme.fees.aggregate(total=Sum("amount"))["total"]
    return Decimal(total or 0).quantize(Decimal("0.01"))


def industry_share(programme: TrainingProgramme) -> tuple[int, int]:
    """(trainers from industry and enterprises, all trainers) of the programme's roster."""
    trainers = list(programme.trainers.values_list("from_industry", flat=True))
    return sum(1 for t in trainers if t), len(trainers)


def enrolment_scope(actor: Actor) -> Q:
    return actor.region_q(
        province="programme__province",
        city=None,
        extra=[
            (UnitKind.ORG, Q(programme__org__unit_id=actor.unit_id)),
            (UnitKind.SCHOOL, Q(school__unit_id=actor.unit_id)),
        ],
    )


def enrolment_jurisdiction(actor: Actor) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(enrolment_scope(actor))


def enrolment_list(
    *, actor: Actor, programme: TrainingProgramme | None = None, status: str = ""
) -> QuerySet[Enrolment]:
    qs = enrolment_jurisdiction(actor).select_related("programme", "teacher", "school")
    if programme is not None:
        qs = qs.filter(programme=programme)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("programme", "enrolled_at", "pk")


def enrolment_get(*, actor: Actor, pk: int) -> Enrolment:
    return fetch(enrolment_list(actor=actor), pk=pk)
