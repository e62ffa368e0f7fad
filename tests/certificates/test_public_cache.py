"""Public verification answers from the cache, and a change is visible at once (R36, R22).

The cache is on here (``ONEX_PUBLIC_CACHE_SECONDS``) as it is in production with Redis; the
two-process case through Redis is in tests/core/test_production_mode.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onex.catalog.models import OrgStatus
from onex.catalog.services.certificates import certificate_update
from onex.catalog.services.orgs import org_set_status
from onex.certificates.models import IssuedCertificate
from onex.certificates.selectors.certificates import PUBLIC_CACHE_KIND
from onex.certificates.services.pdf import verification_token
from onex.certificates.services.status import (
    certificate_reinstate,
    certificate_revoke,
    certificate_suspend,
)
from onex.core import public_cache
from onex.core.db_routing import ReplicaRouter, primary_reads, public_reads
from tests.core.test_cache import redis_cache, round_trips  # noqa: F401 (fixtures)
from tests.factories_certificates import ID_A, World

VERIFY = "/api/v1/public/certificates/verify"
Capture = Callable[..., Any]


@pytest.fixture(autouse=True)
def _cache_on(settings: Any) -> None:
    settings.ONEX_PUBLIC_CACHE_SECONDS = 300
    settings.ONEX_PUBLIC_RATE_PER_MINUTE = 0


def _verify(issued: IssuedCertificate) -> dict[str, Any]:
    response = Client().get(VERIFY, {"number": issued.number, "name": "王小明"})
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def _certificate_queries(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return sum(1 for q in queries.captured_queries if "certificates_issuedcertificate" in q["sql"])


def test_r36_a_repeated_verification_is_answered_from_the_cache(world: World) -> None:
    issued = world.enter()
    assert _certificate_queries(lambda: _verify(issued)) == 1
    assert _certificate_queries(lambda: _verify(issued)) == 0
    assert _verify(issued)["status"] == "valid"


def test_r36_revocation_is_visible_at_once_through_the_cache(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    issued = world.enter()
    token = verification_token(issued.number)
    page = reverse("verify:index")
    form = {"form": "verify", "v-number": issued.number, "v-name": "王小明"}
    assert _verify(issued)["status"] == "valid"
    assert "当前有效" in Client().get(reverse("verify:token", kwargs={"token": token})).text
    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(actor=world.p.ministry.actor, certificate=issued, reason="考核舞弊")
    body = _verify(issued)
    assert (body["status"], body["status_reason"]) == ("revoked", "考核舞弊")
    token_page = Client().get(reverse("verify:token", kwargs={"token": token})).text
    assert "当前有效" not in token_page and "考核舞弊" in token_page
    assert "考核舞弊" in Client().post(page, form).text


def test_r36_suspension_and_reinstatement_are_visible_at_once(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    issued = world.enter()
    ministry = world.p.ministry.actor
    assert _verify(issued)["status"] == "valid"
    with django_capture_on_commit_callbacks(execute=True):
        certificate_suspend(actor=ministry, certificate=issued, reason="核查中")
    assert _verify(issued)["status"] == "suspended"
    issued.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        certificate_reinstate(actor=ministry, certificate=issued, reason="核查无误")
    assert _verify(issued)["status"] == "valid"


def test_r36_a_reader_that_read_before_the_revocation_cannot_store_the_old_answer(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    """The race a plain delete-on-commit loses: the old row read, the revocation commits, then
    the old row is stored. The revocation's tombstone refuses the late store."""
    issued = world.enter()
    old_row = {"number": issued.number, "status": "valid"}

    def slow_load() -> dict[str, Any]:
        with django_capture_on_commit_callbacks(execute=True):
            certificate_revoke(actor=world.p.ministry.actor, certificate=issued, reason="舞弊")
        return old_row

    assert public_cache.cached(PUBLIC_CACHE_KIND, issued.number, slow_load) == old_row
    assert _verify(issued)["status"] == "revoked"
    # While the tombstone stands the answer is read afresh each time and never stored.
    assert _certificate_queries(lambda: _verify(issued)) == 1
    assert _certificate_queries(lambda: _verify(issued)) == 1


