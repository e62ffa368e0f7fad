"""Load the demo data (idempotent): reference divisions, units, catalogue, schools, accounts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from onex.core.demo import banner_lines, load_demo_data
from onex.geo.loader import DivisionDataMissing


class Command(BaseCommand):
    help = "Create the demo data that is missing; running it again changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="load even though DEBUG is off (the demo accounts' password is public)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEBUG or settings.TESTING or options["force"]):
            raise CommandError(
                "demo_data refuses to run with DEBUG off: it creates accounts whose password is "
                "public. Use a DEBUG=1 development server, or --force on a throw-away database."
            )
        try:
            report = load_demo_data(log=lambda message: self.stderr.write(message))
        except DivisionDataMissing as exc:
            raise CommandError(str(exc)) from exc
        created = ", ".join(f"{key} {n}" for key, n in sorted(report.created.items()) if n)
        self.stdout.write(f"Demo data: created {created or 'nothing (already loaded)'}")
        for refusal in report.refusals:
            self.stdout.write(f"Refused as intended: {refusal}")
        if options["verbosity"] >= 1:
            self.stdout.write("\n".join(banner_lines()))
