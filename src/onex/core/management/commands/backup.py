"""Back up the database (SQLite online backup / pg_dump -Fc) and the media folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from onex.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write onex-backup-<stamp>.tar.gz (database, media, manifest) to --output; the keys "
        "are not in it: --keys-out writes them to a separate 0600 file to keep apart."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, default=Path(settings.VAR_DIR) / "backups", help="folder"
        )
        parser.add_argument("--keys-out", type=Path, default=None, help="write the keys here")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_create(output_dir=options["output"], keys_out=options["keys_out"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{result.path} ({result.size} bytes, {result.seconds:.2f} s, "
            f"{result.manifest['media_files']} media files, audit head seq "
            f"{result.manifest['audit_head_seq']})"
        )
        if options["keys_out"]:
            self.stdout.write(f"keys written to {options['keys_out']}: store them apart")
