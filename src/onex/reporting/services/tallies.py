"""Keep the weekly-compliance summary (``reporting.models.tallies``) current.

Each change is one upsert statement (``INSERT … SELECT … ON CONFLICT … DO UPDATE SET x = x +
excluded.x``, the same SQL on PostgreSQL and SQLite), run inside the writer's transaction:

- a weekly report's first submission adds one filed (and on-time) report to its week's cell
  when its school owed that week (``tally_report_filed``);
- a school's obligation changing (pilot dates, city: ``pilots`` emits
  ``SCHOOL_OBLIGATION_CHANGED`` inside its transaction) takes the school's old contribution
  out and puts the new one in (``tally_obligation_changed``): its weeks and its filed reports,
  at most the calendar's weeks, whatever the other schools;
- new weeks in the calendar add the pilot schools that owe them (``tally_weeks_added``).

``tally_rebuild`` recomputes the table from schools, periods and reports (the generator, the
migration and ``manage.py reporting_tally_rebuild``); the tests check both ways agree and that
the summary gives the compliance selector's figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction

from onex.core.actors import Actor
from onex.core.audit import audit_record
from onex.pilots.models import School
from onex.pilots.services.schools import Obligation
from onex.reporting.models import Period, Report, ReportKind, WeeklyComplianceTally

COUNTS = ("expected", "filed", "on_time")
KEY = ("period_start", "period_end", "province_id", "city_id")
_CHUNK = 500


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _upsert(select: str, params: Sequence[Any]) -> None:
    """Add the rows ``select`` yields (KEY then COUNTS columns) to the summary."""
    table = _q(WeeklyComplianceTally._meta.db_table)
    add = ", ".join(f"{_q(c)} = {table}.{_q(c)} + excluded.{_q(c)}" for c in COUNTS)
    sql = (
        f"INSERT INTO {table} ({', '.join(_q(c) for c in (*KEY, *COUNTS))}) {select} "
        f"ON CONFLICT ({', '.join(_q(c) for c in KEY)}) DO UPDATE SET {add}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))


def _on_time_sql(alias: str) -> str:
    return f"CASE WHEN {alias}.submitted_at <= {alias}.due_at THEN 1 ELSE 0 END"


def tally_report_filed(report: Report) -> None:
    """Count a weekly report's first submission (inside the submitting transaction).

    The school's row is locked first: a pilot-period change committing meanwhile has either
    counted this report already (it committed before) or waits and sees it afterwards.
    """
    if report.kind != ReportKind.WEEKLY or report.submitted_at is None:
        return
    schools = list(
        School.objects.select_for_update()
        .filter(
            unit_id=report.unit_id,
            province_id=report.province_id,
            pilot_since__isnull=False,
            pilot_since__lte=report.period_start,
        )
        .values_list("province_id", "city_id", "pilot_until")
    )
    on_time = 1 if report.submitted_at <= report.due_at else 0
    for province_id, city_id, until in schools:
        if until is not None and report.period_start >= until:
            continue
        _upsert(
            "SELECT %s, %s, %s, %s, 0, 1, %s WHERE 1 = 1",
            [report.period_start, report.period_end, province_id, city_id, on_time],
        )


def _school_select(obligation: Obligation, sign: int) -> tuple[str, list[Any]]:
    """One school's cells under ``obligation``, times ``sign``: its expected weeks and its
    filed reports of those weeks (the compliance selector's two halves for one filer)."""
    period, report = _q(Period._meta.db_table), _q(Report._meta.db_table)
    until_p = " AND p.first_day < %s" if obligation.until else ""
    until_r = " AND r.period_start < %s" if obligation.until else ""
    tail = [obligation.until] if obligation.until else []
    sql = (
        f"SELECT x.ps, x.pe, %s, %s, %s * SUM(x.e), %s * SUM(x.f), %s * SUM(x.o) FROM ("  # noqa: S608 - names from the models; values are parameters
        f"SELECT p.first_day AS ps, p.last_day AS pe, 1 AS e, 0 AS f, 0 AS o FROM {period} p "
        f"WHERE p.kind = %s AND p.first_day >= %s{until_p} "
        f"UNION ALL "
        f"SELECT r.period_start, r.period_end, 0, 1, {_on_time_sql('r')} FROM {report} r "
        f"WHERE r.kind = %s AND r.unit_id = %s AND r.province_id = %s "
        f"AND r.submitted_at IS NOT NULL AND r.period_start >= %s{until_r}"
        f") x WHERE 1 = 1 GROUP BY x.ps, x.pe"
    )
    params = [
        obligation.province_id,
        obligation.city_id,
        sign,
        sign,
        sign,
        ReportKind.WEEKLY,
        obligation.since,
        *tail,
        ReportKind.WEEKLY,
        obligation.unit_id,
        obligation.province_id,
        obligation.since,
        *tail,
    ]
    return sql, params


def tally_obligation_changed(change: tuple[Obligation, Obligation]) -> None:
    """Move one school's contribution from its old obligation to its new one (a listener of
    ``SCHOOL_OBLIGATION_CHANGED``, run inside the changing transaction)."""
    before, after = change
    if before == after:
        return
    for obligation, sign in ((before, -1), (after, 1)):
        if obligation.since is not None:
            _upsert(*_school_select(obligation, sign))


def _all_select(where: str = "", params: Sequence[Any] = ()) -> tuple[str, list[Any]]:
    """Every pilot school's cells (``where`` narrows the expected weeks: ``p.`` columns)."""
    period, report = _q(Period._meta.db_table), _q(Report._meta.db_table)
    school = _q(School._meta.db_table)
    expected = (
        f"SELECT p.first_day AS ps, p.last_day AS pe, s.province_id AS pr, s.city_id AS ci, "  # noqa: S608 - names from the models; values are parameters
        f"1 AS e, 0 AS f, 0 AS o FROM {school} s JOIN {period} p ON p.kind = %s "
        f"AND p.first_day >= s.pilot_since "
        f"AND (s.pilot_until IS NULL OR p.first_day < s.pilot_until) "
        f"WHERE s.pilot_since IS NOT NULL{where}"
    )
    filed = (
        f"SELECT r.period_start, r.period_end, s.province_id, s.city_id, 0, 1, "  # noqa: S608 - see above
        f"{_on_time_sql('r')} FROM {report} r JOIN {school} s ON s.unit_id = r.unit_id "
        f"AND s.province_id = r.province_id WHERE r.kind = %s AND r.submitted_at IS NOT NULL "
        f"AND s.pilot_since IS NOT NULL AND r.period_start >= s.pilot_since "
        f"AND (s.pilot_until IS NULL OR r.period_start < s.pilot_until)"
    )
    halves = f"{expected} UNION ALL {filed}" if not where else expected
    values = [ReportKind.WEEKLY, *params] + ([ReportKind.WEEKLY] if not where else [])
    sql = (
        f"SELECT x.ps, x.pe, x.pr, x.ci, SUM(x.e), SUM(x.f), SUM(x.o) FROM ({halves}) x "  # noqa: S608 - see above
        f"WHERE 1 = 1 GROUP BY x.ps, x.pe, x.pr, x.ci"
    )
    return sql, values


def tally_weeks_added(first_days: Sequence[dt.date]) -> None:
    """Count the pilot schools owing weeks just added to the calendar (no report can be filed
    for a week that did not exist, so only expected reports change)."""
    days = sorted(set(first_days))
    for start in range(0, len(days), _CHUNK):
        chunk = days[start : start + _CHUNK]
        marks = ", ".join(["%s"] * len(chunk))
        _upsert(*_all_select(f" AND p.first_day IN ({marks})", chunk))


def tally_rebuild(*, actor: Actor) -> int:
    """Recompute the summary from schools, periods and reports; returns the rows written."""
    table = _q(WeeklyComplianceTally._meta.db_table)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Writers' upserts take ROW EXCLUSIVE, which this waits for and then blocks: a
            # report committed before the lock is counted below, one filed after it adds itself.
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        WeeklyComplianceTally.objects.all().delete()
        _upsert(*_all_select())
        written = WeeklyComplianceTally.objects.count()
        audit_record(
            actor=actor,
            action="reporting.tally_rebuild",
            target_type="reporting.tally",
            new={"rows": written},
        )
    return written
