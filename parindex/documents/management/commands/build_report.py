"""python manage.py build_report --year 2024 --out bao-cao-2024.docx"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parindex.documents.report import build_report
from parindex.documents.sources import year_source


class Command(BaseCommand):
    help = "Write a year's annual analysis report (DOCX) from its results."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", type=Path, required=True, help="the .docx file to write")
        parser.add_argument("--revision", type=int, help="a revision of the year's results")
        parser.add_argument(
            "--drafts", action="store_true", help="use the newest draft when none is published"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        source = year_source(
            options["year"], revision=options["revision"], drafts=options["drafts"]
        )
        if source is None:
            raise CommandError(f"No results for {options['year']}.")
        content = build_report(source)
        options["out"].write_bytes(content)
        self.stdout.write(
            f"{options['out']}: {len(content):,} bytes in {time.perf_counter() - started:.2f} s"
        )
