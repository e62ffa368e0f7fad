"""P4: the national dashboard at a large scale ÷ at a small one (goal ≤ 2).

Run: .venv/bin/python bench/bench_p4_dashboard.py [--small 0.01] [--big 0.1] [--repeat 7]

Generates ``--small`` (0.01: 100,000 certificates) and ``--big`` national data sets
(``bench/generate.py``) into two PostgreSQL databases (``onex_bench_p4_small`` and
``onex_bench_p4_big`` on ``--server``, recreated unless ``--reuse``), then, in one process per
database, times the median of ``--repeat`` runs of what the Ministry and a province read:

- the overview selector (``reporting.selectors.overview``) by province, certificate, level and
  month, for the Ministry and for Guangdong;
- the overview API (``GET /api/v1/reporting/overview``) and page through the full stack;
- each workbench landing page (``GET /``, the dashboard cards);
- as the "before" figure, the certificates counted straight from ``IssuedCertificate`` (what
  the overview did before the tallies).

``--big-db NAME`` measures an existing generated database (e.g. the 10M-certificate
``onex_bench_s1``) as the big one instead of generating ``--big``: it is migrated first, which
writes to it (new tables and their fill), so use it only when nobody else measures against it.

Each figure's ratio is its big-scale median ÷ its small-scale median; the query count of every
call is compared between the scales too. Writes the rows to ``bench/results/latest.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

YEAR = 2025  # the generated certificates span 2020–2025 and the weekly reports 2025
GOAL = "≤ 2"


def _database_url(server: str, name: str) -> str:
    return f"{server.rstrip('/')}/{name}"


def _psql(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_database_url(server, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


def _exists(server: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(_database_url(server, "postgres"), autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def _env(url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "ONEX_DEV_SECRETS": "1"}


def prepare(*, server: str, name: str, scale: float, reuse: bool) -> dict[str, Any]:
    """Generate ``scale`` into database ``name``; returns the generator's report line."""
    if reuse and _exists(server, name):
        return {"reused": True}
    _psql(server, f'DROP DATABASE IF EXISTS "{name}"')
    _psql(server, f'CREATE DATABASE "{name}"')
    started = time.perf_counter()
    out = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(ROOT / "bench" / "generate.py"), "--scale", str(scale), "--migrate"],
        env=_env(_database_url(server, name)),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    report: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    report["wall_seconds"] = round(time.perf_counter() - started, 1)
    return report


def adopt(*, server: str, name: str) -> dict[str, Any]:
    """Use an existing generated database ``name`` as the big one (``--big-db``): bring its
    schema up to date; migrations certificates 0007 and reporting 0004 fill the city tally and
    the compliance summary from its rows, the earlier tallies came with its generation."""
    if not _exists(server, name):
        raise SystemExit(f"--big-db {name}: no such database")
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput"],
        env=_env(_database_url(server, name)),
        check=True,
        capture_output=True,
        text=True,
    )
    return {"adopted": name, "migrate_seconds": round(time.perf_counter() - started, 1)}


