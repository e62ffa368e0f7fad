"""Concurrent audited writers on PostgreSQL: the audit sequencer against the anchor lock.

Run: .venv/bin/python bench/bench_audit_writers.py [--writers 8] [--txns 40] [--hold-ms 10]

Each of ``--writers`` threads (own connection) runs ``--txns`` transactions that audit one
change with ``audit_record`` and then keep the transaction open ``--hold-ms`` longer (the rest
of a real write: the row updates, the timeline, the response). Two designs, alternated in the
same run on the same database:

- baseline, the anchor lock (``ONEX_AUDIT_SEAL_INLINE``): the event is chained inside the
  writer's transaction under the anchor row lock, held until the writer commits, which is what
  ``audit_record`` did before the sequencer: every audited write in the system queues there;
- product, the sequencer (ADR 0006): the writer only inserts a pending event; the chain is
  sealed after commit in a short transaction that skips when another sealer is busy.

The figure is audited transactions per second, sequencer ÷ anchor lock (best of the rounds of
each). After every round the chain must verify with every event sealed. Writes to a throw-away
database ``onex_bench_audit_writers`` (dropped and created), never the development one.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onex.settings")
os.environ.setdefault("ONEX_DEV_SECRETS", "1")

DATABASE = "onex_bench_audit_writers"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--txns", type=int, default=40, help="transactions per writer")
    parser.add_argument("--hold-ms", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        c.execute(f'CREATE DATABASE "{DATABASE}"')
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
    os.environ["DATABASE_CONN_MAX_AGE"] = "0"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections, transaction
    from results import record

    from onex.core.actors import Actor
    from onex.core.audit import audit_record, audit_seal, audit_verify_chain
    from onex.core.models import AuditEvent

    call_command("migrate", verbosity=0)
    hold = args.hold_ms / 1000

    def writer(n: int, barrier: threading.Barrier, errors: list[BaseException]) -> None:
        actor = Actor.system()
        try:
            barrier.wait()
            for i in range(args.txns):
                with transaction.atomic():
                    audit_record(actor=actor, action="bench.write", new={"w": n, "i": i})
                    time.sleep(hold)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    def run(inline: bool) -> float:
        settings.ONEX_AUDIT_SEAL_INLINE = inline
        before = AuditEvent.objects.count()
        errors: list[BaseException] = []
        barrier = threading.Barrier(args.writers + 1)
        threads = [
            threading.Thread(target=writer, args=(n, barrier, errors)) for n in range(args.writers)
        ]
        for t in threads:
            t.start()
        barrier.wait()
        start = time.perf_counter()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        assert not errors, errors
        audit_seal(wait=True)
        result = audit_verify_chain()
        total = args.writers * args.txns
        assert result.ok and result.pending == 0, result
        assert AuditEvent.objects.count() - before == total
        rate = total / elapsed
        print(f"{'anchor lock' if inline else 'sequencer  '}  {elapsed:7.2f} s  {rate:8.1f} txn/s")
        return rate

    lock_rates: list[float] = []
    seq_rates: list[float] = []
    for _ in range(args.rounds):
        lock_rates.append(run(inline=True))
        seq_rates.append(run(inline=False))
    ratio = max(seq_rates) / max(lock_rates)
    detail = {
        "writers": args.writers,
        "txns_per_writer": args.txns,
        "hold_ms": args.hold_ms,
        "sequencer_txn_s": round(max(seq_rates), 1),
        "anchor_lock_txn_s": round(max(lock_rates), 1),
        "ideal_ratio": args.writers,
    }
    print(f"sequencer ÷ anchor lock: {ratio:.2f}  {detail}")
    record(
        "audit: concurrent audited writers on PostgreSQL, sequencer ÷ anchor lock (txn/s)",
        ratio,
        "≥ 2.0",
        detail,
    )
    connections.close_all()
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')


if __name__ == "__main__":
    main()
