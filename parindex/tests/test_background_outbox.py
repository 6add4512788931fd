"""With a worker running (as `make demo` runs one), messages go out with no cron: a
transaction that queues messages enqueues one send, which the worker runs at once, well
before the minute-by-minute send."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from parindex.jobs.models import Job
from parindex.jobs.services import schedules_enqueue_due
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


def test_the_periodic_tasks_send_the_outbox_and_queue_the_reminders(
    db: None, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    queue_three()
    send, remind, remind_tasks = schedules_enqueue_due()
    assert (send.task_path, remind.task_path, remind_tasks.task_path) == (
        SEND,
        "parindex.assessments.tasks.reminders_queue",
        "parindex.followup.tasks.task_reminders_queue",
    )
    assert send.status == remind.status == remind_tasks.status == Job.Status.SUCCEEDED
    assert remind_tasks.kind == "Xếp hàng nhắc hạn nhiệm vụ khắc phục"
    assert send.kind == "Gửi các thư và tin nhắn đến hạn"
    assert send.outcome == "Đã gửi 3 tin, 0 tin sẽ gửi lại, 0 tin không gửi được."
    assert remind.outcome == "Đã xếp 0 lời nhắc vào hộp thư đi."
    assert Message.objects.filter(status=Message.Status.SENT).count() == 3


def test_the_commands_still_work_by_hand(db: None) -> None:
    queue_three()
    out = StringIO()
    call_command("send_outbox", stdout=out)
    assert out.getvalue() == "3 sent, 0 to retry, 0 failed.\n"
    call_command("send_reminders", stdout=out)
    assert out.getvalue().endswith("0 reminders queued.\n")
