"""The real worker (`manage.py run_worker`, separate processes) runs the jobs: a job's
page shows its progress while it runs; a failed job retried from its page runs to
success; a worker killed with kill -9 in the middle of a task leaves its job to the next
worker, which runs it to completion once; two workers on one PostgreSQL never run one
job twice."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from parindex.conftest import Cast
from parindex.jobs.models import Job
from parindex.jobs.services import job_enqueue

from .conftest import Workers, wait_until
from .sample_tasks import flaky, record, slow, stepper

POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def job_status(job: Job) -> str:
    job.refresh_from_db()
    return job.status


def test_the_page_shows_the_progress_of_a_running_job(
    cast: Cast, workers: Workers, tmp_path: Path
) -> None:
    gate = tmp_path / "gate"
    job = job_enqueue(
        task=stepper, kind="Kiểm tra các đơn vị", by=cast.admin, gate=str(gate), steps=3
    )
    admin = cast.client(cast.admin)
    queued = admin.get(job.get_absolute_url()).content.decode()
    assert "Đang chờ" in queued and 'hx-trigger="every 2s"' in queued
    workers.start()
    for step in range(3):
        # What HTMX fetches every two seconds: the partial alone, still polling.
        partial = wait_until(
            lambda step=step: (
                (
                    text := admin.get(
                        job.get_absolute_url(), headers={"HX-Request": "true"}
                    ).content.decode()
                )
                and f"{step} / 3" in text
                and text
            ),
            what=f"step {step}",
        )
        assert "Đang chạy" in partial and 'hx-trigger="every 2s"' in partial
        assert "<html" not in partial and f'<progress max="3" value="{step}">' in partial
        Path(f"{gate}.{step}").touch()
    assert wait_until(lambda: job_status(job) == Job.Status.SUCCEEDED, what="success")
    done = admin.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert "3 units checked." in done and "hx-trigger" not in done  # polling stops


def test_a_failed_job_is_retried_to_success(cast: Cast, workers: Workers, tmp_path: Path) -> None:
    job = job_enqueue(task=flaky, kind="Việc thử", by=cast.admin, marker=str(tmp_path / "m"))
    workers.start()
    assert wait_until(lambda: job_status(job) == Job.Status.FAILED, what="the failure")
    assert "RuntimeError" in job.error
    first_task = job.task_id
    assert DBTaskResult.objects.get(id=first_task).status == "FAILED"
    response = cast.client(cast.admin).post(
        reverse("jobs:retry", args=[job.pk]), {"confirmed": "on"}, follow=True
    )
    assert "Công việc đã được xếp hàng chạy lại." in response.content.decode()
    assert wait_until(lambda: job_status(job) == Job.Status.SUCCEEDED, what="the retry")
    assert job.outcome == "It worked the second time." and job.error == ""
    assert job.task_id != first_task and job.attempts == 1


def test_a_job_whose_worker_was_killed_runs_again_to_completion_once(
    cast: Cast, workers: Workers, tmp_path: Path
) -> None:
    log = tmp_path / "log"
    job = job_enqueue(task=slow, kind="Việc dài", by=cast.admin, log=str(log), seconds=2)
    first = workers.start()
    wait_until(lambda: log.exists() and log.read_text() == "start\n", what="the start")
    workers.kill(first)  # kill -9 in the middle of the task
    killed_task = job.task_id
    assert job_status(job) == Job.Status.RUNNING  # as the dead worker left it
    assert DBTaskResult.objects.get(id=killed_task).status == "RUNNING"
    workers.start()
    assert wait_until(lambda: job_status(job) == Job.Status.SUCCEEDED, what="the recovery")
    assert log.read_text() == "start\nstart\ndone\n"  # completed exactly once
    assert job.attempts == 2 and job.task_id != killed_task
    # The dead worker's task no longer says it runs.
    assert DBTaskResult.objects.get(id=killed_task).status == "FAILED"
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"


@pytest.mark.skipif(not POSTGRESQL, reason="needs PostgreSQL (SKIP LOCKED between processes)")
def test_two_workers_never_run_one_job_twice(cast: Cast, workers: Workers, tmp_path: Path) -> None:
    log = tmp_path / "log"
    jobs = [
        job_enqueue(task=record, kind="Ghi số", log=str(log), number=number)
        for number in range(200)
    ]
    workers.start()
    workers.start()
    wait_until(
        lambda: (
            Job.objects.filter(pk__in=[job.pk for job in jobs], status=Job.Status.SUCCEEDED).count()
            == 200
        ),
        seconds=120,
        what="200 jobs",
    )
    numbers = log.read_text().split()
    assert sorted(int(number) for number in numbers) == list(range(200))  # each once
    ran_by = Counter(
        worker_ids[0]
        for worker_ids in DBTaskResult.objects.filter(
            task_path="parindex.jobs.tests.sample_tasks.record"
        ).values_list("worker_ids", flat=True)
    )
    assert len(ran_by) == 2 and sum(ran_by.values()) == 200  # both worked, one claim each
    assert set(
        Job.objects.filter(pk__in=[job.pk for job in jobs]).values_list("attempts", flat=True)
    ) == {1}
