"""Benchmark: the site under gunicorn (2 workers, PostgreSQL, persistent connections)
driven by wrk at 16 connections, each page beside a minimal Django view, in one run.

Builds once and then reuses the data in DATABASE_URL's database: the demo province and
bench_results' published year of 3,000 units. Prints a table with the issue's figures
from before beside this run's.

    DATABASE_URL=postgres://… python manage.py bench_serve [--seconds 10]
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parindex.demo.serving import ServeError, bench, bench_table


class Command(BaseCommand):
    help = "Requests/s of the public and scoring pages under gunicorn and wrk."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seconds", type=int, default=10, help="per page (1-300)")
        parser.add_argument("--connections", type=int, default=16)
        parser.add_argument(
            "--threads", type=int, default=1, choices=range(1, 17), help="per gunicorn worker"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seconds = options["seconds"]
        if not 1 <= seconds <= 300 or not 1 <= options["connections"] <= 64:
            raise CommandError("--seconds between 1 and 300, --connections between 1 and 64.")
        try:
            rows = bench(
                seconds, options["connections"], options["threads"], write=self.stdout.write
            )
        except ServeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("")
        self.stdout.write(bench_table(rows))
