"""Reads of the reporting app: reports in the actor's scope, and the compliance figures.

Compliance is computed the way DHIS2 computes reporting rates: for every unit that owes a
report (a pilot school while it is one; an org towards each province where its certificates
have pilot schools) and every period of the range that has ended, one *expected* report; the
*actual* ones are those submitted (late ones included), the *on-time* ones those submitted by
their deadline. Reporting rate = actual / expected, on-time rate = on time / expected.

Each level (nation, province, city, unit) is one aggregate SQL query: the owing units are a
derived table (``filers``), joined with the calendar table of periods and left-joined with the
submitted reports on the ``report_join`` index. No loop over schools or weeks in Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from onex.catalog.models import Certificate, Org
from onex.core.actors import Actor
from onex.core.models import Unit, UnitKind
from onex.core.policy import policy_value
from onex.core.scoping import fetch
from onex.geo.models import Division
from onex.pilots.models import PilotApplication, School
from onex.pilots.models.applications import CONFIRMED_STATUSES
from onex.reporting.models import (
    Alarm,
    AlarmStatus,
    Period,
    Reminder,
    Report,
    ReportKind,
    ReportVersion,
    WeeklyComplianceTally,
)

LEVELS = ("nation", "province", "city", "unit")
ZERO = Decimal("0")


# --- reports -------------------------------------------------------------------------------------


def report_scope(*, actor: Actor) -> QuerySet[Report]:
    """Reports the actor may see: its own (school, org), its city's, its province's, or all."""
    return Report.objects.filter(actor.region_q(province="province", city="city", unit="unit"))


def report_list(
    *,
    actor: Actor,
    kind: str | None = None,
    province: str | None = None,
    city: str | None = None,
    q: str | None = None,
    late: bool | None = None,
) -> QuerySet[Report]:
    reports = report_scope(actor=actor).select_related("unit", "province", "city")
    if kind:
        reports = reports.filter(kind=kind)
    if province:
        reports = reports.filter(province__code=province)
    if city:
        reports = reports.filter(city__code=city)
    if q:
        reports = reports.filter(Q(unit__name__icontains=q) | Q(period_label__icontains=q))
    if late is not None:
        reports = reports.filter(is_late=late)
    return reports.order_by("-period_start", "unit__name", "pk")


def report_get(*, actor: Actor, pk: int) -> Report:
    return fetch(report_scope(actor=actor).select_related("unit", "province", "city"), pk=pk)


def report_versions(*, report: Report) -> list[ReportVersion]:
    return list(report.versions.select_related("submitted_by").order_by("-version"))


def period_for(*, kind: str, on: dt.date) -> Period | None:
    """The period of ``kind`` containing ``on``."""
    return Period.objects.filter(kind=kind, first_day__lte=on, last_day__gte=on).first()


def period_get(*, kind: str, start: dt.date) -> Period | None:
    return Period.objects.filter(kind=kind, first_day=start).first()


def recent_periods(*, kind: str, on: dt.date, count: int) -> list[Period]:
    """The ``count`` latest periods of ``kind`` that have started by ``on``, newest first."""
    return list(Period.objects.filter(kind=kind, first_day__lte=on).order_by("-first_day")[:count])


# --- deadlines ---------------------------------------------------------------------------------


def due_at_for(*, kind: str, period: Period, province: Division | None) -> dt.datetime:
    """When a report of ``kind`` for ``period`` is due, by the province's profile (R41)."""
    on = period.first_day
    hour = min(int(policy_value("r41.due_hour", province=province, on=on)), 23)
    if kind == ReportKind.WEEKLY:
        day = int(policy_value("r41.weekly_due_day", province=province, on=on))
        due = period.first_day + dt.timedelta(days=max(day, 1) - 1)
    elif kind == ReportKind.MONTHLY:
        day = int(policy_value("r41.monthly_due_day", province=province, on=on))
        nxt = period.last_day + dt.timedelta(days=1)
        due = nxt.replace(day=min(max(day, 1), 28))
    else:
        days = int(policy_value("r41.half_year_due_days", province=province, on=on))
        due = period.last_day + dt.timedelta(days=days)
    tz = timezone.get_default_timezone()
    return dt.datetime.combine(due, dt.time(hour, 0), tzinfo=tz)


