"""Benchmark: compute a whole cycle from the database (issue 3's target: 3,000 units x
120 leaves under 2 s). Builds a synthetic cycle, times results_compute, counts queries.

    python manage.py bench_engine [--units 3000] [--leaves 120] [--repeat 3] [--keep]
"""

import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction

from parindex.assessments.models import Assessment, AssessmentItem
from parindex.demo.bench import make_cycle, query_counter
from parindex.org.models import Unit
from parindex.results.models import ResultRow
from parindex.results.services import results_compute
from parindex.surveys.models import UnitSurveyResult


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the computation of a synthetic cycle from the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--units", type=int, default=3000)
        parser.add_argument("--leaves", type=int, default=120)
        parser.add_argument("--repeat", type=int, default=3)
        parser.add_argument("--keep", action="store_true", help="keep the synthetic data")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                self._run(options)
                if not options["keep"]:
                    raise Rollback
        except Rollback:
            self.stdout.write("(synthetic data rolled back)")
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                self._vacuum()

    def _vacuum(self) -> None:
        """PostgreSQL keeps rolled-back rows as dead ones until vacuumed: a dozen runs
        leave millions in the items table, and the next runs scan them (+0.25 s)."""
        tables = [
            model._meta.db_table
            for model in (AssessmentItem, Assessment, UnitSurveyResult, ResultRow, Unit)
        ]
        with connection.cursor() as cursor:
            cursor.execute("VACUUM " + ", ".join(connection.ops.quote_name(t) for t in tables))

    def _run(self, options: dict[str, Any]) -> None:
        started = time.perf_counter()
        cycle = make_cycle(year=2900, units=options["units"], leaves=options["leaves"])
        self.stdout.write(
            f"database: {connection.vendor}; built {options['units']} units x "
            f"{options['leaves']} leaves in {time.perf_counter() - started:.1f} s"
        )
        timings = []
        for number in range(options["repeat"]):
            queries: list[str] = []
            start = time.perf_counter()
            with connection.execute_wrapper(query_counter(queries)):
                snapshot = results_compute(cycle=cycle, by=None)
            timings.append(time.perf_counter() - start)
            self.stdout.write(
                f"run {number + 1}: {timings[-1]:.2f} s, {len(queries)} queries, "
                f"{snapshot.rows.count()} results"
            )
        self.stdout.write(f"median {statistics.median(timings):.2f} s")
