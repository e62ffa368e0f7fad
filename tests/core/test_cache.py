"""The Redis cache backend (``onex.core.cache``) and what a public answer costs in round trips.

Against the Redis at 127.0.0.1:6379 (database 15, under a key prefix of its own); they skip
without Redis locally and fail under CI=true.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.core.cache import cache

from onex.core import public_cache
from tests.conftest import IN_CI

REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_cache(settings: Any) -> Iterator[None]:
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if IN_CI:
            pytest.fail(f"Redis is required under CI=true: {exc}")
        pytest.skip(f"Redis unreachable: {exc}")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "onex.core.cache.RedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": prefix,
        }
    }
    settings.ONEX_PUBLIC_CACHE_SECONDS = 300
    yield
    raw = redis.Redis.from_url(REDIS)
    for key in raw.scan_iter(f"{prefix}:*"):
        raw.delete(key)


@pytest.fixture
def round_trips(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Every write to a Redis socket from here on: one is a round trip (a pipeline's commands
    go out in one write)."""
    sent: list[bytes] = []
    original = redis.connection.AbstractConnection.send_packed_command

    def counting(self: Any, command: Any, *args: Any, **options: Any) -> Any:
        sent.append(b"".join(command) if isinstance(command, list) else bytes(command))
        return original(self, command, *args, **options)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counting)
    return sent


def test_one_redis_client_serves_every_call(redis_cache: None) -> None:
    # Django keeps one cache backend per thread; each now keeps one client for its calls.
    backend = cache._cache  # type: ignore[attr-defined]
    assert backend.get_client("a") is backend.get_client("b")
    assert backend.get_client("a", write=True) is backend.get_client("b", write=True)


def test_incr_is_one_round_trip_and_refuses_a_missing_key(
    redis_cache: None, round_trips: list[bytes]
) -> None:
    with pytest.raises(ValueError, match="not found"):
        cache.incr("counter")
    assert cache.add("counter", 1, timeout=90)
    round_trips.clear()
    assert cache.incr("counter") == 2
    assert cache.incr("counter", 5) == 7
    assert len(round_trips) == 2
    # The counter keeps the expiry add() gave it.
    raw = cache._cache.get_client()  # type: ignore[attr-defined]
    assert 0 < raw.ttl(cache.make_key("counter")) <= 90


def test_a_public_answer_from_the_cache_costs_one_round_trip(
    redis_cache: None, round_trips: list[bytes]
) -> None:
    loads: list[int] = []

    def load() -> dict[str, str]:
        loads.append(1)
        return {"status": "valid"}

    assert public_cache.cached("certificate", "N1", load) == {"status": "valid"}
    round_trips.clear()
    assert public_cache.cached("certificate", "N1", load) == {"status": "valid"}
    assert len(round_trips) == 1 and b"MGET" in round_trips[0] and loads == [1]


def test_a_counter_steps_with_the_read_in_one_round_trip(
    redis_cache: None, round_trips: list[bytes]
) -> None:
    counts: list[int] = []
    counter = public_cache.Counter(key="rate", seconds=90, check=counts.append)
    assert public_cache.cached("certificate", "N4", lambda: {"a": 1}, counter=counter)
    round_trips.clear()
    assert public_cache.cached("certificate", "N4", lambda: {"a": 2}, counter=counter) == {"a": 1}
    counter.step()
    assert counts == [1, 2, 3] and len(round_trips) == 2
    assert 0 < cache._cache.get_client().ttl(cache.make_key("rate")) <= 90  # type: ignore[attr-defined]


def test_a_counter_over_its_limit_refuses_before_any_answer(redis_cache: None) -> None:
    def check(count: int) -> None:
        if count > 1:
            raise OverLimit

    counter = public_cache.Counter(key="rate", seconds=90, check=check)
    assert public_cache.cached("certificate", "N5", lambda: {"a": 1}, counter=counter)
    with pytest.raises(OverLimit):
        public_cache.cached("certificate", "N5", lambda: {"a": 1}, counter=counter)


class OverLimit(Exception):
    pass


def test_a_generation_bumped_by_another_process_is_seen_by_the_next_read(
    redis_cache: None,
) -> None:
    """The process remembers the generation it read last only to know which key to ask for: a
    bump made elsewhere (an org left the pilot) is seen by the very next read."""
    assert public_cache.cached("certificate", "N2", lambda: {"org_status": "active"})
    assert public_cache.cached("certificate", "N2", lambda: {"org_status": "x"}) == {
        "org_status": "active"
    }
    # Another process's forget_all(): a new token written straight into Redis.
    cache.set("onex:public:generation", uuid.uuid4().hex, timeout=None)
    fresh = {"org_status": "exited"}
    assert public_cache.cached("certificate", "N2", lambda: fresh) == fresh
    assert public_cache.cached("certificate", "N2", lambda: {"org_status": "x"}) == fresh


def test_a_tombstone_written_by_another_process_is_honoured(redis_cache: None) -> None:
    assert public_cache.cached("certificate", "N3", lambda: {"status": "valid"})
    generation = cache.get("onex:public:generation")
    # Another process's forget() after a revocation committed.
    cache.set(public_cache._key(str(generation), "certificate", "N3"), "\x00changed", timeout=300)
    revoked = {"status": "revoked"}
    assert public_cache.cached("certificate", "N3", lambda: revoked) == revoked