# --- who owes which report -----------------------------------------------------------------------


def filers_sql(kind: str) -> str:
    """The units that owe ``kind`` reports, with where and since when (a derived table).

    Columns: unit_id, province_id, city_id, school_id, since, until (until exclusive, may be
    NULL). A school owes weekly reports and half-year summaries from ``pilot_since`` until
    ``pilot_until``; an org owes each province where its certificates have pilot schools a
    monthly report and a half-year summary, from the first of those schools' pilot dates.
    """
    school = School._meta.db_table
    schools = (
        f"SELECT s.unit_id AS unit_id, s.province_id AS province_id, s.city_id AS city_id, "  # noqa: S608 - table names and constants; values are parameters
        f"s.id AS school_id, s.pilot_since AS since, s.pilot_until AS until "
        f"FROM {school} s WHERE s.pilot_since IS NOT NULL"
    )
    statuses = ", ".join(f"'{status}'" for status in CONFIRMED_STATUSES)
    orgs = (
        "SELECT o.unit_id AS unit_id, s.province_id AS province_id, "  # noqa: S608 - see above
        "CAST(NULL AS BIGINT) AS city_id, "
        f"CAST(NULL AS BIGINT) AS school_id, MIN(s.pilot_since) AS since, "
        f"CAST(NULL AS DATE) AS until "
        f"FROM {PilotApplication._meta.db_table} a "
        f"JOIN {Certificate._meta.db_table} c ON c.id = a.certificate_id "
        f"JOIN {Org._meta.db_table} o ON o.id = c.org_id "
        f"JOIN {school} s ON s.id = a.school_id "
        f"WHERE a.status IN ({statuses}) AND s.pilot_since IS NOT NULL "
        f"GROUP BY o.unit_id, s.province_id"
    )
    if kind == ReportKind.WEEKLY:
        return schools
    if kind == ReportKind.MONTHLY:
        return orgs
    return f"{schools} UNION ALL {orgs}"


@dataclass(frozen=True)
class Scope:
    """Which owing units a query covers: the actor's jurisdiction narrowed by the filters."""

    province_id: int | None = None
    city_id: int | None = None
    unit_id: int | None = None
    school_ids: tuple[int, ...] | None = None
    nothing: bool = False

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if self.nothing:
            return " AND 1 = 0", []
        if self.province_id is not None:
            clauses.append("f.province_id = %s")
            params.append(self.province_id)
        if self.city_id is not None:
            clauses.append("f.city_id = %s")
            params.append(self.city_id)
        if self.unit_id is not None:
            clauses.append("f.unit_id = %s")
            params.append(self.unit_id)
        if self.school_ids is not None:
            if not self.school_ids:
                return " AND 1 = 0", []
            clauses.append(f"f.school_id IN ({', '.join(['%s'] * len(self.school_ids))})")
            params.extend(self.school_ids)
        return "".join(f" AND {c}" for c in clauses), params


def actor_scope(*, actor: Actor, province: str | None = None, city: str | None = None) -> Scope:
    """The actor's jurisdiction as a ``Scope``, narrowed by province/city codes (filters).

    A filter outside the jurisdiction yields nothing, never someone else's figures.
    """
    province_id = _division_id(province)
    city_id = _division_id(city)
    if (province and province_id is None) or (city and city_id is None):
        return Scope(nothing=True)
    if actor.is_national:
        return Scope(province_id=province_id, city_id=city_id)
    kind = actor.kind
    if kind == UnitKind.PROVINCE:
        if province_id is not None and province_id != actor.province_id:
            return Scope(nothing=True)
        return Scope(province_id=actor.province_id, city_id=city_id)
    if kind == UnitKind.CITY:
        if (province_id is not None and province_id != actor.province_id) or (
            city_id is not None and city_id != actor.city_id
        ):
            return Scope(nothing=True)
        return Scope(province_id=actor.province_id, city_id=actor.city_id)
    if kind in (UnitKind.SCHOOL, UnitKind.ORG) and actor.unit_id is not None:
        return Scope(province_id=province_id, city_id=city_id, unit_id=actor.unit_id)
    return Scope(nothing=True)


