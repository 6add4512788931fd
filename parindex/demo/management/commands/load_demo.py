from typing import Any

from django.core.management.base import BaseCommand

from parindex.demo.province import load_demo


class Command(BaseCommand):
    help = "Load the demo province (idempotent: existing data is kept)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = load_demo()
        self.stdout.write(
            "Demo loaded: {units} units, {users} accounts, {frameworks} frameworks, "
            "{results} results, {assessments} assessments, {responses} generated survey "
            "responses created.".format(**created)
        )
