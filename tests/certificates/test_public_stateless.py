"""Public verification through the short, stateless middleware chain (issue "National scale").

The hot public path skips the session, user, CSRF, messages and second-factor middleware; it
must answer exactly as before: the same JSON, the language asked for, the security headers,
and the API's JSON errors.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.checks import run_checks
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories_certificates import World

VERIFY = "/api/v1/public/certificates/verify"


@pytest.fixture(autouse=True)
def _no_limit(settings: Any) -> None:
    settings.ONEX_PUBLIC_RATE_PER_MINUTE = 0


def test_verification_answers_with_the_security_headers(world: World) -> None:
    issued = world.enter()
    response = Client().get(VERIFY, {"number": issued.number, "name": "王小明"})
    assert response.status_code == 200
    assert response.json()["number"] == issued.number
    assert response.json()["status_label"] == "有效"
    assert response["Cache-Control"] == "no-store"
    assert "default-src" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(response.content))
    assert response["Content-Language"] == "zh-hans"


def test_verification_speaks_the_language_asked_for(world: World) -> None:
    issued = world.enter()
    response = Client().get(
        VERIFY, {"number": issued.number, "name": "王小明"}, headers={"accept-language": "en"}
    )
    assert response.json()["status_label"] == "Active"
    assert response["Content-Language"] == "en"


def test_a_logged_in_caller_is_verified_without_reading_the_session(world: World) -> None:
    issued = world.enter()
    client = Client()
    client.force_login(world.p.ministry.user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(VERIFY, {"number": issued.number, "name": "王小明"})
    assert response.status_code == 200
    assert not [q for q in queries if "session" in q["sql"] or "core_user" in q["sql"]]
    # Other API paths still run the whole chain and know the caller.
    assert client.get("/api/v1/me").status_code == 200


def test_errors_stay_json(world: World) -> None:
    issued = world.enter()
    client = Client()
    wrong = client.get(VERIFY, {"number": issued.number, "name": "李四"})
    assert (wrong.status_code, wrong.json()["code"]) == (404, "not_found")
    bad = client.get(VERIFY, {"number": "123", "name": "王小明"})
    assert bad.status_code == 422 and bad["Content-Type"].startswith("application/json")
    missing = client.get(VERIFY)
    assert missing.status_code == 422 and missing.json()["code"] == "invalid"
    post = client.post(VERIFY, {"number": issued.number, "name": "王小明"})
    assert post.status_code == 405 and post.json()["code"] == "method_not_allowed"


def test_the_stateless_chain_may_only_drop_middleware(settings: Any) -> None:
    assert not [e for e in run_checks() if e.id == "onex.E012"]
    settings.ONEX_STATELESS_MIDDLEWARE = [
        "onex.api.ApiErrorMiddleware",
        "django.middleware.locale.LocaleMiddleware",  # reordered
    ]
    assert [e.id for e in run_checks() if e.id == "onex.E012"] == ["onex.E012"]
    settings.ONEX_STATELESS_MIDDLEWARE = ["onex.tests.NotInstalled"]
    assert [e.id for e in run_checks() if e.id == "onex.E012"] == ["onex.E012"]
