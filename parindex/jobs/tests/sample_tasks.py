"""Tasks for the tests of the jobs app: each leaves a trace in a file, so that a test
counts how often it started and how often it finished, across processes."""

from __future__ import annotations

import time
from pathlib import Path

from parindex.jobs.tasks import progress, task


def _append(path: str, line: str) -> None:
    with open(path, "a", encoding="utf-8") as log:  # O_APPEND: whole lines, any process
        log.write(line + "\n")


def _wait_for(path: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(str(path))
        time.sleep(0.05)


@task()
def stepper(*, gate: str, steps: int) -> str:
    """Goes one step further each time the test opens the step's gate (a file)."""
    for step in range(steps):
        progress(step="Checking the units", done=step, total=steps)
        _wait_for(Path(f"{gate}.{step}"))
    progress(step="Checking the units", done=steps, total=steps)
    return f"{steps} units checked."


@task()
def flaky(*, marker: str) -> str:
    """Fails the first time, succeeds afterwards."""
    path = Path(marker)
    if not path.exists():
        path.write_text("failed once")
        raise RuntimeError("the first run fails")
    return "It worked the second time."


@task()
def slow(*, log: str, seconds: float) -> str:
    """Takes its time, beating its heart; writes when it starts and when it is done."""
    _append(log, "start")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        progress(step="Working", done=0, total=1)
        time.sleep(0.1)
    _append(log, "done")
    return "Done."


@task()
def record(*, log: str, number: int) -> None:
    """Writes its number: a number twice in the file is a job run twice."""
    time.sleep(0.01)
    _append(log, str(number))
