"""Production mode on this machine: PostgreSQL, Huey on Redis with its own consumer process, and
several app processes that share their state through Redis (docs/operations.md).

These run in the PostgreSQL pass of CI against the Redis at 127.0.0.1:6379 (its databases 13
and 14, flushed first); locally they skip without PostgreSQL or Redis, under CI=true they fail.
"""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import xlsxwriter
from django.conf import settings
from django.db import connection

from onex.certificates.services.status import certificate_revoke
from onex.core.models import HolidayNotice, ImportJob, ImportStatus
from tests.conftest import IN_CI
from tests.factories_certificates import build_world
from tests.personas import Personas

ROOT = Path(__file__).resolve().parents[2]
REDIS = "redis://127.0.0.1:6379"


def _require_services() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("production mode runs in the PostgreSQL pass")
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if IN_CI:
            pytest.fail(f"Redis is required under CI=true: {exc}")
        pytest.skip(f"Redis unreachable: {exc}")


def _env(redis_db: int, **extra: str) -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": f"{REDIS}/{redis_db}",
        "HUEY_IMMEDIATE": "0",
        "ONEX_DEV_SECRETS": "1",
        "ONEX_VAR_DIR": str(settings.VAR_DIR),  # the same keys as this process
        "DEBUG": "0",
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "onex.settings",
        **extra,
    }


def _stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def consumer() -> Iterator[dict[str, str]]:
    _require_services()
    redis.Redis.from_url(f"{REDIS}/14").flushdb()
    env = _env(14)
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "run_huey", "--workers", "2"],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield env
    finally:
        _stop(process)


def holiday_file() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["日期", "类型", "节日", "依据"])
    sheet.write_row(1, 0, ["2041-10-01", "放假", "国庆节", "生产模式测试"])
    sheet.write_row(2, 0, ["2041-10-02", "放假", "国庆节", "生产模式测试"])
    book.close()
    return buffer.getvalue()


PRODUCER = """
import sys
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from onex.core.actors import Actor
from onex.core.import_services import import_submit
from onex.core.models import User
actor = Actor.for_user(User.objects.get(username="ministry-admin"))
data = open(sys.argv[1], "rb").read()
job = import_submit(actor=actor, spec_name="holiday_notices",
                    uploaded_file=SimpleUploadedFile("h.xlsx", data))
print(job.pk)
"""


@pytest.mark.django_db(transaction=True)
def test_an_import_queued_on_redis_runs_in_the_separate_consumer(
    personas: Personas, consumer: dict[str, str], tmp_path: Path
) -> None:
    upload = tmp_path / "holidays.xlsx"
    upload.write_bytes(holiday_file())
    done = subprocess.run(
        [sys.executable, "-c", PRODUCER, str(upload)],
        env=consumer,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    job_id = int(done.stdout.split()[-1])
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        job = ImportJob.objects.get(pk=job_id)
        if job.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED):
            break
        time.sleep(0.5)
    assert job.status == ImportStatus.SUCCEEDED, (job.status, job.errors)
    assert HolidayNotice.objects.filter(note="生产模式测试").count() == 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.mark.django_db(transaction=True)
def test_app_processes_share_the_public_rate_limit_through_redis(personas: Personas) -> None:
    _require_services()
    redis.Redis.from_url(f"{REDIS}/13").flushdb()
    port = _free_port()
    granian = Path(sys.executable).parent / "granian"
    command = [str(granian), "--interface", "wsgi", "--workers", "2", "--host", "127.0.0.1"]
    server = subprocess.Popen(
        [*command, "--port", str(port), "--no-access-log", "onex.wsgi:application"],
        env=_env(13, ONEX_PUBLIC_RATE_PER_MINUTE="6"),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api/v1/public/certificates/verify?number=x&name=x"
    try:
        statuses: list[int] = []
        deadline = time.monotonic() + 60
        while not statuses and time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url, timeout=5)
            except urllib.error.HTTPError as exc:
                statuses.append(exc.code)
            except OSError:
                time.sleep(0.3)
        for _ in range(11):
            try:
                urllib.request.urlopen(url, timeout=5)
            except urllib.error.HTTPError as exc:
                statuses.append(exc.code)
    finally:
        _stop(server)
    # Two worker processes, one shared counter: six answers, then 429 for everyone.
    assert len(statuses) == 12, statuses
    assert statuses.count(429) == 6, statuses


def _get_json(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (our own server)
        body: dict[str, object] = json.loads(response.read())
        return body


@pytest.mark.django_db(transaction=True)
def test_a_revocation_is_seen_at_once_by_every_app_process_through_the_redis_cache(
    personas: Personas, settings: Any
) -> None:
    """Two granian workers answer verification from the Redis cache; a revocation committed by
    a third process is visible at once in both (no stale "valid")."""
    _require_services()
    redis.Redis.from_url(f"{REDIS}/12").flushdb()
    world = build_world(personas)
    issued = world.enter()
    port = _free_port()
    granian = Path(sys.executable).parent / "granian"
    command = [str(granian), "--interface", "wsgi", "--workers", "2", "--host", "127.0.0.1"]
    server = subprocess.Popen(
        [*command, "--port", str(port), "--no-access-log", "onex.wsgi:application"],
        env=_env(12, ONEX_PUBLIC_RATE_PER_MINUTE="100000", ONEX_PUBLIC_CACHE_SECONDS="300"),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    query = urllib.parse.urlencode({"number": issued.number, "name": "王小明"})
    url = f"http://127.0.0.1:{port}/api/v1/public/certificates/verify?{query}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                first = _get_json(url)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        # Enough requests for both workers to hold the "valid" answer in the shared cache.
        before = {str(_get_json(url)["status"]) for _ in range(20)}
        assert first["status"] == "valid" and before == {"valid"}
        assert redis.Redis.from_url(f"{REDIS}/12").keys("*onex:public:*")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"{REDIS}/12",
            }
        }
        settings.ONEX_PUBLIC_CACHE_SECONDS = 300
        certificate_revoke(actor=personas.ministry.actor, certificate=issued, reason="考核舞弊")
        after = [_get_json(url) for _ in range(20)]
    finally:
        _stop(server)
    assert {(a["status"], a["status_reason"]) for a in after} == {("revoked", "考核舞弊")}
