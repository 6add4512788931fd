"""What the workers do beside the queue, step by step: a running job whose heart stopped
is queued again, at most JOBS_MAX_ATTEMPTS runs, then fails saying why; a periodic task
is enqueued once when due, however many workers ask; each task writes one log line when
it starts and one when it ends."""

from __future__ import annotations

import datetime
import logging
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from parindex.conftest import Cast
from parindex.jobs.models import Job, Schedule
from parindex.jobs.services import (
    job_enqueue,
    jobs_prune,
    jobs_recover_stale,
    schedules_enqueue_due,
)

from .sample_tasks import flaky, record

NOW = timezone.now()


def running_since(job: Job, seconds: int, attempts: int) -> None:
    """As a worker leaves a job it was running when it died."""
    DBTaskResult.objects.filter(id=job.task_id).update(status="RUNNING")
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING,
        attempts=attempts,
        heartbeat_at=NOW - datetime.timedelta(seconds=seconds),
    )


def test_a_job_whose_heart_stopped_is_queued_again(cast: Cast, tmp_path: Path) -> None:
    job = job_enqueue(task=record, kind="Ghi số", log=str(tmp_path / "log"), number=1)
    lost_task = job.task_id
    running_since(job, seconds=121, attempts=1)
    fresh = job_enqueue(task=record, kind="Ghi số", log=str(tmp_path / "log"), number=2)
    running_since(fresh, seconds=5, attempts=1)  # alive: its heart beat 5 s ago
    assert jobs_recover_stale(now=NOW) == 1
    assert jobs_recover_stale(now=NOW) == 0  # a second worker finds nothing left
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.task_id != lost_task
    assert DBTaskResult.objects.get(id=lost_task).status == "FAILED"
    assert DBTaskResult.objects.get(id=job.task_id).status == "READY"
    assert Job.objects.get(pk=fresh.pk).status == Job.Status.RUNNING


def test_after_the_last_attempt_the_job_fails_with_its_reason(cast: Cast, tmp_path: Path) -> None:
    job = job_enqueue(task=record, kind="Ghi số", log=str(tmp_path / "log"), number=1)
    running_since(job, seconds=500, attempts=3)
    assert jobs_recover_stale(now=NOW) == 1
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == (
        "Tiến trình chạy công việc này đã dừng đột ngột 3 lần, mức tối đa cho phép; công "
        "việc không được chạy lại nữa."
    )
    assert DBTaskResult.objects.filter(status="READY").count() == 0


def test_a_periodic_task_is_enqueued_once_when_due(db: None, settings: Any) -> None:
    settings.JOBS_PERIODIC = {
        "parindex.jobs.tests.sample_tasks.record": {"every": 60, "kind": "Ghi số"}
    }
    first = schedules_enqueue_due(now=NOW)
    assert [job.kind for job in first] == ["Ghi số"]
    assert schedules_enqueue_due(now=NOW) == []  # the other workers, at the same moment
    assert schedules_enqueue_due(now=NOW + datetime.timedelta(seconds=59)) == []
    assert len(schedules_enqueue_due(now=NOW + datetime.timedelta(seconds=60))) == 1
    assert Schedule.objects.get().next_run_at == NOW + datetime.timedelta(seconds=120)
    assert DBTaskResult.objects.count() == 2


def test_old_successes_are_pruned_and_failures_kept(
    cast: Cast, tmp_path: Path, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    open(tmp_path / "m", "w").close()
    done = job_enqueue(task=flaky, kind="Việc thử", marker=str(tmp_path / "m"))
    failed = job_enqueue(task=flaky, kind="Việc thử", marker=str(tmp_path / "other"))
    Job.objects.update(finished_at=NOW - datetime.timedelta(days=8))
    assert jobs_prune(now=NOW) == 1
    assert list(Job.objects.values_list("pk", flat=True)) == [failed.pk]
    assert not Job.objects.filter(pk=done.pk).exists()


@pytest.mark.usefixtures("immediate")
def test_each_task_logs_its_start_and_its_end(
    cast: Cast, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    logger = logging.getLogger("parindex.jobs")
    logger.addHandler(caplog.handler)  # the logger does not propagate to the root
    try:
        job = job_enqueue(task=flaky, kind="Việc thử", marker=str(tmp_path / "m"))
    finally:
        logger.removeHandler(caplog.handler)
    start, end = [r for r in caplog.records if r.name == "parindex.jobs"]
    assert (start.job, start.task, start.outcome) == (  # type: ignore[attr-defined]
        job.pk,
        "parindex.jobs.tests.sample_tasks.flaky",
        "started",
    )
    assert (end.job, end.outcome) == (job.pk, "failed")  # type: ignore[attr-defined]
    assert isinstance(end.duration_ms, int) and end.levelno == logging.WARNING  # type: ignore[attr-defined]


def test_a_job_whose_task_is_gone_fails_instead_of_stopping_the_upkeep(
    cast: Cast, tmp_path: Path
) -> None:
    job = job_enqueue(task=record, kind="Ghi số", log=str(tmp_path / "log"), number=1)
    running_since(job, seconds=500, attempts=1)
    Job.objects.filter(pk=job.pk).update(task_path="parindex.jobs.tests.sample_tasks.gone")
    assert jobs_recover_stale(now=NOW) == 1
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert (
        job.error == "Công việc này thuộc một tác vụ không còn trong phiên bản parindex hiện tại."
    )
