from __future__ import annotations

from django.db.models import QuerySet

from onex.geo.models import Division, DivisionLevel


def province_list() -> QuerySet[Division]:
    return Division.objects.filter(level=DivisionLevel.PROVINCE)


def city_list(*, province: Division | None = None) -> QuerySet[Division]:
    qs = Division.objects.filter(level=DivisionLevel.CITY).select_related("parent")
    if province is not None:
        qs = qs.filter(parent=province)
    return qs


def division_by_code(code: str) -> Division:
    return Division.objects.get(code=code)
