"""Restore a backup archive into an empty database and media folder, then verify the audit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onex.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore onex-backup-*.tar.gz (made by manage.py backup) into this database, which "
        "must be empty (--force replaces it), and verify the audit chain afterwards."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument("--force", action="store_true", help="replace existing data")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_restore(archive=options["archive"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"restored {options['archive']} in {result.seconds:.2f} s "
            f"({result.media_files} media files); audit: {result.verify}"
        )
        if not result.verify.ok:
            raise CommandError("the restored audit chain does not verify")
