"""Benchmark: the API beside the pages and commands it stands for, in one run.

Builds a synthetic published cycle (default 3,000 units x 120 leaves) and a second one
open for self-assessment, then times, with their queries:
- GET /api/v1/cycles/{year}/results (a viewer's token) beside the results page as a
  logged-in viewer (its first 200 rows), the year's Excel download (every row) and the
  `export_results` command's JSON (the same document);
- PUT /api/v1/cycles/{year}/metrics, every unit at once (an integration account's token),
  one ratio leaf each; and one unit's PUT …/metrics/{unit} beside the page's save of one
  leaf by the unit's scorer.
Everything is rolled back.

    python manage.py bench_api [--units 3000] [--leaves 120] [--repeat 5]
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.utils import timezone

from parindex.api.tokens import token_issue
from parindex.assessments.models import Assessment, AssessmentItem, Phase
from parindex.demo.bench import (
    SyntheticBenchCommand,
    make_cycle,
    make_published_cycle,
    time_cases,
)
from parindex.org.models import Role, User
from parindex.results.interchange import cycle_to_json
from parindex.results.selectors import year_results

YEAR = 2091  # within the API's years (2000–2100), far from any real cycle
OPEN_YEAR = 2092


class Command(SyntheticBenchCommand):
    help = "Time the API's results and measured inputs beside their page and command."

    def run(self, options: dict[str, Any]) -> None:
        logging.getLogger("parindex.requests").setLevel(logging.WARNING)  # a line a request
        units, leaves = options["units"], options["leaves"]
        make_published_cycle(year=YEAR, units=units, leaves=leaves)
        cycle = make_cycle(year=OPEN_YEAR, units=units, leaves=leaves)
        cycle.phase = Phase.SELF_ASSESSMENT
        cycle.self_assessment_until = timezone.localdate() + datetime.timedelta(days=30)
        cycle.save()
        self.stdout.write(f"database: {connection.vendor}; {units} units x {leaves} leaves")

        viewer = User.objects.create(username="bench-viewer", role=Role.VIEWER)
        admin = User.objects.create(username="bench-admin", role=Role.ADMIN)
        system = User.objects.create(
            username="bench-mot-cua", first_name="Hệ thống thử", role=Role.INTEGRATION
        )
        first = Assessment.objects.filter(cycle=cycle).select_related("unit").order_by("pk")[0]
        scorer = User.objects.create(
            username="bench-scorer", role=Role.UNIT_SCORER, unit=first.unit
        )
        reader = {"Authorization": f"Bearer {token_issue(user=viewer, name='b', by=viewer)[1]}"}
        pusher = {"Authorization": f"Bearer {token_issue(user=system, name='b', by=admin)[1]}"}
        page_client = Client()
        page_client.force_login(viewer)
        scorer_client = Client()
        scorer_client.force_login(scorer)
        api = Client()

        ratio = (
            AssessmentItem.objects.filter(assessment=first, criterion__rule_type="ratio_tiers")
            .select_related("criterion")
            .order_by("criterion__position")
            .first()
        )
        assert ratio is not None
        leaf = ratio.criterion.code
        codes = list(Assessment.objects.filter(cycle=cycle).values_list("unit__code", flat=True))
        counter = iter(range(10**9))

        def batch() -> Any:
            n = next(counter)  # new numbers each run: every leaf changes
            body = {
                "units": {
                    code: {leaf: {"numerator": 1000 - n % 7, "denominator": 1000}} for code in codes
                }
            }
            return api.put(
                f"/api/v1/cycles/{OPEN_YEAR}/metrics",
                json.dumps(body),
                content_type="application/json",
                headers=pusher,
            )

        def one_unit() -> Any:
            n = next(counter)
            body = {leaf: {"numerator": 1000 - n % 7, "denominator": 1000}}
            return api.put(
                f"/api/v1/cycles/{OPEN_YEAR}/metrics/{first.unit.code}",
                json.dumps(body),
                content_type="application/json",
                headers=pusher,
            )

        def page_save() -> Any:
            n = next(counter)
            version = AssessmentItem.objects.get(pk=ratio.pk).version
            return scorer_client.post(
                f"/assessments/{OPEN_YEAR}/{first.unit.code}/items/{leaf}/",
                {"version": version, "numerator": str(1000 - n % 7), "denominator": "1000"},
                headers={"HX-Request": "true"},
            )

        class Exported:
            status_code = 200

        def command() -> Any:
            found = year_results(YEAR)
            assert found is not None
            json.dumps(cycle_to_json(found), ensure_ascii=False)
            return Exported()

        cases: list[tuple[str, Callable[[], Any]]] = [
            ("page: the year's results (viewer)", lambda: page_client.get(f"/results/{YEAR}/")),
            ("command: export_results --format json", command),
            (
                "download: the year as Excel (viewer)",
                lambda: page_client.get(f"/results/{YEAR}/results.xlsx"),
            ),
            (
                "api: GET cycles/{year}/results",
                lambda: api.get(f"/api/v1/cycles/{YEAR}/results", headers=reader),
            ),
            ("page: the unit saves one leaf", page_save),
            ("api: PUT metrics/{unit}, one leaf", one_unit),
            (f"api: PUT metrics, {units} units at once", batch),
        ]
        time_cases(cases, options["repeat"], self.stdout.write)