def _division_id(code: str | None) -> int | None:
    if not code:
        return None
    return Division.objects.filter(code=code[:12]).values_list("pk", flat=True).first()


# --- compliance ----------------------------------------------------------------------------------


def rate(part: int, whole: int) -> Decimal | None:
    """``part / whole`` as a percentage with one decimal (None when nothing was expected)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class ComplianceRow:
    key: int | None  # division id (province, city), unit id, or None for the nation
    name: str
    code: str
    expected: int
    actual: int
    on_time: int
    school_id: int | None = None
    province_name: str = ""
    city_name: str = ""

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


_GROUP: dict[str, tuple[str, ...]] = {
    "nation": (),
    "province": ("f.province_id",),
    "city": ("f.city_id",),
    "unit": ("f.unit_id", "f.school_id", "f.province_id", "f.city_id"),
}


def _compliance_sql(
    kind: str, level: str, scope: Scope, start: dt.date, end: dt.date, as_of: dt.date
) -> tuple[str, list[Any]]:
    """One statement, two set-based halves summed per group: the *expected* half joins the
    owing units with the calendar of periods; the *actual* half scans the submitted reports of
    the range once and joins them to the owing units (no per-period lookup of a report)."""
    columns = _GROUP[level]
    # The derived table is written out twice rather than as a CTE: inlined, the databases
    # flatten it and join the schools by their unit index (a CTE used twice is materialized).
    filers = filers_sql(kind)
    where, where_params = scope.where()
    if level == "city":
        where += " AND f.city_id IS NOT NULL"
    inner = "".join(f"{c} AS g{i}, " for i, c in enumerate(columns))
    inner_group = f" GROUP BY {', '.join(columns)}" if columns else ""
    outer = "".join(f"g{i}, " for i in range(len(columns)))
    outer_group = f" GROUP BY {', '.join(f'g{i}' for i in range(len(columns)))}" if columns else ""
    sql = (
        f"SELECT {outer}SUM(e) AS expected, SUM(a) AS actual, SUM(o) AS on_time FROM ("  # noqa: S608 - table names and constants; values are parameters
        f"SELECT {inner}COUNT(*) AS e, 0 AS a, 0 AS o FROM ({filers}) f "
        f"JOIN {Period._meta.db_table} p ON p.kind = %s AND p.first_day >= %s "
        f"AND p.last_day <= %s AND p.last_day < %s AND p.first_day >= f.since "
        f"AND (f.until IS NULL OR p.first_day < f.until) "
        f"WHERE 1 = 1{where}{inner_group} "
        f"UNION ALL "
        f"SELECT {inner}0, COUNT(*), "
        f"SUM(CASE WHEN r.submitted_at <= r.due_at THEN 1 ELSE 0 END) "
        f"FROM {Report._meta.db_table} r "
        f"JOIN ({filers}) f ON f.unit_id = r.unit_id AND f.province_id = r.province_id "
        f"WHERE r.kind = %s AND r.submitted_at IS NOT NULL AND r.period_start >= %s "
        f"AND r.period_end <= %s AND r.period_end < %s AND r.period_start >= f.since "
        f"AND (f.until IS NULL OR r.period_start < f.until){where}{inner_group}"
        f") x{outer_group}"
    )
    dates = [start, end, as_of]
    return sql, [kind, *dates, *where_params, kind, *dates, *where_params]


def compliance(
    *,
    kind: str,
    level: str,
    scope: Scope,
    start: dt.date,
    end: dt.date,
    as_of: dt.date | None = None,
) -> list[ComplianceRow]:
    """Expected, actual and on-time reports per ``level`` for periods within [start, end].

    A period counts once it has ended (before ``as_of``, today by default); a unit is expected
    for a period that starts on or after the day it began to owe reports and before it stopped.
    """
    if level not in LEVELS or kind not in ReportKind.values:
        raise ValueError(f"{kind}/{level}")
    as_of = as_of or timezone.localdate()
    sql, params = _compliance_sql(kind, level, scope, start, end, as_of)
    if level == "unit":
        sql = (
            f"SELECT y.*, u.name FROM ({sql}) y "  # noqa: S608 - table names; values are parameters
            f"JOIN {Unit._meta.db_table} u ON u.id = y.g0"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        raw = cursor.fetchall()
    return _named_rows(level, raw)


def compliance_summary(
    *,
    level: str,
    scope: Scope,
    start: dt.date,
    end: dt.date,
    as_of: dt.date | None = None,
) -> list[ComplianceRow]:
    """``compliance(kind=WEEKLY, …)`` at nation, province or city level, read from the weekly
    summary (``WeeklyComplianceTally``) instead of schools × weeks × reports: the same rows,
    at a cost that follows weeks × cities, never the number of schools or reports (P4).

    The scope may narrow to a province or a city, not to units (those read the reports).
    """
    if level not in ("nation", "province", "city"):
        raise ValueError(level)
    if scope.unit_id is not None or scope.school_ids is not None:
        raise ValueError("unit scopes read the reports: use compliance()")
    as_of = as_of or timezone.localdate()
    # The bounds on period_start repeat those on period_end (a period starts before it ends) so
    # that the index on period_start reads the year's weeks, not every later one.
    clauses = [
        "t.period_start >= %s",
        "t.period_start <= %s",
        "t.period_start < %s",
        "t.period_end <= %s",
        "t.period_end < %s",
    ]
    params: list[Any] = [start, end, as_of, end, as_of]
    if scope.nothing:
        clauses.append("1 = 0")
    if scope.province_id is not None:
        clauses.append("t.province_id = %s")
        params.append(scope.province_id)
    if scope.city_id is not None:
        clauses.append("t.city_id = %s")
        params.append(scope.city_id)
    column = {"nation": "", "province": "t.province_id", "city": "t.city_id"}[level]
    sums = "SUM(t.expected), SUM(t.filed), SUM(t.on_time)"
    sql = (
        f"SELECT {column + ', ' if column else ''}{sums} "  # noqa: S608 - table name and constants; values are parameters
        f"FROM {WeeklyComplianceTally._meta.db_table} t WHERE {' AND '.join(clauses)}"
    )
    if column:
        # A group the selector would not list (nothing expected, nothing filed) stays out.
        sql += f" GROUP BY {column} HAVING SUM(t.expected) <> 0 OR SUM(t.filed) <> 0"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        raw = cursor.fetchall()
    return _named_rows(level, raw)


def compliance_rows(
    *, kind: str, level: str, scope: Scope, start: dt.date, end: dt.date
) -> list[ComplianceRow]:
    """The compliance page's and API's rows: weekly figures for whole jurisdictions (nation,
    provinces, cities, with no unit in the scope) come from the weekly summary, at a cost that
    does not grow with schools or reports; units and monthly reports read the reports."""
    if (
        kind == ReportKind.WEEKLY
        and level != "unit"
        and scope.unit_id is None
        and scope.school_ids is None
    ):
        return compliance_summary(level=level, scope=scope, start=start, end=end)
    return compliance(kind=kind, level=level, scope=scope, start=start, end=end)


def compliance_search(rows: list[ComplianceRow], q: str) -> list[ComplianceRow]:
    """Rows whose name (unit, city or province) contains ``q``; all rows when ``q`` is empty."""
    q = q.strip()
    return [r for r in rows if q in r.name] if q else rows


def _named_rows(level: str, raw: Sequence[Sequence[Any]]) -> list[ComplianceRow]:
    if level == "nation":
        expected, actual, on_time = raw[0] if raw else (0, 0, 0)
        return [
            ComplianceRow(None, "", "", int(expected or 0), int(actual or 0), int(on_time or 0))
        ]
    if level in ("province", "city"):
        ids = [row[0] for row in raw]
        divisions = {d.pk: d for d in Division.objects.filter(pk__in=ids)}
        rows = [
            ComplianceRow(
                key,
                divisions[key].name if key in divisions else "",
                divisions[key].code if key in divisions else "",
                int(expected),
                int(actual),
                int(on_time),
            )
            for key, expected, actual, on_time in raw
        ]
        return sorted(rows, key=lambda r: r.code)
    # Unit rows carry the unit's name from the query itself (no 10,000-id IN list).
    names: dict[int, str] = dict(
        Division.objects.filter(
            pk__in={row[2] for row in raw} | {row[3] for row in raw if row[3] is not None}
        ).values_list("pk", "name")
    )
    rows = [
        ComplianceRow(
            unit_id,
            unit_name,
            "",
            int(expected),
            int(actual),
            int(on_time),
            school_id=school_id,
            province_name=names.get(province_id, ""),
            city_name=names.get(city_id, "") if city_id is not None else "",
        )
        for unit_id, school_id, province_id, city_id, expected, actual, on_time, unit_name in raw
    ]
    return sorted(rows, key=lambda r: (r.province_name, r.city_name, r.name))


def school_reporting_rates(
    *, school_ids: Iterable[int], start: dt.date, end: dt.date
) -> dict[int, Decimal]:
    """Each school's weekly reporting rate (actual / expected, 0–1) over [start, end].

    For the supervision app (evaluation), through the core registry the lead wires. Schools
    that owed no report in the range are absent from the answer.
    """
    scope = Scope(school_ids=tuple(sorted(set(school_ids))))
    rows = compliance(kind=ReportKind.WEEKLY, level="unit", scope=scope, start=start, end=end)
    return {
        row.school_id: (Decimal(row.actual) / Decimal(row.expected)).quantize(Decimal("0.0001"))
        for row in rows
        if row.school_id is not None and row.expected
    }


# --- late and missing reports --------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    """One expected report that is missing or was filed late."""

    unit_id: int
    unit_name: str
    school_id: int | None
    province_name: str
    city_name: str
    period_start: dt.date
    period_label: str
    report_id: int | None
    submitted_at: dt.datetime | None
    due_at: dt.datetime | None

    @property
    def is_missing(self) -> bool:
        return self.report_id is None


def gaps(
    *,
    kind: str,
    scope: Scope,
    start: dt.date,
    end: dt.date,
    which: str = "",
    as_of: dt.date | None = None,
    limit: int | None = None,
    offset: int = 0,
    q: str = "",
) -> tuple[int, list[Gap]]:
    """Expected reports of ``kind`` that are missing (``which="missing"``), late (``"late"``)
    or either, in the same join as ``compliance``; returns (total, one page). ``q`` narrows to
    units whose name contains it."""
    as_of = as_of or timezone.localdate()
    where, where_params = scope.where()
    q = q.strip()
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where += " AND u.name LIKE %s ESCAPE '\\'"
        where_params = [*where_params, f"%{escaped}%"]
    if which == "missing":
        cond = "r.id IS NULL"
    elif which == "late":
        cond = "r.id IS NOT NULL AND r.submitted_at > r.due_at"
    else:
        cond = "(r.id IS NULL OR r.submitted_at > r.due_at)"
    base = (
        f"FROM ({filers_sql(kind)}) f "
        f"JOIN {Period._meta.db_table} p ON p.kind = %s AND p.first_day >= %s AND p.last_day <= %s "
        f"AND p.last_day < %s AND p.first_day >= f.since "
        f"AND (f.until IS NULL OR p.first_day < f.until) "
        f"LEFT JOIN {Report._meta.db_table} r ON r.kind = p.kind AND r.unit_id = f.unit_id "
        f"AND r.province_id = f.province_id AND r.period_start = p.first_day "
        f"AND r.submitted_at IS NOT NULL "
        f"JOIN {Unit._meta.db_table} u ON u.id = f.unit_id "
        f"WHERE {cond}{where}"
    )
    params = [kind, start, end, as_of, *where_params]
    page = ""
    if limit is not None:
        page = f" LIMIT {int(limit)} OFFSET {int(offset)}"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) {base}", params)
        total = int(cursor.fetchone()[0])
        cursor.execute(
            f"SELECT f.unit_id, u.name, f.school_id, f.province_id, f.city_id, p.first_day, "
            f"p.label, r.id, r.submitted_at, r.due_at {base} "
            f"ORDER BY p.first_day DESC, u.name, f.unit_id{page}",
            params,
        )
        raw = cursor.fetchall()
    names = dict(
        Division.objects.filter(
            pk__in={row[3] for row in raw} | {row[4] for row in raw if row[4] is not None}
        ).values_list("pk", "name")
    )
    return total, [
        Gap(
            unit_id=row[0],
            unit_name=row[1],
            school_id=row[2],
            province_name=names.get(row[3], ""),
            city_name=names.get(row[4], "") if row[4] is not None else "",
            period_start=_as_date(row[5]),
            period_label=row[6],
            report_id=row[7],
            submitted_at=_as_datetime(row[8]),
            due_at=_as_datetime(row[9]),
        )
        for row in raw
    ]


def owing_units(*, kind: str, period: Period, province_id: int | None = None) -> list[Any]:
    """Units that owe ``kind`` for ``period`` and have not submitted it: (unit_id, province_id,
    school_id). The reminders read this; the same filers as the compliance figures."""
    scope = Scope(province_id=province_id)
    where, where_params = scope.where()
    sql = (
        f"SELECT f.unit_id, f.province_id, f.school_id FROM ({filers_sql(kind)}) f "  # noqa: S608 - table names and constants; values are parameters
        f"LEFT JOIN {Report._meta.db_table} r ON r.kind = %s AND r.unit_id = f.unit_id "
        f"AND r.province_id = f.province_id AND r.period_start = %s "
        f"AND r.submitted_at IS NOT NULL "
        f"WHERE r.id IS NULL AND f.since <= %s AND (f.until IS NULL OR f.until > %s){where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [kind, period.first_day, period.first_day, period.first_day, *where_params]
        )
        return list(cursor.fetchall())


def owes(*, kind: str, unit_id: int, province_id: int, period: Period) -> bool:
    """Whether this unit owes ``kind`` to this province for ``period`` (R41)."""
    scope = Scope(province_id=province_id, unit_id=unit_id)
    where, where_params = scope.where()
    sql = (
        f"SELECT COUNT(*) FROM ({filers_sql(kind)}) f "  # noqa: S608 - table names and constants; values are parameters
        f"WHERE f.since <= %s AND (f.until IS NULL OR f.until > %s){where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [period.first_day, period.first_day, *where_params])
        return bool(cursor.fetchone()[0])


def owed_provinces(*, kind: str, unit_id: int) -> list[Division]:
    """The provinces this unit owes ``kind`` reports to (one for a school)."""
    sql = f"SELECT DISTINCT f.province_id FROM ({filers_sql(kind)}) f WHERE f.unit_id = %s"  # noqa: S608 - table names and constants; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [unit_id])
        ids = [row[0] for row in cursor.fetchall()]
    return list(Division.objects.filter(pk__in=ids).order_by("code"))


# --- missed-week streaks (R23/R47) ---------------------------------------------------------------


def missed_streaks(
    *,
    province_id: int,
    last_due_start: dt.date,
    late_counts_as_missed: bool,
    school_ids: Sequence[int] | None = None,
) -> list[tuple[int, int, dt.date | None]]:
    """Per pilot school of the province: (school_id, consecutive missed weeks, first missed week).

    The streak counts the expected weeks whose deadline has passed (weeks starting on or before
    ``last_due_start``) after the school's last filed week; with ``late_counts_as_missed``
    (Hubei's "不按时填报", R47) only reports filed on time break it. One grouped query.
    """
    scope = Scope(province_id=province_id, school_ids=tuple(school_ids) if school_ids else None)
    where, where_params = scope.where()
    on_time = " AND r.submitted_at <= r.due_at" if late_counts_as_missed else ""
    sql = (
        "SELECT f.school_id, COUNT(p.id), MIN(p.first_day) "  # noqa: S608 - see filers_sql
        f"FROM ({filers_sql(ReportKind.WEEKLY)}) f "
        f"LEFT JOIN (SELECT r.unit_id, MAX(r.period_start) AS last_ok "
        f"FROM {Report._meta.db_table} r WHERE r.kind = %s AND r.province_id = %s "
        f"AND r.submitted_at IS NOT NULL{on_time} GROUP BY r.unit_id) k ON k.unit_id = f.unit_id "
        f"LEFT JOIN {Period._meta.db_table} p ON p.kind = %s AND p.first_day <= %s "
        f"AND p.first_day >= f.since AND (f.until IS NULL OR p.first_day < f.until) "
        f"AND (k.last_ok IS NULL OR p.first_day > k.last_ok) "
        f"WHERE f.since <= %s AND (f.until IS NULL OR f.until > %s){where} "
        f"GROUP BY f.school_id"
    )
    params = [
        ReportKind.WEEKLY,
        province_id,
        ReportKind.WEEKLY,
        last_due_start,
        last_due_start,
        last_due_start,
        *where_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            (row[0], int(row[1]), _as_date(row[2]) if row[2] is not None else None)
            for row in cursor.fetchall()
        ]


# --- reminders -----------------------------------------------------------------------------------


def pending_reminders(*, actor: Actor, now: dt.datetime) -> list[Reminder]:
    """The actor's unit's reminders whose report is not submitted yet and not past due."""
    if actor.unit_id is None:
        return []
    reminders = list(
        Reminder.objects.filter(unit_id=actor.unit_id, due_at__gt=now)
        .select_related("province")
        .order_by("due_at")
    )
    filed = set(
        Report.objects.filter(
            unit_id=actor.unit_id,
            submitted_at__isnull=False,
            period_start__in=[r.period_start for r in reminders],
        ).values_list("kind", "province_id", "period_start")
    )
    return [r for r in reminders if (r.kind, r.province_id, r.period_start) not in filed]


# --- alarms --------------------------------------------------------------------------------------


def alarm_scope(*, actor: Actor) -> QuerySet[Alarm]:
    return Alarm.objects.filter(actor.region_q(province="province", city="city"))


def alarm_list(
    *,
    actor: Actor,
    status: str | None = AlarmStatus.OPEN,
    province: str | None = None,
    city: str | None = None,
    q: str | None = None,
) -> QuerySet[Alarm]:
    alarms = alarm_scope(actor=actor).select_related("school", "province", "city")
    if status:
        alarms = alarms.filter(status=status)
    if province:
        alarms = alarms.filter(province__code=province)
    if city:
        alarms = alarms.filter(city__code=city)
    if q:
        alarms = alarms.filter(school__name__icontains=q)
    return alarms.order_by("-missed_weeks", "province__code", "city__code", "school__name")


# --- helpers -------------------------------------------------------------------------------------


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _as_datetime(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        if isinstance(value, dt.datetime) and timezone.is_naive(value):
            return timezone.make_aware(value, dt.timezone.utc)
        return value
    parsed = dt.datetime.fromisoformat(str(value))
    return timezone.make_aware(parsed, dt.timezone.utc) if timezone.is_naive(parsed) else parsed


def province_options(*, actor: Actor) -> list[tuple[str, str]]:
    provinces = Division.objects.filter(level="province")
    if not actor.is_national:
        provinces = provinces.filter(pk=actor.province_id or 0)
    return list(provinces.order_by("code").values_list("code", "name"))


def city_options(*, actor: Actor, province: str | None = None) -> list[tuple[str, str]]:
    cities = Division.objects.filter(level="city")
    if actor.kind == UnitKind.CITY:
        cities = cities.filter(pk=actor.city_id or 0)
    elif not actor.is_national:
        cities = cities.filter(parent_id=actor.province_id)
    elif province:
        cities = cities.filter(parent__code=province)
    else:
        return []
    return list(cities.order_by("code").values_list("code", "name"))
