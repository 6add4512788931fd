"""`manage.py backup --out DIR [--cycle YEAR]`: the installation, or one cycle, as a folder
of rows, files and a manifest of their checksums (parindex/org/backups.py)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from parindex.org.backups import BackupError, backup_write


class Command(BaseCommand):
    help = "Back up the whole installation, or one cycle, into an empty folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="an empty or new folder")
        parser.add_argument(
            "--cycle", type=int, metavar="YEAR", help="only this cycle and what it needs"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["cycle"]
        if year is not None and not 1900 <= year <= 2200:
            raise CommandError(_("--cycle is a year."))
        try:
            outcome = backup_write(out=Path(options["out"]), year=year)
        except BackupError as error:
            raise CommandError(error.message) from None
        if options["verbosity"]:
            self.stdout.write(
                f"{sum(outcome.rows.values())} rows of {len(outcome.rows)} models, "
                f"{outcome.files} files ({outcome.file_bytes} bytes) in {options['out']}"
            )
