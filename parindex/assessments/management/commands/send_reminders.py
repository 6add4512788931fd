from typing import Any

from django.core.management.base import BaseCommand

from parindex.assessments.services import assessment_reminders


class Command(BaseCommand):
    help = (
        "Queue reminders to units that have not submitted, REMINDER_DAYS days before their "
        "deadline (run_worker does it once a day; the outbox's send sends them)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{assessment_reminders()} reminders queued.")
