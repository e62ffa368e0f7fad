"""P1: public certificate verification under load, against two baselines in the same server.

    .venv/bin/python bench/bench_p1_verify.py [--db sqlite|postgres|both] [--small 0.001]
        [--big 0.01] [--duration 8] [--rounds 3] [--workers 2] [--connections 16]
        [--big-db NAME]

For each database: generate national-scale data at two scales (bench/generate.py), serve the
product with granian (``bench_settings``: the product's settings plus the baselines' URLs), and
drive three endpoints with wrk, interleaved round by round so machine noise hits all alike:

- onex ``GET /api/v1/public/certificates/verify?number=…&name=…`` (the full stack);
- a bare Django view doing the same indexed lookup (``bench_urls.bare``);
- a Django REST framework ``RetrieveAPIView`` doing it (``bench_urls.CertificateView``).

Figures (bench/results/latest.json): onex ÷ bare requests per second (goal ≥ 0.9), onex ÷ DRF
(goal ≥ 1.5), onex p99 at the big scale ÷ at the small one (goal ≤ 1.5; the issue states it
for 10M vs 10k certificates, i.e. --big 1 --small 0.001). ``--big-db NAME`` (PostgreSQL only)
serves an existing database as the big one instead (e.g. a 10M-certificate one generated apart):
it is migrated first and 1,000 of its holders are sampled.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import psycopg
import redis
from results import record

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
WORK = Path(tempfile.gettempdir()) / "onex-bench"
LUA = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
"""


def env_for(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "ONEX_VAR_DIR": str(WORK / "var"),  # one data key for generation and serving
        "ONEX_DEV_SECRETS": "1",
        "DEBUG": "0",
        "ONEX_PUBLIC_RATE_PER_MINUTE": "1000000000",
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT / 'bench'}",
    }


def database(kind: str, scale: float) -> str:
    tag = str(scale).replace(".", "_")
    if kind == "sqlite":
        return f"sqlite:///{WORK / f'p1_{tag}.sqlite3'}"
    return f"postgres://postgres@127.0.0.1:5432/onex_bench_p1_{tag}"


def prepare(kind: str, scale: float, base: float | None = None) -> list[dict[str, str]]:
    """The database at ``scale`` (generated once, then reused) and its sample holders.

    With ``base`` (a smaller scale), the database starts as a copy of ``base``'s and receives a
    second data set (tag ``H``) of the difference: migrating an empty database takes minutes on
    a loaded machine, copying one seconds. The sample holders are the second set's.
    """
    url = database(kind, scale)
    # Named after the database, not the scale: P5 serves databases of its own at the same scales.
    sample_file = WORK / f"sample_{url.rsplit('/', 1)[1]}.json"
    if sample_file.exists():
        sample: list[dict[str, str]] = json.loads(sample_file.read_text())
        return sample
    if base is not None and base < scale:
        prepare(kind, base)
    template = database(kind, base) if base is not None and base < scale else None
    if kind == "sqlite":
        target = Path(url.removeprefix("sqlite:///"))
        target.unlink(missing_ok=True)
        if template is not None:
            with (
                sqlite3.connect(template.removeprefix("sqlite:///")) as source,
                sqlite3.connect(target) as copy,
            ):
                source.backup(copy)
    else:
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(
            "host=127.0.0.1 user=postgres dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            if template is None:
                conn.execute(f'CREATE DATABASE "{name}"')
            else:
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template.rsplit("/", 1)[1]}"')
    started = time.perf_counter()
    generate = [PY, str(ROOT / "bench" / "generate.py"), "--migrate"]
    if template is None:
        generate += ["--scale", str(scale)]
    else:
        assert base is not None
        generate += ["--scale", str(round(scale - base, 9)), "--tag", "H", "--seed", "2"]
    subprocess.run(  # noqa: S603 (our own script)
        [*generate, "--sample", str(sample_file)],
        env=env_for(url),
        check=True,
    )
    print(f"  generated {kind} at scale {scale} in {time.perf_counter() - started:.0f} s")
    sample = json.loads(sample_file.read_text())
    return sample


