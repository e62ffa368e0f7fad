"""Sign a checkpoint of the audit chain head, write it as a file and log it (also run daily)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onex.core.audit_checkpoints import CheckpointRefused, checkpoint_publish, public_key_pem


class Command(BaseCommand):
    help = (
        "Verify the audit chain, then write a signed checkpoint of its head to "
        "ONEX_AUDIT_CHECKPOINT_DIR (or --dir) and log it; --public-key prints the PEM to publish."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", type=Path, default=None, help="write here instead")
        parser.add_argument(
            "--public-key",
            action="store_true",
            help="print the public key (PEM) the checkpoints verify with, and stop",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["public_key"]:
            self.stdout.write(public_key_pem(), ending="")
            return
        try:
            path = checkpoint_publish(directory=options["dir"])
        except CheckpointRefused as exc:
            raise CommandError(f"refused: the chain does not verify: {exc}") from None
        self.stdout.write(str(path))
