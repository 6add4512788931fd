from typing import Any

from django.core.management.base import BaseCommand

from parindex.notify.services import outbox_send


class Command(BaseCommand):
    help = "Send the e-mails and SMS that are due (run it every minute from cron or a timer)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = outbox_send()
        self.stdout.write(f"{counts.sent} sent, {counts.retried} to retry, {counts.failed} failed.")
