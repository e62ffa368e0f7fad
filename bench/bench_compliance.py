"""Reporting rates at national scale: our compliance queries vs a hand-written baseline.

Run: .venv/bin/python bench/bench_compliance.py [--schools 10000] [--weeks 52]
     (DATABASE_URL=postgres://… to measure PostgreSQL; default a throw-away SQLite file)

Builds ``--schools`` pilot schools spread over the provinces and cities, each a pilot from a
date within the year (so the expected count follows pilot status), with about 90 % of the
weeks filed (10 % of those late), then times ``onex.reporting.selectors.compliance`` at every
level (one aggregate query each) against a hand-written window-function query of the same
figures, and checks both agree. Prints seconds per level and the ratio (higher = faster
than the baseline).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
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
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from onex.core.models import Unit, UnitKind
    from onex.geo.loader import ensure_divisions
    from onex.geo.models import Division
    from onex.pilots.models import School
    from onex.reporting.models import Period, Report, ReportKind
    from onex.reporting.selectors import Scope, compliance
    from onex.reporting.services import periods_ensure

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
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    start, end = first, today
    scope = Scope()

    def ours(level: str) -> Callable[[], object]:
        return lambda: compliance(
            kind=ReportKind.WEEKLY, level=level, scope=scope, start=start, end=end
        )

    def baseline() -> list[tuple[int, int, int, int]]:
        with connection.cursor() as cursor:
            cursor.execute(BASELINE, [start, end, today])
            return sorted(tuple(int(v or 0) for v in row) for row in cursor.fetchall())

    mine = sorted(
        (r.key or 0, r.expected, r.actual, r.on_time)
        for r in compliance(
            kind=ReportKind.WEEKLY, level="province", scope=scope, start=start, end=end
        )
    )
    assert mine == baseline(), "our figures differ from the baseline's"
    base = timed(baseline)
    print(f"{connection.vendor}: {args.schools} schools x {len(weeks)} weeks")
    print(f"  baseline (window function, per province): {base:.3f}s")
    for level in ("nation", "province", "city", "unit"):
        took = timed(ours(level))
        print(f"  compliance level={level:<8} {took:.3f}s  ratio {base / took:.2f}")


if __name__ == "__main__":
    main()
