import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Print the demo log-ins (those that exist in the database)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="a JSON list for other tools")

    def handle(self, *args: Any, **options: Any) -> None:
        from parindex.demo.province import DEMO_PASSWORD, demo_logins
        from parindex.org.models import User

        existing = set(User.objects.filter(is_active=True).values_list("username", flat=True))
        logins = [login for login in demo_logins() if login.username in existing]
        if options["json"]:
            rows = [
                {
                    "username": login.username,
                    "password": DEMO_PASSWORD,
                    "role": str(login.role),
                    "unit": login.unit,
                }
                for login in logins
            ]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        lines = [f"Password of every demo account: {DEMO_PASSWORD}"]
        lines += [f"  {login.username:<46} {login.display_name}" for login in logins]
        self.stdout.write("\n".join(lines))  # one write: `| head` cuts it cleanly
