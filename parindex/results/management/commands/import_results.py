from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parindex.results.history import ResultsFileError, parse_rows, read_table, results_import


class Command(BaseCommand):
    help = "Import a year's published PAR-index results (CSV or XLSX, see docs/interchange)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            rows = parse_rows(read_table(path.read_bytes(), path.name))
        except ResultsFileError as error:
            raise CommandError(error.message) from None
        imported = results_import(rows=rows, year=options["year"])
        self.stdout.write(f"{len(imported)} results imported for {options['year']}.")
