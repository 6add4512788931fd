import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parindex.results.interchange import cycle_to_json, cycle_to_xlsx
from parindex.results.selectors import year_results


class Command(BaseCommand):
    help = (
        "Export a year's published results as interchange.md's JSON (stdout) or the "
        "published tables (.xlsx): the published revision computed by parindex, else the "
        "results imported for that year."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("--out", help="the .xlsx file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        results = year_results(options["year"])
        if results is None:
            raise CommandError(f"No published results for {options['year']}.")
        if options["format"] == "xlsx":
            if not options["out"]:
                raise CommandError("--format xlsx needs --out FILE")
            with open(options["out"], "wb") as out:
                out.write(cycle_to_xlsx(results))
            return
        self.stdout.write(json.dumps(cycle_to_json(results), ensure_ascii=False, indent=1))
