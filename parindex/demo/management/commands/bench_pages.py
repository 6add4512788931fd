"""Benchmark: how long the foundation's pages and file conversions take, with query counts.

Run on the demo database: `python manage.py bench_pages [--repeat N]`. Prints one line
per measurement (median of N runs) for README's performance section.
"""

from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test import Client

from parindex.demo.bench import time_cases
from parindex.frameworks.excelio import tree_from_xlsx, tree_to_xlsx
from parindex.frameworks.models import Framework
from parindex.frameworks.yamlio import tree_from_yaml, tree_to_yaml
from parindex.org.models import User


class Command(BaseCommand):
    help = "Time the pages and framework conversions on the current database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=20)

    def handle(self, *args: Any, **options: Any) -> None:
        admin = User.objects.filter(role="admin").first()
        framework = Framework.objects.filter(group__code="huyen").order_by("year").first()
        if admin is None or framework is None:
            raise CommandError("Load the demo first: python manage.py load_demo")
        client = Client()
        client.force_login(admin)
        anonymous = Client()
        scorer = Client()
        scorer.force_login(User.objects.get(username="so-tu-phap.scorer"))
        repeat = options["repeat"]
        tree = framework.to_tree()
        yaml_text = tree_to_yaml(tree)
        xlsx = tree_to_xlsx(tree)
        cases: list[tuple[str, Callable[[], object]]] = [
            ("page: home (admin)", lambda: client.get("/")),
            ("page: units list (40 units)", lambda: client.get("/units/")),
            ("page: frameworks list", lambda: client.get("/frameworks/")),
            (
                f"page: framework tree ({len(tree.leaves())} leaves)",
                lambda: client.get(framework.get_absolute_url()),
            ),
            (
                "download: framework as Excel",
                lambda: client.get(f"/frameworks/{framework.pk}/export.xlsx"),
            ),
            ("page: results, the years (public)", lambda: anonymous.get("/results/")),
            ("page: results 2023 (11 districts)", lambda: anonymous.get("/results/2023/")),
            ("page: results 2023 by field", lambda: anonymous.get("/results/2023/fields/")),
            (
                "page: a unit's results 2023",
                lambda: anonymous.get("/results/2023/ubnd-huyen-my-xuyen/"),
            ),
            (
                "download: results 2023 as Excel",
                lambda: anonymous.get("/results/2023/results.xlsx"),
            ),
            ("page: targets (5 goals)", lambda: client.get("/results/targets/")),
            ("page: a unit's self-assessment", lambda: scorer.get("/assessments/2024/so-tu-phap/")),
            (
                "page: the cycle's phases and progress",
                lambda: client.get("/assessments/2024/manage/"),
            ),
            ("parse + validate YAML", lambda: tree_from_yaml(yaml_text)),
            ("parse + validate Excel", lambda: tree_from_xlsx(xlsx)),
        ]
        time_cases(cases, repeat, self.stdout.write)
