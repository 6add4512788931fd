"""`manage.py restore DIR`: a backup loaded into an empty installation, every checksum
checked first (parindex/org/backups.py)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parindex.org.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup made by `backup` into this installation, which must be empty."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="the backup's folder")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            outcome = backup_restore(source=Path(options["source"]))
        except BackupError as error:
            raise CommandError(error.message) from None
        if options["verbosity"]:
            self.stdout.write(
                f"{sum(outcome.rows.values())} rows of {len(outcome.rows)} models, "
                f"{outcome.files} files ({outcome.file_bytes} bytes) restored"
            )
