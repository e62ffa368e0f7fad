"""Verify the audit hash chain: exit 0 with "OK n events", or 1 naming the first broken link."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from onex.core.audit import audit_verify_chain


class Command(BaseCommand):
    help = "Walk the audit hash chain from the anchor and report the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify_chain()
        if result.ok:
            self.stdout.write(
                f"{result} (seq {result.anchor_seq + 1}..{result.head_seq}, "
                f"head {result.head_hash})"
            )
            return
        self.stderr.write(str(result))
        # Exit status, not an exception trace: monitoring runs this from cron.
        raise SystemExit(1)
