"""Settings read from the environment, checked in a fresh interpreter with the given variables."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, **env: str) -> str:
    """The last line ``code`` prints in a fresh interpreter with onex's settings and ``env``."""
    unset = {"PORT", "ONEX_PUBLIC_URL", "SQLITE_CACHE_KIB", "SQLITE_MMAP_BYTES"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    clean.update({"PYTHONPATH": str(ROOT / "src"), "ONEX_DEV_SECRETS": "1", **env})
    clean["DJANGO_SETTINGS_MODULE"] = "onex.settings"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=clean,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def _setting(name: str, **env: str) -> str:
    return _run(f"from django.conf import settings; print(settings.{name})", **env)


def test_public_url_follows_the_port_when_not_set() -> None:
    assert _setting("ONEX_PUBLIC_URL", PORT="9000") == "http://127.0.0.1:9000"


def test_public_url_defaults_to_port_8000() -> None:
    assert _setting("ONEX_PUBLIC_URL") == "http://127.0.0.1:8000"


def test_public_url_set_explicitly_wins_over_the_port() -> None:
    url = _setting("ONEX_PUBLIC_URL", PORT="9000", ONEX_PUBLIC_URL="https://onex.example.cn")
    assert url == "https://onex.example.cn"


def _sqlite_pragmas(tmp_path: Path, **env: str) -> str:
    code = (
        "import django; django.setup(); from django.db import connection; c = connection.cursor(); "
        "print(c.execute('PRAGMA cache_size').fetchone()[0], "
        "c.execute('PRAGMA mmap_size').fetchone()[0])"
    )
    return _run(code, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", **env)


def test_sqlite_connections_get_a_large_page_cache_and_mmap(tmp_path: Path) -> None:
    assert _sqlite_pragmas(tmp_path) == f"-65536 {256 * 1024 * 1024}"


def test_sqlite_cache_and_mmap_follow_the_environment(tmp_path: Path) -> None:
    pragmas = _sqlite_pragmas(tmp_path, SQLITE_CACHE_KIB="1024", SQLITE_MMAP_BYTES="0")
    assert pragmas == "-1024 0"
