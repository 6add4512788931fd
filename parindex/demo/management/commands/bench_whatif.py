"""Benchmark: where one unit's points went and its what-if, beside recomputing the cycle.

Builds a synthetic published cycle (default 3,000 units x 120 leaves), every unit past
its appraisal, then times, with their queries:
- the whole cycle through the engine (`load_and_compute`): what a what-if would cost if
  it recomputed every unit to rank one;
- one unit's explanation (`results.explain.explain`) and its what-if with two answers
  changed, as functions;
- the page as the unit's scorer reads it, as it answers the what-if (POST, the whole
  form as a browser sends it), and the answer alone that the page swaps in (htmx).
Everything is rolled back.

    python manage.py bench_whatif [--units 3000] [--leaves 120] [--repeat 5]
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client

from parindex.assessments.models import Assessment, State
from parindex.demo.bench import SyntheticBenchCommand, make_published_cycle, time_cases
from parindex.org.models import Role, User
from parindex.results.compute import load_and_compute
from parindex.results.explain import TriedAnswers, explain, what_if

YEAR = 2093  # far from any real cycle, apart from the other benchmarks' years


class Command(SyntheticBenchCommand):
    help = "Time one unit's explanation and what-if beside recomputing the whole cycle."

    def run(self, options: dict[str, Any]) -> None:
        logging.getLogger("parindex.requests").setLevel(logging.WARNING)
        units, leaves = options["units"], options["leaves"]
        cycle = make_published_cycle(year=YEAR, units=units, leaves=leaves)
        Assessment.objects.filter(cycle=cycle).update(state=State.APPROVED)
        self.stdout.write(f"database: {connection.vendor}; {units} units x {leaves} leaves")
        assessment = (
            Assessment.objects.filter(cycle=cycle).select_related("cycle", "unit").order_by("pk")
        )[units // 2]
        scorer = User.objects.create(
            username="bench-whatif", role=Role.UNIT_SCORER, unit=assessment.unit
        )
        client = Client()
        client.force_login(scorer)
        url = f"/results/{YEAR}/{assessment.unit.code}/points/"
        first = explain(assessment, role=Role.UNIT_SCORER, user=scorer)
        # The form as a browser sends it: every leaf's answer, two of them changed.
        tried = {
            f"{line.name_prefix}{name}": value
            for line in first.lines
            if line.tryable
            for name, value in line.values.items()
        }
        changed = 0
        for line in sorted(first.lines, key=lambda line: -line.lost):
            if changed < 2 and line.tryable and line.rule and line.rule.type == "yes_no":
                tried[f"{line.name_prefix}yes"] = "yes"
                changed += 1

        def functions() -> Any:
            explanation = explain(assessment, role=Role.UNIT_SCORER, user=scorer)
            answers = TriedAnswers(explanation, tried)
            assert answers.is_valid
            return what_if(explanation, answers)

        cases: list[tuple[str, Callable[[], Any]]] = [
            ("baseline: the whole cycle recomputed", lambda: load_and_compute(cycle)),
            (f"explain + what-if, {len(tried)} fields, 2 changed", functions),
            ("page: where the points went (GET)", lambda: client.get(url)),
            ("page: what-if, two answers (POST)", lambda: client.post(url, tried)),
            (
                "page: what-if's answer alone (htmx)",
                lambda: client.post(url, tried, headers={"HX-Request": "true"}),
            ),
        ]
        time_cases(cases, options["repeat"], self.stdout.write)
