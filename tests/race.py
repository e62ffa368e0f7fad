"""Race harness of the concurrency tests: N threads, each with its own database connection,
released at once by a barrier. Row locks only mean something on PostgreSQL, so the tests
using it skip on SQLite (they run in the PostgreSQL pass of CI)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import pytest
from django.db import connection, connections

T = TypeVar("T")


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only meaningful on PostgreSQL")


def race(workers: int, job: Callable[[int], T]) -> list[T | BaseException]:
    """Run ``job(i)`` for i in range(workers) at the same moment; results or raised exceptions
    in worker order. Use with ``@pytest.mark.django_db(transaction=True)``."""
    require_postgresql()
    barrier = threading.Barrier(workers)
    results: list[T | BaseException] = [RuntimeError("not run")] * workers

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = job(i)
        except BaseException as exc:  # returned to the test, which asserts on it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def outcomes(results: list[T | BaseException]) -> list[str]:
    """``ok`` or the exception's class name, sorted: for one-line assertions."""
    return sorted("ok" if not isinstance(r, BaseException) else type(r).__name__ for r in results)
