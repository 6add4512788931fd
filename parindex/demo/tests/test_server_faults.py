"""The server killed with kill -9 (master and workers) in the middle of saves loses no
acknowledged save and leaves no half-written change: after the restart every saved leaf
has its audit row and every audit row its change, and the server saves again.

Real gunicorn, real PostgreSQL, real SIGKILL; wrk drives the saves."""

from __future__ import annotations

import shutil
import time

import pytest
from django.db import connection

from parindex.assessments.models import Assessment, Cycle
from parindex.conftest import Cast
from parindex.demo.serving import fault_run, savable_leaves

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the server reads what the test commits
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the production server runs on PostgreSQL"
    ),
    pytest.mark.skipif(
        shutil.which("wrk") is None, reason="wrk is not installed (make bench-deps)"
    ),
]


def test_kill_9_in_the_middle_of_saves_loses_nothing_acknowledged(
    cast: Cast, cycle: Cycle, assessment_a: Assessment
) -> None:
    scorers = {cast.unit_a.code: cast.scorer_a, cast.unit_b.code: cast.scorer_b}
    start = time.monotonic()
    report = fault_run(
        lambda: savable_leaves(6, cycle=cycle, scorer_of=scorers.get),
        before_kill=2.0,
        after=2.0,
        write=lambda _line: None,
    )
    assert report.acknowledged_before > 0  # the kill came in the middle of saves
    interrupted = report.interrupted
    assert interrupted.problems == []
    assert interrupted.lost == 0 and interrupted.audit_mismatches == 0
    # Committed but not acknowledged (the answer died with the worker) is allowed; the
    # reverse is not.
    assert interrupted.committed >= interrupted.acknowledged > 0
    restarted = report.after_restart
    assert restarted.acknowledged > 0 and restarted.problems == []
    assert time.monotonic() - start < 60
