"""Settings read from the environment, checked in a fresh interpreter with the given variables."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _setting(name: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in {"PORT", "ONEX_PUBLIC_URL"}}
    clean.update({"PYTHONPATH": str(ROOT / "src"), "ONEX_DEV_SECRETS": "1", **env})
    clean["DJANGO_SETTINGS_MODULE"] = "onex.settings"
    code = f"from django.conf import settings; print(settings.{name})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=clean,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def test_public_url_follows_the_port_when_not_set() -> None:
    assert _setting("ONEX_PUBLIC_URL", PORT="9000") == "http://127.0.0.1:9000"


def test_public_url_defaults_to_port_8000() -> None:
    assert _setting("ONEX_PUBLIC_URL") == "http://127.0.0.1:8000"


def test_public_url_set_explicitly_wins_over_the_port() -> None:
    url = _setting("ONEX_PUBLIC_URL", PORT="9000", ONEX_PUBLIC_URL="https://onex.example.cn")
    assert url == "https://onex.example.cn"
