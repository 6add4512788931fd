"""Starting, retrying and recovering jobs, and enqueueing the periodic tasks."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from . import tracking
from .models import Job, Schedule
from .tasks import Task, TaskResultStatus

logger = logging.getLogger("parindex.jobs")


def _task_of(job: Job) -> Task[Any, Any] | None:
    """The job's task, or None if this version of the code no longer has it."""
    try:
        task = import_string(job.task_path)
    except ImportError:
        return None
    return task if isinstance(task, Task) else None


def _enqueue(job: Job, task: Task[Any, Any]) -> None:
    """Hand the job's task to the backend and remember the task's id."""
    token = tracking.enqueuing.set(job.pk)
    try:
        result = task.enqueue(**job.task_kwargs)
    finally:
        tracking.enqueuing.reset(token)
    # The immediate backend ran it already, and its start gave the job this id.
    Job.objects.filter(pk=job.pk, task_id__isnull=True).update(task_id=str(result.id))
    job.refresh_from_db()


def job_enqueue(
    *, task: Task[Any, Any], kind: str, by: Any = None, link: str = "", **kwargs: Any
) -> Job:
    """Queue a task as a job people can follow: `kind` says what it is in words, `by` is
    who started it, `link` the page to go on to when it is done. The task's keyword
    arguments must be JSON (ids, not objects)."""
    with transaction.atomic():
        job = Job.objects.create(
            task_path=task.module_path,
            task_kwargs=kwargs,
            kind=kind[:200],
            started_by=by,
            link=link[:300],
        )
        _enqueue(job, task)
    return job


def job_retry(*, job: Job, by: Any) -> bool:
    """Run a failed job again, from its first step; False if it is not failed (any more)."""
    with transaction.atomic():
        claimed = Job.objects.filter(pk=job.pk, status=Job.Status.FAILED).update(
            status=Job.Status.QUEUED,
            task_id=None,
            attempts=0,
            error="",
            outcome="",
            step="",
            done=0,
            total=0,
            finished_at=None,
        )
        task = _task_of(job)
        if not claimed or task is None:
            transaction.set_rollback(True)
            return False
        job.refresh_from_db()
        _enqueue(job, task)
    logger.info(
        "job %s retried by %s",
        job.pk,
        getattr(by, "username", "?"),
        extra={"job": job.pk, "task": job.task_path, "outcome": "retried"},
    )
    return True


def jobs_recover_stale(*, now: datetime.datetime | None = None) -> int:
    """Queue again each running job whose heart stopped (its worker was killed), up to
    JOBS_MAX_ATTEMPTS runs; past that, fail it with the reason. Returns how many."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.JOBS_STALE_SECONDS)
    stale = list(
        Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    recovered = 0
    for pk in stale:
        with transaction.atomic():
            job = Job.objects.filter(pk=pk).first()
            if job is None:
                continue
            # One worker wins the job: the update only matches while it is still stale.
            won = Job.objects.filter(
                pk=pk, status=Job.Status.RUNNING, heartbeat_at__lt=cutoff
            ).update(status=Job.Status.QUEUED, task_id=None)
            if not won:
                continue
            # django-tasks-db would leave the dead worker's task running for ever.
            DBTaskResult.objects.filter(
                id=job.task_id or "", status=TaskResultStatus.RUNNING
            ).update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path="parindex.jobs.WorkerLost",
                traceback="The worker running this task stopped; its job was recovered.",
            )
            job.refresh_from_db()
            task = _task_of(job)
            error = ""
            with translation.override(settings.LANGUAGE_CODE):
                if job.attempts >= settings.JOBS_MAX_ATTEMPTS:
                    error = _(
                        "The worker running this job stopped %(count)s times, the most "
                        "allowed; it was not started again."
                    ) % {"count": job.attempts}
                elif task is None:
                    error = _("This job's task no longer exists in this version of parindex.")
            if error or task is None:
                Job.objects.filter(pk=pk).update(
                    status=Job.Status.FAILED, error=error, finished_at=now
                )
                outcome = "failed"
            else:
                _enqueue(job, task)
                outcome = "requeued"
            recovered += 1
        logger.warning(
            "job %s lost its worker: %s",
            pk,
            outcome,
            extra={"job": pk, "task": job.task_path, "outcome": outcome},
        )
    return recovered


def schedules_enqueue_due(*, now: datetime.datetime | None = None) -> list[Job]:
    """Enqueue each periodic task of JOBS_PERIODIC that is due, once whatever the number
    of workers asking at the same time; returns the jobs queued."""
    now = now or timezone.now()
    queued = []
    periodic: dict[str, dict[str, Any]] = settings.JOBS_PERIODIC
    for path, entry in periodic.items():
        if not Schedule.objects.filter(task_path=path).exists():
            try:
                with transaction.atomic():
                    Schedule.objects.create(task_path=path, next_run_at=now)
            except IntegrityError:
                pass  # another worker created it
        with transaction.atomic():
            won = Schedule.objects.filter(task_path=path, next_run_at__lte=now).update(
                next_run_at=now + datetime.timedelta(seconds=int(entry["every"]))
            )
            if won:
                with translation.override(settings.LANGUAGE_CODE):
                    kind = str(entry["kind"])
                queued.append(job_enqueue(task=import_string(path), kind=kind))
    return queued


def jobs_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete the jobs that succeeded more than JOBS_KEEP_DAYS ago, and their tasks."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.JOBS_KEEP_DAYS)
    with transaction.atomic():
        deleted, _counts = Job.objects.filter(
            status=Job.Status.SUCCEEDED, finished_at__lt=cutoff
        ).delete()
        DBTaskResult.objects.filter(
            status=TaskResultStatus.SUCCESSFUL, finished_at__lt=cutoff
        ).delete()
    return deleted
