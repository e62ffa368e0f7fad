"""The keyed audit chain: append, verify, checkpoint, export and offline verification of N events.

Run: .venv/bin/python bench/bench_audit.py [--events N] [--db /tmp/onex-bench-audit.sqlite3]
The baseline is the same walk recomputing only the SHA-256 hashes (what the unkeyed chain did);
the ratio shows what the per-event MAC costs. Writes to a throw-away SQLite file, never var/.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onex.settings")
os.environ.setdefault("ONEX_DEV_SECRETS", "1")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument(
        "--db", default=str(Path(tempfile.gettempdir()) / "onex-bench-audit.sqlite3")
    )
    args = parser.parse_args()
    db = Path(args.db)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from onex.core import audit_offline
    from onex.core.actors import Actor
    from onex.core.audit import (
        _event_fields,
        _iter_chain,
        audit_export_lines,
        audit_record,
        audit_verify_chain,
        compute_hash,
    )
    from onex.core.audit_checkpoints import checkpoint_publish, public_key_pem

    call_command("migrate", verbosity=0)
    n = args.events
    actor = Actor.system()
    start = time.perf_counter()
    for chunk in range(0, n, 1000):
        with transaction.atomic():
            for i in range(chunk, min(n, chunk + 1000)):
                audit_record(actor=actor, action="bench.write", new={"i": i, "name": "张三"})
    append = time.perf_counter() - start

    start = time.perf_counter()
    for event in _iter_chain(0, None):
        compute_hash(_event_fields(event), version=event.version)
    baseline = time.perf_counter() - start

    start = time.perf_counter()
    result = audit_verify_chain()
    verify = time.perf_counter() - start
    assert result.ok and result.count == n, result

    out = Path(tempfile.mkdtemp(prefix="onex-bench-audit-"))
    start = time.perf_counter()
    checkpoint = checkpoint_publish(directory=out)
    publish = time.perf_counter() - start

    export = out / "events.jsonl"
    start = time.perf_counter()
    with export.open("w", encoding="utf-8") as handle:
        for line in audit_export_lines():
            handle.write(line + "\n")
    exported = time.perf_counter() - start

    key = out / "public.pem"
    key.write_text(public_key_pem(), encoding="utf-8")
    start = time.perf_counter()
    code = audit_offline.main(
        ["--public-key", str(key), "--checkpoint", str(checkpoint), "--events", str(export)]
    )
    offline = time.perf_counter() - start
    assert code == 0

    print(f"events                      {n}")
    print(f"append (1000 per txn)       {append:8.2f} s  {n / append:10.0f} events/s")
    print(f"baseline: SHA-256 walk      {baseline:8.2f} s  {n / baseline:10.0f} events/s")
    print(
        f"audit_verify (hash+MAC)     {verify:8.2f} s  {n / verify:10.0f} events/s  "
        f"ratio to baseline {baseline / verify:.2f}"
    )
    print(f"checkpoint (verify + sign)  {publish:8.2f} s")
    print(f"export                      {exported:8.2f} s  {export.stat().st_size} bytes")
    print(f"offline verify              {offline:8.2f} s  {n / offline:10.0f} events/s")


if __name__ == "__main__":
    main()
