"""Recompute the weekly-compliance summary of the overview from schools, periods and reports.

The summary is kept current by every filing and pilot-period change; this is for data loaded
around the services (a restore, a bulk load) and for checking it (it prints the rows written).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from onex.core.actors import Actor
from onex.reporting.services.tallies import tally_rebuild


class Command(BaseCommand):
    help = "Rebuild the weekly-report compliance summary table (national overview) from scratch."

    def handle(self, *args: Any, **options: Any) -> None:
        written = tally_rebuild(actor=Actor.system())
        self.stdout.write(f"rebuilt {written} weekly compliance row(s)")
