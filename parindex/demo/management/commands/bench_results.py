"""Benchmark: the results pages of a large published cycle, with their queries.

Builds a synthetic cycle (default 3,000 units x 120 leaves in one group), computes and
publishes it, then times each page and download through Django's test client as an
anonymous visitor (median of N runs) and counts its queries. Everything is rolled back.

    python manage.py bench_results [--units 3000] [--leaves 120] [--repeat 5]
"""

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client

from parindex.demo.bench import SyntheticBenchCommand, make_published_cycle, time_cases

YEAR = 2901


class Command(SyntheticBenchCommand):
    help = "Time the results pages of a large published cycle."

    def run(self, options: dict[str, Any]) -> None:
        make_published_cycle(year=YEAR, units=options["units"], leaves=options["leaves"])
        self.stdout.write(f"database: {connection.vendor}; {options['units']} units published")
        client = Client()
        unit = f"bench-{YEAR}-0"
        cases: list[tuple[str, Callable[[], Any]]] = [
            ("page: the year's table", lambda: client.get(f"/results/{YEAR}/")),
            ("page: the year by field", lambda: client.get(f"/results/{YEAR}/fields/")),
            ("page: a unit's results", lambda: client.get(f"/results/{YEAR}/{unit}/")),
            ("download: the year as Excel", lambda: client.get(f"/results/{YEAR}/results.xlsx")),
            ("download: fields as Excel", lambda: client.get(f"/results/{YEAR}/fields.xlsx")),
            ("page: the years", lambda: client.get("/results/")),
        ]
        time_cases(cases, options["repeat"], self.stdout.write)
