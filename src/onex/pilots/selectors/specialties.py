"""Reads of a school's specialties and their enrolment years."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from onex.core.errors import InvalidInput
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


def school_specialty(
    *, school: School, pk: int | None = None, code: str | None = None
) -> Specialty:
    """One of the school's specialties named by its ID or its code (an API client knows the code
    it recorded); refused at the ``specialty`` field when neither names one of this school's."""
    if pk is None and not code:
        raise InvalidInput(_("请填写专业 ID 或专业代码。"), field="specialty")
    qs = Specialty.objects.filter(school=school)
    if pk is not None:
        qs = qs.filter(pk=pk)
    if code:
        qs = qs.filter(code=code.strip())
    specialty = qs.first()
    if specialty is None:
        raise InvalidInput(_("请选择本校开设的专业。"), field="specialty")
    return specialty
