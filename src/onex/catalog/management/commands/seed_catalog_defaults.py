"""Create the shipped default list of unauthorized endorsement phrases (R19); idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from onex.catalog.services.phrases import seed_catalog_defaults
from onex.core.actors import Actor


class Command(BaseCommand):
    help = "Seed catalogue defaults (R19 unauthorized phrases)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = seed_catalog_defaults(actor=Actor.system())
        self.stdout.write(f"created {created} phrase(s)")
