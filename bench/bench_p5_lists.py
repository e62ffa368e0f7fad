"""P5: the main list pages and API lists under load, at two data scales, on PostgreSQL.

    .venv/bin/python bench/bench_p5_lists.py [--small 0.001] [--big 0.01] [--duration 5]
        [--rounds 2] [--workers 2] [--connections 8]

Both scales are generated with bench/generate.py into two PostgreSQL databases (the same ones
bench_p1_verify.py uses, so one generation serves both), served side by side by granian with
the product's settings, and each list is driven with wrk as a logged-in Ministry viewer (an API
token for the API, a session cookie for the pages), the two scales interleaved round by round so
machine noise hits both alike.

Figures (bench/results/latest.json): per list, p95 at the big scale ÷ p95 at the small one
(goal ≤ 1.5; the issue states it for 10M vs 10k rows, i.e. --big 1 --small 0.001), and the
median of those ratios over all lists. That a list's query count does not grow with the data is
asserted by tests/test_query_counts.py, not here.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

import bench_p1_verify
from bench_p1_verify import PY, WORK, Server, env_for, prepare
from results import record

# The lists whose tables the generator fills (issued certificates, schools, orgs, the
# certificate catalogue, units), first page and a filtered page.
LISTS: dict[str, str] = {
    "api certificates": "/api/v1/certificates",
    "api certificates ?status": "/api/v1/certificates?status=valid&level=senior",
    "api certificates ?q number": "/api/v1/certificates?q=2023",
    "api schools": "/api/v1/pilots/schools",
    "api orgs": "/api/v1/catalog/orgs",
    "api catalog certificates": "/api/v1/catalog/certificates",
    # The catalogue grows with the scale (5 certificates at 0.001, 500 at 1), so its first page
    # holds 5 items small and 50 big; the same page size shows the table's size alone.
    "api catalog certificates ?page_size=5": "/api/v1/catalog/certificates?page_size=5",
    "api units": "/api/v1/accounts/units",
    "page certificates": "/certificates/",
    "page schools": "/pilots/schools/",
    "page orgs": "/catalog/orgs/",
}

# A Ministry viewer with a read-only API token and a signed-in session (past the second factor,
# as after a correct code), created once per database.
PERSONA = """
import json
import django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from onex.core.accounts import user_create
from onex.core.actors import Actor
from onex.core.models import Role, Unit, UnitKind, User
from onex.core.tokens import token_issue
system = Actor.system()
unit = Unit.objects.filter(kind=UnitKind.MINISTRY).first()
if unit is None:
    unit = Unit.objects.create(kind=UnitKind.MINISTRY, name="教育部（基准测试）")
user = User.objects.filter(username="bench-ministry").first()
if user is None:
    user = user_create(actor=system, username="bench-ministry", password="Bench-pass-2026!",
                       unit=unit, role=Role.VIEWER, display_name="bench")
_token, secret = token_issue(actor=system, user=user, name="bench", read_only=True)
device, _ = StaticDevice.objects.get_or_create(
    user=user, name="bench", defaults={"confirmed": True}
)
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session[DEVICE_ID_SESSION_KEY] = device.persistent_id
session.create()
print(json.dumps({"token": secret, "session": session.session_key}))
"""

LUA = """
local headers = {}
headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
headers["Cookie"] = "sessionid=" .. os.getenv("BENCH_SESSION")
request = function()
  return wrk.format("GET", os.getenv("BENCH_PATH"), headers)
end
done = function(summary, latency, requests)
  io.write(string.format("P95_US %d REQUESTS %d\\n", latency:percentile(95), summary.requests))