def test_r36_a_revocation_rolled_back_leaves_the_cached_answer_alone(world: World) -> None:
    issued = world.enter()
    _verify(issued)
    # No commit (the test's transaction is never committed, callbacks not run): no tombstone.
    certificate_revoke(actor=world.p.ministry.actor, certificate=issued, reason="舞弊")
    assert _certificate_queries(lambda: _verify(issued)) == 0


def test_r22_an_org_leaving_the_pilot_is_visible_at_once_on_its_certificates(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    issued = world.enter()
    assert _verify(issued)["org_status"] == "active"
    with django_capture_on_commit_callbacks(execute=True):
        org_set_status(
            actor=world.p.ministry.actor,
            org=world.p.org_obj,
            status=OrgStatus.EXITED,
            on=dt.date(2026, 3, 1),
            reason="取消资格",
        )
    body = _verify(issued)
    assert (body["org_status"], body["org_status_on"]) == ("exited", "2026-03-01")
    assert body["status"] == "valid"  # issued before: stays valid


def test_r36_a_renamed_certificate_is_visible_at_once(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    issued = world.enter()
    _verify(issued)
    with django_capture_on_commit_callbacks(execute=True):
        certificate_update(
            actor=world.p.ministry.actor,
            certificate=world.certificate,
            changes={"name": "现代物流管理"},
        )
    assert _verify(issued)["certificate_name"] == "现代物流管理"


def test_r36_cache_keys_carry_no_personal_data_nor_the_number(world: World) -> None:
    issued = world.enter()
    _verify(issued)
    keys = " ".join(str(k) for k in cache._cache)  # type: ignore[attr-defined]
    assert "onex:public" in keys
    for secret in (issued.number, "王小明", ID_A, issued.id_number_masked):
        assert secret not in keys


def test_r36_misses_are_not_stored(world: World) -> None:
    issued = world.enter()
    for _ in range(2):
        response = Client().get(VERIFY, {"number": issued.number, "name": "别人"})
        assert response.status_code == 404
    # A wrong name is a mismatch on a found row: that row may be stored; an unknown number not.
    assert public_cache.cached(PUBLIC_CACHE_KIND, "none", lambda: None) is None
    assert public_cache.cached(PUBLIC_CACHE_KIND, "none", lambda: {"x": 1}) == {"x": 1}


def test_the_cache_is_off_without_a_shared_cache(world: World, settings: Any) -> None:
    settings.ONEX_PUBLIC_CACHE_SECONDS = 0
    issued = world.enter()
    assert _certificate_queries(lambda: _verify(issued)) == 1
    assert _certificate_queries(lambda: _verify(issued)) == 1


def test_a_changed_answer_is_read_from_the_primary_not_a_replica(settings: Any) -> None:
    settings.ONEX_READ_REPLICAS = ["replica_x"]
    router = ReplicaRouter()
    with public_reads():
        assert router.db_for_read(IssuedCertificate) == "replica_x"
        with primary_reads():
            assert router.db_for_read(IssuedCertificate) is None
        assert router.db_for_read(IssuedCertificate) == "replica_x"


def test_r36_a_verification_answered_from_redis_is_one_round_trip_and_still_limited(
    world: World,
    settings: Any,
    redis_cache: None,  # noqa: F811 (fixture)
    round_trips: list[bytes],  # noqa: F811 (fixture)
) -> None:
    """The API counts the client's query and reads the cached answer in one trip to Redis, and
    the answer keeps the product's headers; the limit still answers 429 (and counts a malformed
    number too)."""
    settings.ONEX_PUBLIC_RATE_PER_MINUTE = 3
    issued = world.enter()
    client = Client()
    assert _verify(issued)["status"] == "valid"
    round_trips.clear()
    response = client.get(VERIFY, {"number": issued.number, "name": "王小明"})
    assert response.status_code == 200 and len(round_trips) == 1
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(VERIFY, {"number": "bad", "name": "王小明"}).status_code == 422
    limited = client.get(VERIFY, {"number": issued.number, "name": "王小明"})
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
