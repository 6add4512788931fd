from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parindex.documents.letters import build_letter, file_name, unit_order
from parindex.documents.sources import year_source


class Command(BaseCommand):
    help = (
        "Write each unit's letter on its PAR index of a year (the weaknesses to correct) "
        "as DOCX files into a folder: the year's published results, else those imported, "
        "or the revision asked for; --drafts reads a draft when nothing is published."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", required=True, help="the folder to write into")
        parser.add_argument("--unit", help="only this unit (its code)")
        parser.add_argument("--revision", type=int, help="this revision of the results")
        parser.add_argument("--drafts", action="store_true", help="include draft revisions")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        source = year_source(year, revision=options["revision"], drafts=options["drafts"])
        if source is None:
            which = f" (revision {options['revision']})" if options["revision"] else ""
            hint = "" if options["drafts"] else "; --drafts reads unpublished revisions"
            raise CommandError(f"No results for {year}{which}{hint}.")
        codes = unit_order(source)
        if options["unit"]:
            if options["unit"] not in codes:
                raise CommandError(f"The unit {options['unit']} has no result in {year}.")
            codes = [options["unit"]]
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        for code in codes:
            (out / file_name(year, code)).write_bytes(build_letter(source, code))
        self.stdout.write(f"{len(codes)} letters for {year} written to {out}.")