def existing(name: str) -> tuple[str, list[dict[str, str]]]:
    """An existing PostgreSQL database as the big one: migrated, and 1,000 holders sampled."""
    url = f"postgres://postgres@127.0.0.1:5432/{name}"
    subprocess.run(  # noqa: S603 (our own manage.py)
        [PY, str(ROOT / "manage.py"), "migrate", "--no-input"], env=env_for(url), check=True
    )
    with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={name}") as conn:
        rows = conn.execute(
            "SELECT number, holder_name FROM certificates_issuedcertificate"
            " TABLESAMPLE SYSTEM (1) LIMIT 1000"
        ).fetchall()
        (count,) = conn.execute("SELECT count(*) FROM certificates_issuedcertificate").fetchone()
    print(f"  {name}: {count} certificates, {len(rows)} sampled")
    return url, [{"number": number, "name": holder} for number, holder in rows]


def args_threads() -> int:
    # Python threads per worker: more than a few only contend for the GIL.
    return int(os.environ.get("BENCH_THREADS", "4"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    def __init__(self, database_url: str, workers: int, redis_url: str = "") -> None:
        self.port = free_port()
        command = [str(Path(PY).parent / "granian"), "--interface", "wsgi"]
        command += ["--workers", str(workers), "--blocking-threads", str(args_threads())]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--no-access-log"]
        command += ["--log-level", "error", "onex.wsgi:application"]
        self.process = subprocess.Popen(  # noqa: S603 (fixed arguments)
            command,
            env={
                **env_for(database_url),
                "DJANGO_SETTINGS_MODULE": "bench_settings",
                # The production cache (public answers, rate limit); empty: local memory.
                "REDIS_URL": redis_url,
            },
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                probe = f"{self.base}/api/v1/public/certificates/verify?number=x&name=x"
                urllib.request.urlopen(probe, timeout=2)  # noqa: S310
            except urllib.error.HTTPError:
                return  # 422: up and answering
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("the benchmark server did not start")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def paths(sample: list[dict[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"onex": [], "bare": [], "drf": []}
    for holder in sample:
        query = urllib.parse.urlencode({"number": holder["number"], "name": holder["name"]})
        name = urllib.parse.urlencode({"name": holder["name"]})
        out["onex"].append(f"/api/v1/public/certificates/verify?{query}")
        out["bare"].append(f"/bench/bare/?{query}")
        out["drf"].append(f"/bench/drf/{holder['number']}/?{name}")
    return out


def check_answers(server: Server, items: list[str]) -> None:
    """The endpoint answers 200 with the right certificate before anything is timed."""
    with urllib.request.urlopen(server.base + items[0], timeout=10) as response:  # noqa: S310
        body = json.loads(response.read())
        assert response.status == 200, (items[0], response.status)
        assert body["number"] in items[0], (items[0], body)


def run_wrk(
    server: Server, items: list[str], *, duration: int, connections: int
) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "paths.txt").write_text("\n".join(items) + "\n", encoding="utf-8")
        (Path(tmp) / "rotate.lua").write_text(LUA, encoding="utf-8")
        command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
        done = subprocess.run(  # noqa: S603 (fixed arguments)
            [*command, "-s", str(Path(tmp) / "rotate.lua"), server.base],
            env={**os.environ, "BENCH_PATHS": str(Path(tmp) / "paths.txt")},
            capture_output=True,
            text=True,
            check=True,
        )
    text = done.stdout
    if "Non-2xx" in text:
        raise RuntimeError(f"non-2xx answers under load:\n{text}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", text)
    assert p99 is not None, text
    factor = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    return {"rps": rps, "p99_ms": float(p99.group(1)) * factor}


def measure(kind: str, args: argparse.Namespace) -> dict[str, dict[str, float]]:
    """Both scales served at once and all four targets interleaved, round by round."""
    small_sample = prepare(kind, args.small)
    if args.big_db:
        big_url, big_sample = existing(args.big_db)
    else:
        big_url, big_sample = database(kind, args.big), prepare(kind, args.big, args.small)
    small = Server(database(kind, args.small), args.workers, redis_for(args, 1))
    try:
        big = Server(big_url, args.workers, redis_for(args, 2))
    except RuntimeError:
        small.stop()
        raise
    try:
        small_paths, big_paths = paths(small_sample), paths(big_sample)
        targets: dict[str, tuple[Server, list[str]]] = {
            "onex": (small, small_paths["onex"]),
            "bare": (small, small_paths["bare"]),
            "drf": (small, small_paths["drf"]),
            "onex_big": (big, big_paths["onex"]),
        }
        for server, items in targets.values():
            check_answers(server, items)
            run_wrk(server, items, duration=2, connections=args.connections)  # warm-up
        rounds: dict[str, list[dict[str, float]]] = {name: [] for name in targets}
        for _ in range(args.rounds):
            for name, (server, items) in targets.items():
                rounds[name].append(
                    run_wrk(server, items, duration=args.duration, connections=args.connections)
                )
    finally:
        small.stop()
        big.stop()
    return {
        name: {
            "rps": statistics.median(r["rps"] for r in runs),
            "p99_ms": statistics.median(r["p99_ms"] for r in runs),
        }
        for name, runs in rounds.items()
    }


def redis_for(args: argparse.Namespace, server: int) -> str:
    """A Redis database of its own per server (two scales may share certificate numbers),
    flushed first; empty with ``--cache none``."""
    if args.cache == "none":
        return ""
    url = f"{args.redis.rstrip('/')}/{args.redis_db + server}"
    redis.Redis.from_url(url).flushdb()
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--small", type=float, default=0.001)
    parser.add_argument("--big", type=float, default=0.01)
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--cache",
        choices=["redis", "none"],
        default="redis",
        help="serve with the production cache (Redis: cached public answers) or without",
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379")
    parser.add_argument("--redis-db", type=int, default=8, help="uses this + 1 and + 2")
    parser.add_argument(
        "--big-db",
        default="",
        help="PostgreSQL only: serve this existing database as the big scale (migrated first)",
    )
    args = parser.parse_args()
    if args.big_db and args.db != "postgres":
        parser.error("--big-db needs --db postgres")
    if shutil.which("wrk") is None:
        sys.exit("wrk is required (Debian package wrk)")
    WORK.mkdir(parents=True, exist_ok=True)
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    for kind in kinds:
        print(f"P1 on {kind}")
        # Without the cache the figures are the database path's; named apart so both stay.
        label = kind if args.cache == "redis" else f"{kind} no-cache"
        figures = measure(kind, args)
        detail: dict[str, Any] = {
            "db": kind,
            "workers": args.workers,
            "connections": args.connections,
            "rounds": args.rounds,
            "seconds_per_run": args.duration,
            "scales": {"small": args.small, "big": args.big_db or args.big},
            "cache": args.cache,
            "rps": {name: round(v["rps"]) for name, v in figures.items()},
            "p99_ms": {name: round(v["p99_ms"], 2) for name, v in figures.items()},
        }
        print(json.dumps(detail, ensure_ascii=False))
        record(
            f"P1 {label} onex/bare rps",
            figures["onex"]["rps"] / figures["bare"]["rps"],
            "≥ 0.9",
            detail,
        )
        record(
            f"P1 {label} onex/DRF rps",
            figures["onex"]["rps"] / figures["drf"]["rps"],
            "≥ 1.5",
            detail,
        )
        record(
            f"P1 {label} p99 {args.big_db or args.big} ÷ {args.small} scale",
            figures["onex_big"]["p99_ms"] / figures["onex"]["p99_ms"],
            "≤ 1.5",
            detail,
        )


if __name__ == "__main__":
    main()
