from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parindex.documents.sources import year_source
from parindex.documents.workbook import build_workbook


class Command(BaseCommand):
    help = (
        "Write a year's results workbook (.xlsx): every result table in the published "
        "layout, one sheet each. The newest published revision, else the imported results; "
        "--revision N for another revision, --drafts to read drafts too."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", required=True, help="the .xlsx file to write")
        parser.add_argument("--revision", type=int, help="a revision of the year's cycle")
        parser.add_argument("--drafts", action="store_true", help="read draft revisions as well")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        source = year_source(year, revision=options["revision"], drafts=options["drafts"])
        if source is None:
            wanted = f" (revision {options['revision']})" if options["revision"] else ""
            hint = "" if options["drafts"] else "; --drafts reads unpublished revisions"
            raise CommandError(f"No results for {year}{wanted}{hint}.")
        out = Path(options["out"])
        out.write_bytes(build_workbook(source))
        self.stdout.write(f"{out} ({out.stat().st_size} bytes)")
