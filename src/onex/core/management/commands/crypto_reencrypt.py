"""Re-encrypt stored personal data (and rewrite lookup hashes) into the current crypto suite."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from onex.core import crypto
from onex.core.actors import Actor
from onex.core.reencrypt import DEFAULT_BATCH_SIZE, reencrypt_all


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored ciphertext (ID numbers, identity salts, sealed import files) "
        "with the current ONEX_CRYPTO_SUITE and ONEX_DATA_KEY and rewrite the keyed lookup "
        "hashes. Idempotent; runs in batches; every batch is audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would change, write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            suite = crypto.current_suite_name()
            results = reencrypt_all(
                actor=Actor.system(),
                batch_size=options["batch_size"],
                dry_run=options["dry_run"],
            )
        except (ImproperlyConfigured, ValueError) as exc:
            raise CommandError(str(exc)) from None
        verb = "would rewrite" if options["dry_run"] else "rewrote"
        failed = False
        for result in results:
            self.stdout.write(
                f"{result.name}: {result.scanned} checked, {verb} {result.rewritten} "
                f"({result.batches} batches)"
            )
            for error in result.errors:
                failed = True
                self.stderr.write(f"  {error}")
        self.stdout.write(f"Current suite: {suite}.")
        if failed:
            raise CommandError("some rows were not rewritten (see above); nothing was lost")
