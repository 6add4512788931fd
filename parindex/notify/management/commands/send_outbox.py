from typing import Any

from django.core.management.base import BaseCommand

from parindex.notify.services import outbox_send


class Command(BaseCommand):
    help = (
        "Send the e-mails and SMS that are due now (run_worker does it every minute and "
        "whenever messages are queued: this is for doing it by hand)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = outbox_send()
        self.stdout.write(f"{counts.sent} sent, {counts.retried} to retry, {counts.failed} failed.")
