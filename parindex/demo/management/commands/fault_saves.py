"""Fault test of the server: kill -9 gunicorn (master and workers) in the middle of
leaf saves, restart it, and check that every acknowledged save is in the database, that
no change is half-written (each has its audit row, each audit row its change), and that
the restarted server saves again. On the demo data of DATABASE_URL (PostgreSQL).

    DATABASE_URL=postgres://… python manage.py fault_saves [--scorers 8]
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parindex.demo.serving import ServeError, ensure_data, fault_run, savable_leaves


class Command(BaseCommand):
    help = "kill -9 the server in the middle of saves; check nothing acknowledged is lost."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scorers", type=int, default=8)

    def handle(self, *args: Any, **options: Any) -> None:
        scorers = options["scorers"]
        if not 1 <= scorers <= 40:
            raise CommandError("--scorers between 1 and 40.")
        try:
            ensure_data(self.stdout.write)
            report = fault_run(lambda: savable_leaves(scorers), write=self.stdout.write)
        except ServeError as error:
            raise CommandError(str(error)) from error
        failed = [
            problem
            for check in (report.interrupted, report.after_restart)
            for problem in check.problems
        ]
        if failed or not report.after_restart.acknowledged:
            raise CommandError("\n".join(failed) or "no save after the restart")
        self.stdout.write("no acknowledged save lost, no half-written change, audit matches.")