end
"""


_p1_database = bench_p1_verify.database


def database(kind: str, scale: float) -> str:
    """P5's own PostgreSQL databases (``onex_bench_p5_*``), so that P1's bench, run beside it
    by another session, never drops the database this one is serving."""
    url = _p1_database(kind, scale)
    return url.replace("/onex_bench_p1_", "/onex_bench_p5_") if kind == "postgres" else url


# prepare() names its databases (and the template it copies) through this module attribute.
bench_p1_verify.database = database


def migrate(database_url: str) -> None:
    """Bring an existing database (``--big-db``) to this checkout's migrations; the search
    indexes are built CONCURRENTLY, minutes on 10 million certificates."""
    subprocess.run(  # noqa: S603 (our own manage command)
        [PY, "-m", "django", "migrate", "--noinput"],
        env={**env_for(database_url), "DJANGO_SETTINGS_MODULE": "onex.settings"},
        check=True,
    )


def settle(database_url: str) -> None:
    """``VACUUM ANALYZE``: the generator loads its rows after migrating, so every row of a GIN
    (trigram) index sits in the index's pending list, which each search then reads in full
    (90 ms at 100,000 certificates) until a vacuum merges it. A production index is built
    CONCURRENTLY over existing rows and kept merged by autovacuum."""
    subprocess.run(  # noqa: S603
        [PY, "-m", "django", "dbshell", "--", "-c", "VACUUM ANALYZE"],
        env={**env_for(database_url), "DJANGO_SETTINGS_MODULE": "onex.settings"},
        check=True,
    )


def persona(database_url: str) -> dict[str, str]:
    done = subprocess.run(  # noqa: S603 (our own script)
        [PY, "-c", PERSONA],
        env={**env_for(database_url), "DJANGO_SETTINGS_MODULE": "onex.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[str, str] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def run_wrk(
    server: Server, path: str, who: dict[str, str], *, duration: int, connections: int
) -> float:
    """p95 latency in ms of ``path`` under load (wrk's latency distribution)."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "list.lua"
        script.write_text(LUA, encoding="utf-8")
        # A slow answer is measured, not dropped as a timeout (wrk's default is 2 s).
        command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "60s"]
        command += ["-s", str(script), server.base]
        done = subprocess.run(  # noqa: S603 (fixed arguments)
            command,
            env={
                "PATH": "/usr/bin:/bin",
                "BENCH_TOKEN": who["token"],
                "BENCH_SESSION": who["session"],
                "BENCH_PATH": path,
            },
            capture_output=True,
            text=True,
            check=True,
        )
    text = done.stdout
    if "Non-2xx" in text:
        raise RuntimeError(f"non-2xx answers under load for {path}:\n{text}")
    found = re.search(r"P95_US (\d+) REQUESTS (\d+)", text)
    assert found is not None, text
    if int(found.group(2)) == 0:
        raise RuntimeError(f"no answer within the run for {path}:\n{text}")
    return int(found.group(1)) / 1000


def check(server: Server, path: str, who: dict[str, str]) -> None:
    """The list answers 200 for the persona before anything is timed."""
    request = urllib.request.Request(  # noqa: S310 (our own server)
        server.base + path,
        headers={
            "Authorization": f"Bearer {who['token']}",
            "Cookie": f"sessionid={who['session']}",
        },
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        assert response.status == 200, (path, response.status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=float, default=0.001)
    parser.add_argument("--big", type=float, default=0.01)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--only", nargs="*", help="names of LISTS to run (default: all)")
    parser.add_argument(
        "--big-db",
        help="an existing generated PostgreSQL database to serve as the big scale (migrated "
        "first); --big then only labels it (e.g. 1 for 10 million certificates)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is required (Debian package wrk)")
    WORK.mkdir(parents=True, exist_ok=True)
    lists = {k: v for k, v in LISTS.items() if not args.only or k in args.only}
    prepare("postgres", args.small)
    if args.big_db:
        big_url = f"postgres://postgres@127.0.0.1:5432/{args.big_db}"
        migrate(big_url)
    else:
        prepare("postgres", args.big, args.small)
        big_url = database("postgres", args.big)
    urls = {args.small: database("postgres", args.small), args.big: big_url}
    for url in urls.values():
        settle(url)
    who = {scale: persona(url) for scale, url in urls.items()}
    small = Server(urls[args.small], args.workers)
    try:
        big = Server(urls[args.big], args.workers)
    except RuntimeError:
        small.stop()
        raise
    p95: dict[str, dict[str, list[float]]] = {n: {"small": [], "big": []} for n in lists}
    try:
        for server, scale in ((small, args.small), (big, args.big)):
            for path in lists.values():
                check(server, path, who[scale])
                run_wrk(server, path, who[scale], duration=2, connections=args.connections)
        for _ in range(args.rounds):
            for name, path in lists.items():
                for label, server, scale in (
                    ("small", small, args.small),
                    ("big", big, args.big),
                ):
                    p95[name][label].append(
                        run_wrk(
                            server,
                            path,
                            who[scale],
                            duration=args.duration,
                            connections=args.connections,
                        )
                    )
    finally:
        small.stop()
        big.stop()
    ratios: dict[str, float] = {}
    figures: dict[str, Any] = {}
    for name in lists:
        s, b = statistics.median(p95[name]["small"]), statistics.median(p95[name]["big"])
        ratios[name] = b / s
        figures[name] = {"p95_small_ms": round(s, 1), "p95_big_ms": round(b, 1)}
    common = {
        "db": "postgres",
        "big_db": args.big_db or database("postgres", args.big).rsplit("/", 1)[1],
        "scales": {"small": args.small, "big": args.big},
        "workers": args.workers,
        "connections": args.connections,
        "rounds": args.rounds,
        "seconds_per_run": args.duration,
    }
    for name in lists:
        detail = {**common, "path": lists[name], **figures[name]}
        print(name, json.dumps(detail, ensure_ascii=False), round(ratios[name], 2))
        record(f"P5 {name} p95 {args.big} ÷ {args.small} scale", ratios[name], "≤ 1.5", detail)
    record(
        f"P5 all lists median p95 {args.big} ÷ {args.small} scale",
        statistics.median(ratios.values()),
        "≤ 1.5",
        {**common, "worst": max(ratios, key=lambda n: ratios[n]), "lists": len(lists)},
    )


if __name__ == "__main__":
    main()
