"""Cached public answers (certificate verification) with invalidation that never serves stale.

Public checks come in bursts after every exam round and ask again and again for the same few
thousand numbers; the answer changes only when a service changes it. So the public selectors
answer from the shared cache (Redis in production), and the services that change what the
public sees tell this module so, on commit:

- ``forget(kind, lookup)``: one answer changed (a certificate suspended, reinstated, revoked or
  corrected). The entry becomes a *tombstone* for ``ONEX_PUBLIC_CACHE_SECONDS``: while it stands
  the answer is read from the primary database every time and never stored. A reader that read
  the old row just before the change commits cannot store it afterwards (``cache.add`` does not
  overwrite the tombstone), and a lagging read replica cannot serve the old status either.
- ``forget_all()``: something shown on many answers changed (an org's pilot status or name, a
  certificate's name in the catalogue). A new generation token starts a fresh key space: every
  reader that sees the new token started after the commit.

A hit costs one round trip: the generation token and the answer's key under the generation this
process saw last are read together (one ``get_many``, atomic on Redis); only when the token has
moved is the answer read again under the new one. The remembered token is a guess checked on
every read, never trusted, so a bump is seen by the first read that starts after it.

Keys carry no personal data: the lookup is hashed (SHA-256) into the key. Values are the public
answer's row (holder name, masked ID number), what the public page shows anyway.

Only a cache shared by every app process can be invalidated everywhere: the default is on with
``REDIS_URL`` and off with the per-process local-memory cache (``ONEX_PUBLIC_CACHE_SECONDS``
overrides it, e.g. for a single-process server). Misses ("not found") are never stored, so an
issued certificate needs no invalidation.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from onex.core.cache import count_and_get_many
from onex.core.db_routing import primary_reads

T = TypeVar("T")

_PREFIX = "onex:public"
_GENERATION = f"{_PREFIX}:generation"
_TOMBSTONE = "\x00changed"


def timeout() -> int:
    return int(getattr(settings, "ONEX_PUBLIC_CACHE_SECONDS", 0))


def _generation() -> str:
    token = cache.get(_GENERATION)
    if token is None:
        # A random token, never a counter: a generation evicted and recreated must not bring
        # back an older key space.
        cache.add(_GENERATION, uuid.uuid4().hex, timeout=None)
        token = cache.get(_GENERATION)
    return str(token)


# The generation token this process read last: which key to ask for beside the token.
_last_generation = ""


def _key(generation: str, kind: str, lookup: str) -> str:
    digest = hashlib.sha256(f"{kind}\x00{lookup}".encode()).hexdigest()
    return f"{_PREFIX}:{generation}:{kind}:{digest}"


@dataclass(frozen=True)
class Counter:
    """A client's rate counter, stepped in the same round trip as the cache read: ``check``
    gets its new count before any answer is given, and raises to refuse it."""

    key: str
    seconds: int
    check: Callable[[int], None]

    def step(self) -> None:
        self.check(count_and_get_many(self.key, self.seconds, [])[0])


def _current(kind: str, lookup: str, counter: Counter | None) -> tuple[str, Any]:
    """The key of ``lookup`` in the current generation and what the cache holds there."""
    global _last_generation
    guess = _key(_last_generation, kind, lookup)
    if counter is None:
        found = cache.get_many([_GENERATION, guess])
    else:
        count, found = count_and_get_many(counter.key, counter.seconds, [_GENERATION, guess])
        counter.check(count)
    token = found.get(_GENERATION)
    if token is not None and str(token) == _last_generation:
        return guess, found.get(guess)
    _last_generation = _generation()
    key = _key(_last_generation, kind, lookup)
    return key, cache.get(key)


def cached(
    kind: str, lookup: str, load: Callable[[], T | None], *, counter: Counter | None = None
) -> T | None:
    """``load()``'s answer for ``lookup``, from the cache when it holds a current one.

    ``None`` (nothing found) is returned as is and not stored. With ``counter``, the counter is
    stepped (and checked) first, in the same round trip as the read.
    """
    seconds = timeout()
    if seconds <= 0:
        if counter is not None:
            counter.step()
        return load()
    key, hit = _current(kind, lookup, counter)
    if hit == _TOMBSTONE:
        # Changed a moment ago: read-your-writes from the primary, store nothing.
        with primary_reads():
            return load()
    if hit is not None:
        value: T = hit
        return value
    answer = load()
    if answer is not None:
        cache.add(key, answer, timeout=seconds)
    return answer


def forget(kind: str, lookup: str) -> None:
    """Once the current transaction commits, ``lookup``'s answer is read afresh (see above)."""

    def tombstone() -> None:
        seconds = timeout()
        if seconds > 0:
            cache.set(_key(_generation(), kind, lookup), _TOMBSTONE, timeout=seconds)

    transaction.on_commit(tombstone)


def forget_all() -> None:
    """Once the current transaction commits, every public answer is read afresh."""

    def bump() -> None:
        if timeout() > 0:
            cache.set(_GENERATION, uuid.uuid4().hex, timeout=None)

    transaction.on_commit(bump)
