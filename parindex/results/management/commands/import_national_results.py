from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parindex.results.history import ResultsFileError, national_results_import, read_table


class Command(BaseCommand):
    help = (
        "Record the province's national PAR-index results from a CSV or XLSX with the "
        "columns year, index_pct, rank, rank_of and optionally sipas_pct, source."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            count = national_results_import(rows=read_table(path.read_bytes(), path.name), by=None)
        except ResultsFileError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"{count} national results recorded.")
