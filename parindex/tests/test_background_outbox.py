"""With a worker running (as `make demo` runs one), messages go out with no cron: a
transaction that queues messages enqueues one send, which the worker runs at once, well
before the minute-by-minute send."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from parindex.jobs.models import Job
from parindex.jobs.tests.conftest import Workers, wait_until
from parindex.notify.models import Message
from parindex.notify.services import message_enqueue

SEND = "parindex.notify.tasks.outbox_send_due"


@pytest.fixture
def workers(transactional_db: None, tmp_path: Path) -> Iterator[Workers]:
    pool = Workers(tmp_path)
    yield pool
    pool.stop()


def queue_three() -> None:
    with transaction.atomic():
        for number in range(3):
            message_enqueue(
                event_key=f"test:{number}",
                channel=Message.Channel.EMAIL,
                recipient=f"so{number}@example.org",
                subject="Nhắc hạn tự đánh giá",
                body="Còn 3 ngày.",
            )


def test_queued_messages_enqueue_one_send(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queue_three()
    assert len(callbacks) == 1
    assert DBTaskResult.objects.filter(task_path=SEND).count() == 1


def test_the_worker_sends_queued_messages_at_once(workers: Workers) -> None:
    workers.start()
    # At its start the worker runs the periodic send; the next is a minute away.
    wait_until(
        lambda: Job.objects.filter(task_path=SEND, status=Job.Status.SUCCEEDED).exists(),
        what="the first periodic send",
    )
    queue_three()
    assert wait_until(
        lambda: Message.objects.filter(status=Message.Status.SENT).count() == 3,
        seconds=30,
        what="three messages sent",
    )
    assert Job.objects.filter(task_path=SEND).count() == 2
