"""The worker: django-tasks-db's, plus what that one lacks.

Several can run at once, on several machines, against one PostgreSQL: each claims a task
with SELECT … FOR UPDATE SKIP LOCKED in the transaction that marks it running, so no task
runs twice. Beside the queue, a thread of each worker beats the heart of the job it runs,
queues again the jobs of workers that died (their heart stopped), enqueues the periodic
tasks (JOBS_PERIODIC) when due and prunes old jobs.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from parindex.jobs.models import Job
from parindex.jobs.services import jobs_prune, jobs_recover_stale, schedules_enqueue_due

logger = logging.getLogger("parindex.jobs")
PRUNE_EVERY_SECONDS = 60 * 60


class Worker(db_worker.Worker):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.current: str | None = None
        self.beating = threading.Event()
        self.pruned_at = 0.0

    def run_task(self, db_task_result: DBTaskResult[Any, Any]) -> None:
        self.current = str(db_task_result.id)
        try:
            super().run_task(db_task_result)
        finally:
            self.current = None

    def beat(self) -> None:
        """Every JOBS_HEARTBEAT_SECONDS: the heartbeat, recovery, the periodic tasks."""
        while True:
            try:
                self.maintain()
            except Exception:
                logger.exception("the worker's upkeep failed; it tries again")
            finally:
                connection.close()
            if self.beating.wait(settings.JOBS_HEARTBEAT_SECONDS):
                return

    def maintain(self) -> None:
        current = self.current
        if current is not None:
            Job.objects.filter(task_id=current, status=Job.Status.RUNNING).update(
                heartbeat_at=timezone.now()
            )
        jobs_recover_stale()
        schedules_enqueue_due()
        if time.monotonic() - self.pruned_at > PRUNE_EVERY_SECONDS:
            self.pruned_at = time.monotonic()
            jobs_prune()

    def run(self) -> None:
        beater = threading.Thread(target=self.beat, name="jobs-upkeep", daemon=True)
        beater.start()
        try:
            super().run()
        finally:
            self.beating.set()


class Command(db_worker.Command):
    help = (
        "Run the background worker: the task queue, the jobs' heartbeat, the recovery of "
        "jobs whose worker died, and the periodic tasks (the outbox, the reminders)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        # No --reload: restarting on a code change would kill the running task.
        worker = Worker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        worker.run()
