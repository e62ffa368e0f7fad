"""Delete audit events older than the retention; the anchor moves so the chain still verifies."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onex.core.actors import Actor
from onex.core.audit import audit_purge, audit_retention_days
from onex.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Delete audit events older than ONEX_AUDIT_RETENTION_DAYS (or --days, which may not be "
        "shorter) and move the chain anchor."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"purge events older than this many days (>= {audit_retention_days()})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = audit_purge(actor=Actor.system(), older_than_days=options["days"])
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        if result.purged:
            self.stdout.write(
                f"Purged {result.purged} events older than {result.cutoff.isoformat()}; "
                f"anchor at seq {result.anchor_seq}."
            )
        else:
            self.stdout.write(f"Nothing to purge before {result.cutoff.isoformat()}.")
