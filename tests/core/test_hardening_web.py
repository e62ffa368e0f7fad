"""Web surface hardening: CSP, Permissions-Policy, no-store, check --deploy, demo data in
production, and settings validated at startup with clear errors."""

from __future__ import annotations

import io
import logging
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.template.loaders.app_directories import get_app_template_dirs
from django.test import Client, override_settings
from django.urls import reverse

from onex.core import registry
from onex.core.checks import enforce_at_startup
from onex.core.models import Role
from tests.personas import Personas, make_user

ROOT = Path(__file__).resolve().parents[2]
BACKEND = "django.contrib.auth.backends.ModelBackend"


# --- headers ------------------------------------------------------------------------------------


def _script_src(csp: str) -> str:
    for directive in csp.split(";"):
        parts = directive.split()
        if parts and parts[0] == "script-src":
            return directive
    return ""


def test_pages_and_api_have_a_strict_csp_and_permissions_policy(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.ministry.user, backend=BACKEND)
    for url in (reverse("dashboard"), "/api/v1/me", reverse("login"), "/api/v1/docs"):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        script_src = _script_src(csp)
        assert script_src.split() == ["script-src", "'self'"], (url, csp)
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert "camera=()" in response["Permissions-Policy"]


def test_personal_pages_and_api_answers_are_not_stored(client: Client, personas: Personas) -> None:
    assert "no-store" in client.get(reverse("login"))["Cache-Control"]
    assert client.get("/api/v1/me")["Cache-Control"] == "no-store"  # a 401 too
    client.force_login(personas.gd_school.user, backend=BACKEND)
    for url in (reverse("dashboard"), "/api/v1/me", "/api/v1/pilots/schools"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_static_assets_stay_cacheable(client: Client) -> None:
    response = client.get("/static/onex/onex.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert not response.has_header("Content-Security-Policy")


_TEMPLATE_DIRS = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]] + [
    Path(d) for d in get_app_template_dirs("templates") if "onex" in str(d)
]
_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")")
_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def test_no_template_has_an_inline_script_or_event_handler() -> None:
    offenders: list[str] = []
    templates = [p for d in _TEMPLATE_DIRS for p in d.rglob("*.html")]
    assert len(templates) > 20
    for path in templates:
        text = path.read_text(encoding="utf-8")
        for pattern in (_INLINE_SCRIPT, _HANDLER):
            offenders += [f"{path}: {m.group(0).strip()}" for m in pattern.finditer(text)]
    assert not offenders, (
        "the CSP forbids inline scripts: move the code to a static file under "
        f"src/onex/static/onex/ and use data-* attributes: {offenders}"
    )


def test_confirm_and_autosubmit_are_data_attributes_handled_by_onex_js() -> None:
    js = (ROOT / "src/onex/static/onex/onex.js").read_text(encoding="utf-8")
    assert "data-confirm" in js and "data-autosubmit" in js


