"""Load test: citizens on the public results pages and scorers saving leaves at once,
against gunicorn (2 workers) and the PostgreSQL of DATABASE_URL, on loopback only, for a
bounded time; then every acknowledged save is looked for in the database.

    DATABASE_URL=postgres://… python manage.py load_test [--citizens 200] [--scorers 40]
        [--seconds 60]
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parindex.demo.serving import ServeError, load_run, load_table


class Command(BaseCommand):
    help = "Citizens and scorers at once under gunicorn; requests/s, latencies, rows lost."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--citizens", type=int, default=200)
        parser.add_argument("--scorers", type=int, default=40)
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument(
            "--threads", type=int, default=1, choices=range(1, 17), help="per gunicorn worker"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        citizens, scorers, seconds = options["citizens"], options["scorers"], options["seconds"]
        if not (1 <= citizens <= 1000 and 1 <= scorers <= 40 and 1 <= seconds <= 600):
            raise CommandError("--citizens 1-1000, --scorers 1-40, --seconds 1-600.")
        try:
            report = load_run(
                citizens, scorers, seconds, options["threads"], write=self.stdout.write
            )
        except ServeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(load_table(report, citizens, scorers))
        if report.citizens.errors or report.scorers.errors or report.check.lost:
            raise CommandError("errors or lost saves: see above")
