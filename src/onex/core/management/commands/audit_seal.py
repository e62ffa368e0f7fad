"""Seal the committed pending audit events now (the periodic task does it every minute)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from onex.core.audit import audit_seal


class Command(BaseCommand):
    help = (
        "Give every committed pending audit event its chain position, hash and MAC (waits for "
        "a sealer that is already running instead of skipping)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sealed = audit_seal(wait=True)
        self.stdout.write(f"{sealed} pending events sealed")
