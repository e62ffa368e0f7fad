"""Recompute the issued-certificate tallies (the overview's and R15 entry's) from the
certificates.

The tallies are kept current by every issue and status move; this is for data loaded around
the services (a restore, a bulk load) and for checking them (it prints the rows written).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from onex.certificates.services.tallies import tally_rebuild
from onex.core.actors import Actor


class Command(BaseCommand):
    help = (
        "Rebuild the issued-certificate summary tables (national overview, R15 entry figures) "
        "from scratch."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        written = tally_rebuild(actor=Actor.system())
        self.stdout.write(
            f"rebuilt {written['month']} month row(s), {written['certificate']} certificate "
            f"row(s), {written['national']} national row(s), {written['city']} city row(s), "
            f"{written['entry']} entry row(s)"
        )