def measure(*, repeat: int) -> dict[str, Any]:
    """Inside a process set up on one database: median seconds and query count per call."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onex.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings

    # Pages render {% static %} without a collected manifest (as under DEBUG).
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": static}).enable()
    from django.db.models import Count
    from django.test import Client

    from onex.certificates.models import CertificateStatus, IssuedCertificate
    from onex.core.actors import Actor
    from onex.core.dashboard import dashboard_for
    from onex.core.models import Role, Unit, UnitKind, User
    from onex.geo.models import Division
    from onex.reporting.models import Report
    from onex.reporting.selectors.overview import city_overview, overview

    guangdong = Division.objects.get(code="440000")
    ministry_unit, _ = Unit.objects.get_or_create(kind=UnitKind.MINISTRY, name="基准教育部")
    province_unit, _ = Unit.objects.get_or_create(
        kind=UnitKind.PROVINCE, name="基准广东省教育厅", province=guangdong
    )
    users = {}
    for username, unit in (("bench-p4-ministry", ministry_unit), ("bench-p4-gd", province_unit)):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username=username, unit=unit, role=Role.STAFF)
        users[username] = user
    ministry = Actor.for_user(users["bench-p4-ministry"])
    province = Actor.for_user(users["bench-p4-gd"])
    clients = {}
    for username, user in users.items():
        client = Client()
        client.force_login(user)
        clients[username] = client

    def get(username: str, url: str) -> Callable[[], object]:
        def call() -> object:
            response = clients[username].get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return call

    def direct() -> object:
        # What the overview ran before the tallies: a GROUP BY over the certificates.
        return list(
            IssuedCertificate.objects.filter(issued_on__year=YEAR)
            .exclude(status=CertificateStatus.REVOKED)
            .order_by()
            .values("province__code", "province__name")
            .annotate(n=Count("pk"))
        )

    calls: dict[str, Callable[[], object]] = {}
    for dimension in ("province", "certificate", "level", "month"):
        calls[f"overview selector, Ministry, by {dimension}"] = lambda d=dimension: overview(
            actor=ministry, dimension=d, year=YEAR
        )
    for dimension in ("province", "certificate"):
        calls[f"overview selector, Guangdong, by {dimension}"] = lambda d=dimension: overview(
            actor=province, dimension=d, year=YEAR
        )
    calls["API /reporting/overview, Ministry, by province"] = get(
        "bench-p4-ministry", f"/api/v1/reporting/overview?dimension=province&year={YEAR}"
    )
    calls["API /reporting/overview, Ministry, by certificate"] = get(
        "bench-p4-ministry", f"/api/v1/reporting/overview?dimension=certificate&year={YEAR}"
    )
    calls["API /reporting/overview, Guangdong, by certificate"] = get(
        "bench-p4-gd", f"/api/v1/reporting/overview?dimension=certificate&year={YEAR}"
    )
    calls["API /reporting/overview/cities, Ministry, Guangdong"] = get(
        "bench-p4-ministry", f"/api/v1/reporting/overview/cities?province=440000&year={YEAR}"
    )
    calls["city_overview selector, Guangdong"] = lambda: city_overview(
        actor=province, province="440000", year=YEAR
    )
    calls["page /reporting/overview/, Ministry"] = get(
        "bench-p4-ministry", f"/reporting/overview/?year={YEAR}"
    )
    calls["workbench /, Ministry"] = get("bench-p4-ministry", "/")
    calls["workbench /, Guangdong"] = get("bench-p4-gd", "/")
    calls["dashboard_for, Ministry"] = lambda: dashboard_for(actor=ministry)
    calls["before P4: certificates counted from IssuedCertificate, by province"] = direct

    results: dict[str, Any] = {}
    for name, call in calls.items():
        call()  # warm: caches, plans, the connection
        executed: list[str] = []

        def count(
            execute: Any, sql: str, params: Any, many: bool, context: Any, log: Any = executed
        ) -> Any:
            log.append(sql)
            return execute(sql, params, many, context)

        # A wrapper, not CaptureQueriesContext: a request resets the connection's query log.
        with connection.execute_wrapper(count):
            call()
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            call()
            times.append(time.perf_counter() - started)
        results[name] = {
            "median_ms": round(statistics.median(times) * 1000, 2),
            "queries": len(executed),
        }
    return {
        "certificates": IssuedCertificate.objects.count(),
        "weekly_reports": Report.objects.count(),
        "calls": results,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=float, default=0.01)
    parser.add_argument("--big", type=float, default=0.1)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--reuse", action="store_true", help="keep generated databases")
    parser.add_argument(
        "--big-db",
        default="",
        help="an existing generated database to measure as the big one (migrated first)",
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(repeat=args.repeat), ensure_ascii=False))
        return

    from results import record

    figures: dict[str, dict[str, Any]] = {}
    generated: dict[str, dict[str, Any]] = {}
    for label, scale in (("small", args.small), ("big", args.big)):
        name = f"onex_bench_p4_{label}"
        if label == "big" and args.big_db:
            name = args.big_db
            generated[label] = adopt(server=args.server, name=name)
        else:
            generated[label] = prepare(server=args.server, name=name, scale=scale, reuse=args.reuse)
        print(f"{label}: {name} {json.dumps(generated[label], ensure_ascii=False)}")
        out = subprocess.run(  # noqa: S603 - our own script
            [sys.executable, __file__, "--measure", "--repeat", str(args.repeat)],
            env=_env(_database_url(args.server, name)),
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        figures[label] = json.loads(out.strip().splitlines()[-1])
    small, big = figures["small"], figures["big"]
    sizes = (
        f"{small['certificates']:,} → {big['certificates']:,} certificates, "
        f"{small['weekly_reports']:,} → {big['weekly_reports']:,} weekly reports"
    )
    print(f"PostgreSQL, {sizes}; median of {args.repeat} runs")
    print(f"{'call':<70} {'small ms':>9} {'big ms':>9} {'ratio':>6} {'queries':>9}")
    before = "before P4: certificates counted from IssuedCertificate, by province"
    for name, one in small["calls"].items():
        other = big["calls"][name]
        ratio = other["median_ms"] / max(one["median_ms"], 0.01)
        queries = f"{one['queries']}/{other['queries']}"
        print(
            f"{name:<70} {one['median_ms']:>9.2f} {other['median_ms']:>9.2f} "
            f"{ratio:>6.2f} {queries:>9}"
        )
    was = big["calls"][before]["median_ms"] / max(small["calls"][before]["median_ms"], 0.01)
    for name, one in small["calls"].items():
        if name == before:
            continue
        other = big["calls"][name]
        record(
            f"P4 {name}: big ÷ small",
            other["median_ms"] / max(one["median_ms"], 0.01),
            GOAL,
            {
                "database": "postgresql",
                "scales": [args.small, args.big_db or args.big],
                "certificates": [small["certificates"], big["certificates"]],
                "weekly_reports": [small["weekly_reports"], big["weekly_reports"]],
                "median_ms": [one["median_ms"], other["median_ms"]],
                "queries": [one["queries"], other["queries"]],
                "repeat": args.repeat,
                "certificates_counted_directly_ratio": round(was, 2),
            },
        )


if __name__ == "__main__":
    main()
