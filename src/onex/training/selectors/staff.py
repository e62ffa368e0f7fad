"""Reads of a school's teachers, workload conversion (R06), performance pay (R31) and
alliances (R07): the school its own, the province and city their schools, national all."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.scoping import fetch
from onex.training.models import (
    Alliance,
    PerformancePay,
    Teacher,
    TeacherShare,
    TrainingWorkload,
    WorkloadRatio,
)


def school_scope(actor: Actor, prefix: str = "school") -> Q:
    return actor.region_q(
        province=f"{prefix}__province", city=f"{prefix}__city", unit=f"{prefix}__unit"
    )


def teacher_list(*, actor: Actor, q: str = "") -> QuerySet[Teacher]:
    qs = Teacher.objects.filter(school_scope(actor)).select_related("school")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(department__icontains=q))
    return qs.order_by("school__name", "name", "pk")


def teacher_get(*, actor: Actor, pk: int) -> Teacher:
    return fetch(teacher_list(actor=actor), pk=pk)


def ratio_list(*, actor: Actor) -> QuerySet[WorkloadRatio]:
    return (
        WorkloadRatio.objects.filter(school_scope(actor))
        .select_related("school")
        .order_by("school__name", "-term")
    )


def ratio_for(*, school_id: int, term: str) -> WorkloadRatio | None:
    return WorkloadRatio.objects.filter(school_id=school_id, term=term).first()


@dataclass(frozen=True)
class WorkloadRow:
    """One workload entry with the school's ratio of its term applied (R06)."""

    entry: TrainingWorkload
    ratio: Decimal | None

    @property
    def converted(self) -> Decimal | None:
        if self.ratio is None:
            return None
        return (self.entry.hours * self.ratio).quantize(Decimal("0.1"))


def workload_list(*, actor: Actor, term: str = "", q: str = "") -> QuerySet[TrainingWorkload]:
    qs = TrainingWorkload.objects.filter(school_scope(actor)).select_related("teacher", "school")
    if term:
        qs = qs.filter(term=term)
    if q:
        qs = qs.filter(teacher__name__icontains=q)
    return qs.order_by("-term", "teacher__name", "pk")


def workload_rows(
    entries: QuerySet[TrainingWorkload] | list[TrainingWorkload],
) -> list[WorkloadRow]:
    """The entries with their ratios, read in one query."""
    items = list(entries)
    keys = {(e.school_id, e.term) for e in items}
    ratios: dict[tuple[int, str], Decimal] = {}
    if keys:
        query = Q()
        for school_id, term in keys:
            query |= Q(school_id=school_id, term=term)
        ratios = {(r.school_id, r.term): r.ratio for r in WorkloadRatio.objects.filter(query)}
    return [WorkloadRow(e, ratios.get((e.school_id, e.term))) for e in items]


def pay_list(*, actor: Actor, term: str = "") -> QuerySet[PerformancePay]:
    qs = PerformancePay.objects.filter(school_scope(actor)).select_related("teacher", "school")
    if term:
        qs = qs.filter(term=term)
    return qs.order_by("-term", "teacher__name", "pk")


def alliance_scope(actor: Actor) -> Q:
    # Every school sees the alliances it could join; provinces those led from their province.
    return actor.region_q(
        province="founder__province",
        city="founder__city",
        extra=[(UnitKind.SCHOOL, Q())],
    )


def alliance_jurisdiction(actor: Actor) -> QuerySet[Alliance]:
    return Alliance.objects.filter(alliance_scope(actor))


def alliance_list(*, actor: Actor, status: str = "", q: str = "") -> QuerySet[Alliance]:
    qs = alliance_jurisdiction(actor).select_related("certificate", "founder")
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(certificate__name__icontains=q))
    return qs.order_by("-created_at", "-pk")


def alliance_get(*, actor: Actor, pk: int) -> Alliance:
    return fetch(alliance_list(actor=actor), pk=pk)


def alliance_shares(alliance: Alliance) -> QuerySet[TeacherShare]:
    return alliance.shares.select_related("teacher", "teacher__school", "host_school")


def is_member(alliance: Alliance, school_id: int | None) -> bool:
    return school_id is not None and alliance.members.filter(school_id=school_id).exists()
