from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

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


def divisions_present(rows: QuerySet[Any], field: str) -> list[tuple[str, str]]:
    """(code, name) of the divisions that ``rows`` reference through ``field`` (a division
    foreign key), in code order: a list filter's options.

    Asked of the few hundred divisions, one indexed ``EXISTS`` each, rather than as a
    ``DISTINCT`` over every row of ``rows``, which grows with the table (2.5 s over 10 million
    issued certificates, 3 ms a filter over 10,000 schools).
    """
    present = Division.objects.filter(Exists(rows.order_by().filter(**{field: OuterRef("pk")})))
    return list(present.order_by("code").values_list("code", "name"))
