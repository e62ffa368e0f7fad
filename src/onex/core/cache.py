"""The Redis cache backend (``REDIS_URL``): Django's, minus two costs on every cache call.

- Django's ``RedisCacheClient`` builds a new ``redis.Redis`` for every operation, and redis-py
  copies its table of some 170 response callbacks into each one: about 0.3 ms of CPU per cache
  call, more than the round trip to Redis. A ``redis.Redis`` over a connection pool is
  thread-safe, so one client per pool serves every thread of the process.
- Django's ``incr`` asks ``EXISTS`` and then ``INCRBY``: two round trips, and a counter that
  expires between them comes back without an expiry. A server-side script does both at once.
- ``count_and_get_many``: a rate counter's step and a read in one round trip (a pipeline), for
  the public answers that must both count the client and read the cache.

Keys, values and their serialization are Django's, so a process on the stock backend and one
on this backend read each other's entries.
"""

from __future__ import annotations

from typing import Any

import redis
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends import redis as django_redis

# INCRBY on an existing key only: a missing key answers nil, which Django's incr() turns into
# ValueError (the caller then creates the counter with add(), and its expiry).
_INCR_EXISTING = """
if redis.call('exists', KEYS[1]) == 1 then
  return redis.call('incrby', KEYS[1], ARGV[1])
end
return false
"""


# A counter's step; its first step sets its expiry (atomically: never a counter without one).
_COUNT = """
local n = redis.call('incr', KEYS[1])
if n == 1 then redis.call('expire', KEYS[1], ARGV[1]) end
return n
"""


class RedisCacheClient(django_redis.RedisCacheClient):
    """One client for reads and one for writes. With several servers (``LOCATION`` a list),
    Django picks a random replica for each read; here each thread keeps the one it picked first
    (Django keeps a cache backend per thread)."""

    def __init__(self, servers: list[str], **options: Any) -> None:
        super().__init__(servers, **options)
        self._clients: dict[bool, tuple[redis.Redis, Any]] = {}

    def _client_and_script(self, key: Any, write: bool) -> tuple[redis.Redis, Any]:
        found = self._clients.get(write)
        if found is None:
            client = super().get_client(key, write=write)
            found = self._clients.setdefault(
                write, (client, client.register_script(_INCR_EXISTING))
            )
        return found

    def get_client(self, key: Any = None, *, write: bool = False) -> redis.Redis:
        return self._client_and_script(key, write)[0]

    def incr(self, key: Any, delta: int) -> int:
        client, script = self._client_and_script(key, True)
        value = script(keys=[key], args=[delta], client=client)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return int(value)

    def count_and_get_many(
        self, counter: str, seconds: int, keys: list[str]
    ) -> tuple[int, list[Any]]:
        client, _ = self._client_and_script(counter, True)
        pipe = client.pipeline(transaction=False)
        # EVAL, not a registered script: a pipeline checks registered scripts with one more
        # round trip first, and Redis keeps the compiled script by its hash either way.
        pipe.eval(_COUNT, 1, counter, seconds)
        if keys:
            pipe.mget(keys)
        answers = pipe.execute()
        values = answers[1] if keys else []
        loads = self._serializer.loads  # type: ignore[attr-defined]
        return int(answers[0]), [None if v is None else loads(v) for v in values]


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    def count_and_get_many(
        self, counter: str, seconds: int, keys: list[str]
    ) -> tuple[int, dict[str, Any]]:
        made = [self.make_and_validate_key(key) for key in keys]
        client: RedisCacheClient = self._cache  # type: ignore[assignment]
        count, values = client.count_and_get_many(
            self.make_and_validate_key(counter), seconds, made
        )
        return count, {key: v for key, v in zip(keys, values, strict=True) if v is not None}


def count_and_get_many(counter: str, seconds: int, keys: list[str]) -> tuple[int, dict[str, Any]]:
    """Add one to ``counter`` (which expires ``seconds`` after its first step) and read ``keys``
    (as ``cache.get_many``) from the default cache: one round trip on Redis, a few on others."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(backend, RedisCache):
        return backend.count_and_get_many(counter, seconds, keys)
    try:
        count = cache.incr(counter)
    except ValueError:  # the counter's first step (or it expired)
        count = 1 if cache.add(counter, 1, timeout=seconds) else cache.incr(counter)
    return count, cache.get_many(keys) if keys else {}
