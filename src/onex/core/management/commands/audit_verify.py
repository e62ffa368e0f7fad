"""Verify the audit chain: exit 0 with "OK n events", or 1 naming the first broken link.

Also compares the database with every signed checkpoint in ONEX_AUDIT_CHECKPOINT_DIR: a chain
rewritten from scratch (all hashes recomputed) still fails there.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from onex.core.audit import audit_verify_chain
from onex.core.audit_checkpoints import checkpoint_check, checkpoint_files


class Command(BaseCommand):
    help = (
        "Walk the audit chain from the anchor (hashes, links, MACs) and report the first "
        "broken link; then check the signed checkpoints against the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-checkpoints", action="store_true", help="skip the checkpoint comparison"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify_chain()
        if not result.ok:
            self.stderr.write(str(result))
            # Exit status, not an exception trace: monitoring runs this from cron.
            raise SystemExit(1)
        self.stdout.write(
            f"{result} (seq {result.anchor_seq + 1}..{result.head_seq}, head {result.head_hash})"
        )
        if result.pending:
            self.stdout.write(
                f"{result.pending} committed events are pending (not sealed yet, another sealer "
                "was busy): they are checked once sealed; run manage.py audit_seal."
            )
        if result.legacy:
            self.stdout.write(
                f"{result.legacy} unkeyed events from before the keyed chain "
                f"(seq {result.anchor_seq + 1}..{result.anchor_seq + result.legacy}): set "
                f"ONEX_AUDIT_UNKEYED_UNTIL_SEQ={result.anchor_seq + result.legacy} to refuse "
                "any later one."
            )
        if options["no_checkpoints"]:
            return
        failed = False
        files = checkpoint_files()
        for path in files:
            check = checkpoint_check(path)
            if not check.ok:
                failed = True
                self.stderr.write(f"CHECKPOINT FAILED {path.name}: {check.message}")
        if files:
            self.stdout.write(f"{len(files)} checkpoints checked")
        if failed:
            raise SystemExit(1)
