"""How many jobs a second the workers get through: N jobs of a task that does nothing,
queued, then W workers (`run_worker --batch`) started together and timed until the
queue is empty. Use a database of its own (DATABASE_URL): it leaves N jobs behind."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from argparse import ArgumentTypeError
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from parindex.jobs.bench import bench_noop
from parindex.jobs.models import Job
from parindex.jobs.services import job_enqueue

ROOT = Path(__file__).resolve().parents[4]


def bounded(low: int, high: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        number = int(value)
        if not low <= number <= high:
            raise ArgumentTypeError(f"between {low} and {high}")
        return number

    return parse


class Command(BaseCommand):
    help = "Measure the workers' throughput on this database (jobs/s)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--jobs", type=bounded(1, 100_000), default=1000)
        parser.add_argument("--workers", type=bounded(1, 32), default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        count, workers = options["jobs"], options["workers"]
        started = time.perf_counter()
        jobs = [job_enqueue(task=bench_noop, kind="bench", number=n).pk for n in range(count)]
        queued = time.perf_counter() - started
        connection.close()
        started = time.perf_counter()
        processes = [
            subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "run_worker",
                    "--batch",
                    "--no-startup-delay",
                    "--interval",
                    "0",
                    "-v",
                    "0",
                ],
                cwd=ROOT,
                env=os.environ.copy(),
            )
            for _ in range(workers)
        ]
        for process in processes:
            process.wait()
        elapsed = time.perf_counter() - started
        done = Job.objects.filter(pk__in=jobs, status=Job.Status.SUCCEEDED).count()
        twice = Job.objects.filter(pk__in=jobs, attempts__gt=1).count()
        self.stdout.write(
            f"{connection.vendor}: {count} jobs queued in {queued:.1f} s "
            f"({count / queued:.0f}/s); {workers} workers ran {done} in {elapsed:.1f} s "
            f"({done / elapsed:.0f} jobs/s, worker start-up included); run twice: {twice}."
        )
