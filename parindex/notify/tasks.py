"""The outbox's task: send what is due. The workers run it every minute (JOBS_PERIODIC)
and soon after a transaction queues messages (`outbox_kick`)."""

from __future__ import annotations

from django.utils.translation import gettext as _

# notify imports nothing of ours (architecture), so it takes the tasks API's decorator
# from the backport itself: with parindex/jobs/tasks.py, the only import to change for
# Django 6 (`django.tasks`); parindex/jobs/tests/test_tasks_api.py keeps it that way.
from django_tasks import task


@task()
def outbox_send_due() -> str:
    from .services import outbox_send

    counts = outbox_send()
    return _("%(sent)s messages sent, %(retried)s to retry, %(failed)s failed.") % {
        "sent": counts.sent,
        "retried": counts.retried,
        "failed": counts.failed,
    }
