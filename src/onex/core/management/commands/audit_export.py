"""Export the audit chain as JSON Lines for the offline verifier (core/audit_offline.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from onex.core.audit import audit_export_lines


class Command(BaseCommand):
    help = (
        "Write the audit events (hashed fields, version, hash; no MACs) as JSON Lines; "
        "verify them offline with src/onex/core/audit_offline.py and a signed checkpoint."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, default=None, help="file (default: stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path | None = options["output"]
        if output is None:
            for line in audit_export_lines():
                self.stdout.write(line)
            return
        with output.open("w", encoding="utf-8") as handle:
            count = -1
            for line in audit_export_lines():
                handle.write(line + "\n")
                count += 1
        self.stdout.write(f"{count} events written to {output}")
