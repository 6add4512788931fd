import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parindex.results.exports import cycle_to_json, cycle_to_xlsx
from parindex.results.selectors import imported_cycle


class Command(BaseCommand):
    help = "Export a year's results as interchange.md's JSON (stdout) or the published tables."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("--out", help="the .xlsx file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        cycle = imported_cycle(options["year"])
        if not cycle.units:
            raise CommandError(f"No results for {options['year']}.")
        if options["format"] == "xlsx":
            if not options["out"]:
                raise CommandError("--format xlsx needs --out FILE")
            with open(options["out"], "wb") as out:
                out.write(cycle_to_xlsx(cycle))
            return
        document = cycle_to_json(options["year"], cycle)
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=1))
