"""The task of `manage.py bench_jobs`: does nothing, so that the cost measured is the
queue's and the job tracking's."""

from __future__ import annotations

from .tasks import task


@task()
def bench_noop(*, number: int) -> None:
    return None
