"""The benchmarks run on a small synthetic cycle, or on the demo, and keep nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from parindex.assessments.models import Cycle
from parindex.org.models import Unit, User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("command", ["bench_engine", "bench_results", "bench_assessments"])
def test_a_benchmark_rolls_its_synthetic_cycle_back(command: str) -> None:
    out = StringIO()
    call_command(command, units=3, leaves=16, repeat=1, stdout=out)
    assert "median" in out.getvalue() and "(synthetic data rolled back)" in out.getvalue()
    assert not (Cycle.objects.exists() or Unit.objects.exists() or User.objects.exists())


def test_the_pages_benchmark_times_the_demo() -> None:
    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("bench_pages", repeat=1, stdout=out)
    assert "page: a unit's self-assessment" in out.getvalue()
