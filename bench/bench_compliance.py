"""Reporting rates at national scale: our compliance queries vs a hand-written baseline.

Run: .venv/bin/python bench/bench_compliance.py [--schools 10000] [--weeks 52] [--small 1000]
     (DATABASE_URL=postgres://… to measure PostgreSQL; default a throw-away SQLite file)

Builds ``--schools`` pilot schools spread over the provinces and cities, each a pilot from a
date within the year (so the expected count follows pilot status), with about 90 % of the
weeks filed (10 % of those late), then times what onex runs at every level (nation,
province and city from the compliance summary, rebuilt after the load; the per-school level
from ``compliance`` over the reports)
and the raw ``compliance`` at the whole levels, against a hand-written window-function query
of the same figures, and checks they agree. ``--small N`` runs N schools in a second process
and records onex ÷ baseline and big ÷ small per level with ``results.record``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onex.settings")
os.environ.setdefault("ONEX_DEV_SECRETS", "1")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench-compliance.sqlite3"

BASELINE = """
WITH weeks AS (
  SELECT p.first_day AS wk FROM reporting_period p
  WHERE p.kind = 'weekly' AND p.first_day >= %s AND p.last_day <= %s AND p.last_day < %s
), owed AS (
  SELECT s.province_id, s.unit_id, w.wk,
         ROW_NUMBER() OVER (PARTITION BY s.unit_id ORDER BY w.wk) AS nth
  FROM pilots_school s JOIN weeks w
    ON w.wk >= s.pilot_since AND (s.pilot_until IS NULL OR w.wk < s.pilot_until)
  WHERE s.pilot_since IS NOT NULL
)
SELECT o.province_id, COUNT(*) AS expected, COUNT(r.id) AS actual,
       SUM(CASE WHEN r.submitted_at <= r.due_at THEN 1 ELSE 0 END) AS on_time
FROM owed o LEFT JOIN reporting_report r
  ON r.kind = 'weekly' AND r.unit_id = o.unit_id AND r.period_start = o.wk
 AND r.submitted_at IS NOT NULL
