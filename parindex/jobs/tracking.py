"""Following each task as it runs: its job row, its progress, its heartbeat, its log lines.

The tasks framework's started and finished signals drive it, so it works the same for
every backend (the database worker, the immediate backend of tests) and in Django 6.
"""

from __future__ import annotations

import contextvars
import logging
import sys
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Job

logger = logging.getLogger("parindex.jobs")

# The job being enqueued in this context (so that a task run at once by the immediate
# backend finds its job), and the task running in this context (for progress()).
enqueuing: contextvars.ContextVar[int | None] = contextvars.ContextVar("enqueuing", default=None)
running: contextvars.ContextVar[str | None] = contextvars.ContextVar("running", default=None)
_started: dict[str, float] = {}


def progress(*, step: str = "", done: int = 0, total: int = 0) -> None:
    """Say how far the running task got (a step in words, done out of total); it also
    beats the job's heart. Does nothing outside a task."""
    task_id = running.get()
    if task_id is None:
        return
    Job.objects.filter(task_id=task_id).update(
        step=step[:200], done=max(0, done), total=max(0, total), heartbeat_at=timezone.now()
    )


def kind_of(task_path: str) -> str:
    """A task's kind in words: its periodic entry's, or its name."""
    entry = settings.JOBS_PERIODIC.get(task_path)
    if entry is not None:
        return str(entry["kind"])
    return task_path.rsplit(".", 1)[-1].replace("_", " ")


def error_words(error: BaseException | None, class_path: str = "") -> str:
    """What went wrong, for people: the error's own message when it has one written for
    them (a refusal), else its kind and where to find the rest."""
    message = getattr(error, "message", None)
    if isinstance(message, str) and message.strip():
        return message
    name = type(error).__name__ if error is not None else class_path.rsplit(".", 1)[-1]
    return _(
        "The job stopped on an unexpected error (%(error)s). The details are in the "
        "worker's log; the administrator can run it again."
    ) % {"error": name or "?"}


def _on_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    task_id = str(task_result.id)
    now = timezone.now()
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(task_id=task_id).first()
        pending = enqueuing.get()
        if job is None and pending is not None:
            job = Job.objects.select_for_update().filter(pk=pending).first()
            if job is not None:
                job.task_id = task_id
        if job is None:
            path = task_result.task.module_path
            with translation.override(settings.LANGUAGE_CODE):
                kind = kind_of(path)
            job = Job(task_id=task_id, task_path=path, task_kwargs=task_result.kwargs, kind=kind)
        job.status = Job.Status.RUNNING
        job.attempts += 1
        job.started_at = job.heartbeat_at = now
        job.finished_at = None
        job.error = ""
        job.save()
    running.set(task_id)
    _started[task_id] = time.monotonic()
    logger.info(
        "job %s started: %s (attempt %s)",
        job.pk,
        job.task_path,
        job.attempts,
        extra={"job": job.pk, "task": job.task_path, "outcome": "started"},
    )


def _on_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    task_id = str(task_result.id)
    running.set(None)
    began = _started.pop(task_id, None)
    duration_ms = round((time.monotonic() - began) * 1000) if began is not None else None
    failed = task_result.status == "FAILED"
    now = timezone.now()
    update: dict[str, Any] = {"finished_at": now, "heartbeat_at": now}
    if failed:
        # The workers send this signal while handling the error: it is still at hand.
        error = sys.exc_info()[1]
        class_path = task_result.errors[-1].exception_class_path if task_result.errors else ""
        with translation.override(settings.LANGUAGE_CODE):
            update.update(status=Job.Status.FAILED, error=error_words(error, class_path))
    else:
        value = task_result.return_value
        update.update(status=Job.Status.SUCCEEDED, outcome=value if isinstance(value, str) else "")
    # Only a job still running this task: a recovered job has moved on to another.
    Job.objects.filter(task_id=task_id, status=Job.Status.RUNNING).update(**update)
    job = Job.objects.filter(task_id=task_id).values_list("pk", "task_path").first()
    outcome = "failed" if failed else "succeeded"
    logger.log(
        logging.WARNING if failed else logging.INFO,
        "job %s %s in %s ms",
        job[0] if job else "?",
        outcome,
        duration_ms,
        extra={
            "job": job[0] if job else None,
            "task": job[1] if job else task_result.task.module_path,
            "outcome": outcome,
            "duration_ms": duration_ms,
        },
    )


def connect() -> None:
    from .tasks import task_finished, task_started

    task_started.connect(_on_started, dispatch_uid="parindex.jobs.started")
    task_finished.connect(_on_finished, dispatch_uid="parindex.jobs.finished")
