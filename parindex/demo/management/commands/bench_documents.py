"""Benchmark: the documents of the demo's cycle carried to publication.

Loads the demo province (if it is not there), answers, appraises and publishes its 2024
cycle (40 units, four groups, the real frameworks, the demo's surveys), then times the
annual report, every unit's letter, the workbook and the report's PDF, each with its
queries. Everything is rolled back.

    python manage.py bench_documents [--repeat 3]
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction

from parindex.assessments.models import Cycle
from parindex.demo.bench import Rollback, query_counter
from parindex.demo.completed import complete_cycle
from parindex.demo.province import load_demo
from parindex.documents.sources import year_source

YEAR = 2024
TARGETS = {"report": 10.0, "letters (all units)": 20.0}  # seconds, issue 12


class Command(BaseCommand):
    help = "Time the report, the letters and the workbook of the demo's published cycle."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=3)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                self.run(options["repeat"])
                raise Rollback
        except Rollback:
            self.stdout.write("(the completed cycle rolled back)")

    def run(self, repeat: int) -> None:
        from parindex.documents.letters import build_letters
        from parindex.documents.pdf import PdfUnavailable, to_pdf
        from parindex.documents.report import build_report
        from parindex.documents.workbook import build_workbook

        started = time.perf_counter()
        load_demo()
        cycle = Cycle.objects.get(year=YEAR)
        snapshot = complete_cycle(cycle)
        self.stdout.write(
            f"database: {connection.vendor}; {snapshot.rows.count()} units published "
            f"(revision {snapshot.revision}) in {time.perf_counter() - started:.1f} s"
        )

        def report() -> bytes:
            source = year_source(YEAR)
            assert source is not None
            return build_report(source)

        def letters() -> bytes:
            source = year_source(YEAR)
            assert source is not None
            return build_letters(source)

        def workbook() -> bytes:
            source = year_source(YEAR)
            assert source is not None
            return build_workbook(source)

        content = report()
        cases: list[tuple[str, Callable[[], bytes]]] = [
            ("report", report),
            ("letters (all units)", letters),
            ("workbook", workbook),
        ]
        try:
            to_pdf(content, ".docx")
            cases.append(("report as PDF (LibreOffice)", lambda: to_pdf(content, ".docx")))
        except PdfUnavailable as missing:
            self.stdout.write(f"PDF: {missing.message}")
        for label, action in cases:
            queries: list[str] = []
            with connection.execute_wrapper(query_counter(queries)):
                made = action()
            timings = []
            for _ in range(repeat):
                start = time.perf_counter()
                action()
                timings.append(time.perf_counter() - start)
            target = TARGETS.get(label)
            self.stdout.write(
                f"{label:<30} median {statistics.median(timings):6.2f} s   "
                f"max {max(timings):6.2f} s   {len(queries):4d} queries   "
                f"{len(made) // 1024:5d} KiB" + (f"   target < {target:.0f} s" if target else "")
            )