GROUP BY o.province_id
"""


def timed(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=10_000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--small", type=int, default=0, help="also run this many schools, record")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from onex.core.actors import Actor
    from onex.core.models import Unit, UnitKind
    from onex.geo.loader import ensure_divisions
    from onex.geo.models import Division
    from onex.pilots.models import School
    from onex.reporting.models import Period, Report, ReportKind
    from onex.reporting.selectors import Scope, compliance, compliance_summary
    from onex.reporting.services import periods_ensure
    from onex.reporting.services.tallies import tally_rebuild

    ensure_divisions()
    periods_ensure()
    rng = random.Random(7)  # noqa: S311 - synthetic benchmark data, not security
    today = timezone.localdate()
    weeks = list(
        Period.objects.filter(kind=ReportKind.WEEKLY, last_day__lt=today).order_by("-first_day")[
            : args.weeks
        ]
    )
    first = weeks[-1].first_day
    if not School.objects.filter(code__startswith="9").exists():
        t0 = time.perf_counter()
        cities = list(Division.objects.filter(level="city").select_related("parent"))
        units = Unit.objects.bulk_create(
            [
                Unit(kind=UnitKind.SCHOOL, name=f"基准学校{i:05d}", province=c.parent, city=c)
                for i in range(args.schools)
                for c in [cities[rng.randrange(len(cities))]]
            ],
            batch_size=2000,
        )
        schools = School.objects.bulk_create(
            [
                School(
                    unit=u,
                    name=u.name,
                    code=f"9{i:09d}",
                    school_type="higher_vocational",
                    province_id=u.province_id,
                    city_id=u.city_id,
                    # three in four were pilots all year; the others joined during it
                    pilot_since=first
                    if rng.random() < 0.75
                    else first + dt.timedelta(weeks=rng.randrange(args.weeks)),
                )
                for i, u in enumerate(units)
            ],
            batch_size=2000,
        )
        reports: list[Report] = []
        for school in schools:
            for week in weeks:
                if week.first_day < school.pilot_since or rng.random() > 0.9:
                    continue
                due = timezone.make_aware(
                    dt.datetime.combine(week.first_day + dt.timedelta(days=4), dt.time(17))
                )
                late = rng.random() < 0.1
                reports.append(
                    Report(
                        kind=ReportKind.WEEKLY,
                        unit_id=school.unit_id,
                        province_id=school.province_id,
                        city_id=school.city_id,
                        period_start=week.first_day,
                        period_end=week.last_day,
                        period_label=week.label,
                        due_at=due,
                        status="submitted",
                        submitted_at=due + dt.timedelta(hours=30 if late else -3),
                        is_late=late,
                        version=1,
                    )
                )
                if len(reports) >= 20_000:
                    Report.objects.bulk_create(reports)
                    reports = []
        Report.objects.bulk_create(reports)
        print(
            f"generated {args.schools} schools, {Report.objects.count()} reports "
            f"in {time.perf_counter() - t0:.1f}s"
        )
        # The rows went in around the services, which keep the compliance summary.
        t0 = time.perf_counter()
        rows = tally_rebuild(actor=Actor.system())
        print(f"rebuilt the compliance summary ({rows} rows) in {time.perf_counter() - t0:.1f}s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    start, end = first, today
    scope = Scope()

    def raw(level: str) -> Callable[[], object]:
        return lambda: compliance(
            kind=ReportKind.WEEKLY, level=level, scope=scope, start=start, end=end
        )

    def ours(level: str) -> Callable[[], object]:
        # What onex runs: whole-jurisdiction levels read the summary, the per-school table
        # (paged in the UI) reads the reports.
        if level == "unit":
            return raw(level)
        return lambda: compliance_summary(level=level, scope=scope, start=start, end=end)

    def baseline() -> list[tuple[int, int, int, int]]:
        with connection.cursor() as cursor:
            cursor.execute(BASELINE, [start, end, today])
            return sorted(tuple(int(v or 0) for v in row) for row in cursor.fetchall())

    expected = baseline()
    for rows_of in (compliance, compliance_summary):
        kwargs = {"kind": ReportKind.WEEKLY} if rows_of is compliance else {}
        mine = sorted(
            (r.key or 0, r.expected, r.actual, r.on_time)
            for r in rows_of(level="province", scope=scope, start=start, end=end, **kwargs)
        )
        assert mine == expected, f"{rows_of.__name__}: our figures differ from the baseline's"
    base = timed(baseline)
    timings: dict[str, float] = {"baseline": base}
    print(f"{connection.vendor}: {args.schools} schools x {len(weeks)} weeks")
    print(f"  baseline (window function, per province): {base:.3f}s")
    for level in ("nation", "province", "city", "unit"):
        took = timings[level] = timed(ours(level))
        print(f"  onex level={level:<8} {took:.4f}s  onex / baseline {took / base:.3f}")
    for level in ("nation", "province", "city"):
        took = timings[f"raw {level}"] = timed(raw(level))
        print(f"  raw compliance level={level:<8} {took:.3f}s  / baseline {took / base:.2f}")
    report = {
        "vendor": connection.vendor,
        "schools": args.schools,
        "weeks": len(weeks),
        "reports": Report.objects.count(),
        "seconds": timings,
    }
    if args.json:
        print(json.dumps(report))
        return
    if args.small:
        out = subprocess.run(  # noqa: S603 - our own script
            [
                sys.executable,
                __file__,
                "--schools",
                str(args.small),
                "--weeks",
                str(args.weeks),
                "--json",
            ],
            env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
            if connection.vendor == "sqlite"
            else dict(os.environ),
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        small = json.loads(out.strip().splitlines()[-1])
        _record(report, small)


def _record(big: dict[str, Any], small: dict[str, Any]) -> None:
    from results import record

    detail = {
        "database": big["vendor"],
        "schools": [small["schools"], big["schools"]],
        "weeks": big["weeks"],
        "reports": [small["reports"], big["reports"]],
        "seconds": [small["seconds"], big["seconds"]],
    }
    for level in ("nation", "province", "city", "unit"):
        record(
            f"P3 compliance by {level}: onex ÷ window-function SQL, {big['schools']} schools",
            big["seconds"][level] / big["seconds"]["baseline"],
            "≤ 2.0",
            detail,
        )
        record(
            f"P3 compliance by {level}: {big['schools']} ÷ {small['schools']} schools",
            big["seconds"][level] / max(small["seconds"][level], 1e-6),
            f"≤ {big['schools'] / small['schools'] * 1.2:g}",
            detail,
        )


if __name__ == "__main__":
    main()
