"""Print every demo account (the startup banner of ``scripts/run.sh``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from onex.core.demo import banner_lines


class Command(BaseCommand):
    help = "List the demo accounts every app's demo steps create, with their password."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("\n".join(banner_lines()))
