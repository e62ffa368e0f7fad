"""Reads of a school's specialties and their enrolment years."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch
from django.utils import timezone

from onex.pilots.models import (
    School,
    Specialty,
    SpecialtyEnrolment,
)

# --- specialties and enrolment -------------------------------------------------------------------


def specialty_list(*, school: School) -> list[Specialty]:
    """The school's specialties with their enrolment years prefetched (two queries)."""
    return list(
        Specialty.objects.filter(school=school)
        .prefetch_related(
            Prefetch("enrolments", queryset=SpecialtyEnrolment.objects.order_by("-year"))
        )
        .order_by("code")
    )


def enrolment_years(specialties: Iterable[Specialty], *, at_least: int = 3) -> list[int]:
    """Years to show as columns, newest first: every year present, at least the last three."""
    years = {e.year for s in specialties for e in s.enrolments.all()}
    newest = max(years) if years else timezone.localdate().year
    years.update(range(newest - at_least + 1, newest + 1))
    return sorted(years, reverse=True)