# --- check --deploy ------------------------------------------------------------------------------


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "onex.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ONEX_DATA_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "onex.example.cn",
        "CSRF_TRUSTED_ORIGINS": "https://onex.example.cn",
        "ONEX_HTTPS": "1",
        "ONEX_PUBLIC_URL": "https://onex.example.cn",
        "ONEX_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    }
    env.update(extra)
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = _manage(_production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_bad_setting_stops_the_wsgi_start_with_a_clear_error(tmp_path: Path) -> None:
    env = _production_env(tmp_path, ONEX_CRYPTO_SUITE="sm", ONEX_AUDIT_RETENTION_DAYS="30")
    result = subprocess.run(
        [sys.executable, "-c", "import onex.wsgi"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "onex refuses to start" in result.stderr
    assert "ONEX_CRYPTO_SUITE='sm'" in result.stderr
    assert "ONEX_AUDIT_RETENTION_DAYS=30" in result.stderr


def test_a_started_app_process_freezes_what_it_loaded(tmp_path: Path) -> None:
    """``onex.core.runtime``: what start-up loaded (the URLconf and the API with it) is frozen
    out of the collector's full collections, which otherwise stall a worker for 150-250 ms."""
    code = "import gc, sys, onex.wsgi; print(gc.get_freeze_count(), 'onex.api' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=_production_env(tmp_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    frozen, api_loaded = result.stdout.split()
    assert int(frozen) > 100_000 and api_loaded == "True"


# --- demo data in production --------------------------------------------------------------------


def test_demo_data_refuses_without_debug_unless_forced(db: None) -> None:
    with (
        override_settings(DEBUG=False, TESTING=False),
        pytest.raises(CommandError, match="DEBUG"),
    ):
        call_command("demo_data", stdout=io.StringIO(), stderr=io.StringIO())
    with (
        override_settings(DEBUG=False, TESTING=False),
        mock.patch(
            "onex.core.management.commands.demo_data.load_demo_data",
            side_effect=RuntimeError("loading"),
        ),
        pytest.raises(RuntimeError, match="loading"),
    ):
        call_command("demo_data", "--force", stdout=io.StringIO(), stderr=io.StringIO())


def test_production_start_warns_loudly_about_demo_accounts(
    personas: Personas, caplog: pytest.LogCaptureFixture
) -> None:
    username = registry.demo_accounts.all()[0].username
    with override_settings(DEBUG=False, TESTING=False):
        assert "onex.W010" not in [m.id for m in run_checks()]
        make_user(username, personas.ministry.unit, Role.ADMIN)
        with caplog.at_level(logging.WARNING, logger="onex.startup"):
            messages = run_checks()
            enforce_at_startup()  # a warning does not stop the start
    warning = next(m for m in messages if m.id == "onex.W010")
    assert username in warning.msg
    assert any("DEMO ACCOUNTS" in r.getMessage() for r in caplog.records)
    with override_settings(DEBUG=True):
        assert "onex.W010" not in [m.id for m in run_checks()]


# --- settings validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "needle"),
    [
        ({"ONEX_CRYPTO_SUITE": "sm"}, "ONEX_CRYPTO_SUITE='sm'"),
        ({"ONEX_AUDIT_RETENTION_DAYS": 90}, "ONEX_AUDIT_RETENTION_DAYS=90"),
        ({"ONEX_AUDIT_UNKEYED_UNTIL_SEQ": -1}, "ONEX_AUDIT_UNKEYED_UNTIL_SEQ=-1"),
        ({"ONEX_VC_ISSUER_DID": "ethr"}, "ONEX_VC_ISSUER_DID='ethr'"),
        ({"ONEX_PUBLIC_URL": "onex.example.cn"}, "ONEX_PUBLIC_URL"),
        ({"ONEX_HTTPS": True, "ONEX_PUBLIC_URL": "http://onex.example.cn"}, "https://"),
        ({"ONEX_API_TOKEN_DAYS": 0}, "ONEX_API_TOKEN_DAYS=0"),
        ({"ONEX_PUBLIC_RATE_PER_MINUTE": 0}, "ONEX_PUBLIC_RATE_PER_MINUTE=0"),
        ({"ONEX_CJK_FONT": "/nonexistent/font.ttc"}, "ONEX_CJK_FONT"),
        ({"ONEX_DATA_KEY": "short"}, "ONEX_DATA_KEY must be at least 32"),
        ({"ONEX_SIGNING_KEY": "not a pem"}, "ONEX_SIGNING_KEY"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_error(
    db: None, overrides: dict[str, Any], needle: str
) -> None:
    with override_settings(**overrides):
        errors = [m for m in run_checks() if m.is_serious()]
        assert any(needle in m.msg for m in errors), [m.msg for m in errors]
        with pytest.raises(ImproperlyConfigured, match="onex refuses to start"):
            enforce_at_startup()


def test_default_settings_pass_the_checks(db: None) -> None:
    assert [m for m in run_checks() if m.is_serious()] == []
