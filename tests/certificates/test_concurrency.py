"""Gap-free, duplicate-free numbering under concurrent issuers (PostgreSQL row locks)."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import close_old_connections, connection
from stdnum.cn import ric

from onex.catalog.models import Level
from onex.certificates.models import IssuedCertificate, NumberSeries
from onex.certificates.services.issue import certificate_enter
from tests.factories_certificates import World
from tests.personas import division


def _id(worker: int, i: int) -> str:
    # Distinct valid resident ID numbers: a birth date per (worker, i) in 1990-2009.
    born = dt.date(1990, 1, 1) + dt.timedelta(days=worker * 500 + i)
    body = f"440106{born:%Y%m%d}{(worker * 7 + i) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def _run(world: World, workers: int, per_worker: int) -> float:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only meaningful on PostgreSQL")
    certificate = world.certificate
    province = division("440000")
    org_actor = world.p.org.actor
    errors: list[BaseException] = []
    barrier = threading.Barrier(workers)

    def worker(n: int) -> None:
        try:
            barrier.wait()
            for i in range(per_worker):
                certificate_enter(
                    actor=org_actor,
                    certificate=certificate,
                    level=Level.INTERMEDIATE,
                    province=province,
                    holder_name=f"考生{n}-{i}",
                    id_type="resident",
                    id_number=_id(n, i),
                    issued_on=dt.date(2020, 6, 1),
                    entered_on=dt.date(2020, 6, 3),
                )
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    assert not errors, errors[:3]
    total = workers * per_worker
    serials = sorted(IssuedCertificate.objects.values_list("serial", flat=True))
    numbers = set(IssuedCertificate.objects.values_list("number", flat=True))
    assert serials == list(range(1, total + 1))  # no duplicate, no gap
    assert len(numbers) == total
    assert NumberSeries.objects.get().last == total
    return elapsed


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_16_parallel_issuers_get_gap_free_unique_numbers_on_postgresql(world: World) -> None:
    _run(world, workers=16, per_worker=20)


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_16_parallel_workers_issuing_500_each_find_no_duplicate_and_no_gap(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    elapsed = _run(world, workers=16, per_worker=500)
    with capsys.disabled():
        print(f"\n16 x 500 certificates issued in {elapsed:.1f} s")
