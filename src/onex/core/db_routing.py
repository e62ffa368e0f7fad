"""Read replicas for public read traffic.

Public certificate checks come in bursts after every exam round and read only committed,
published data, so they are the traffic a replica can take off the primary. Everything else
(any write, any read inside a transaction, every logged-in page) stays on the primary: a clerk
must see what they just wrote, and replication lag would break that.

A public selector opts in with ``replica_reads`` (or a block with ``public_reads()``); the
router sends its reads to one of ``settings.ONEX_READ_REPLICAS`` (aliases built from
``DATABASE_REPLICA_URLS``), chosen per call, and to the primary when none is configured.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import transaction

_replica: ContextVar[str | None] = ContextVar("onex_public_replica", default=None)

P = ParamSpec("P")
R = TypeVar("R")


def replica_aliases() -> list[str]:
    aliases: list[str] = list(getattr(settings, "ONEX_READ_REPLICAS", []))
    return aliases


@contextmanager
def public_reads() -> Iterator[str | None]:
    """Route the reads inside the block to one replica (the same one for the whole block)."""
    aliases = replica_aliases()
    # random, not a hash of the client: any replica serves any client equally.
    alias = random.choice(aliases) if aliases else None  # noqa: S311
    token = _replica.set(alias)
    try:
        yield alias
    finally:
        _replica.reset(token)


@contextmanager
def primary_reads() -> Iterator[None]:
    """Route the reads inside the block to the primary, even inside ``public_reads()``: an
    answer that changed a moment ago must not come from a replica that lags behind."""
    token = _replica.set(None)
    try:
        yield
    finally:
        _replica.reset(token)


def replica_reads(view: Callable[P, R]) -> Callable[P, R]:
    """Decorator form of ``public_reads`` for the public selectors."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with public_reads():
            return view(*args, **kwargs)

    return wrapper


class ReplicaRouter:
    """Reads inside ``public_reads()`` go to a replica unless the primary is mid-transaction."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        alias = _replica.get()
        if alias is None or transaction.get_connection().in_atomic_block:
            return None
        return alias

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # A replica holds the same rows as the primary: objects from either may be related.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # Replicas receive the schema by replication, never by migrate.
        if db in replica_aliases():
            return False
        return None
