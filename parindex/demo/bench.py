"""The benchmarks' synthetic cycle, and the timing of their cases."""

from __future__ import annotations

import datetime
import random
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from parindex.assessments.models import Assessment, AssessmentItem, Cycle, CycleGroup
from parindex.frameworks.services import framework_freeze, framework_import
from parindex.org.models import EvaluatingBody, Unit, UnitGroup
from parindex.scoring.rules import (
    DeductionRule,
    ManualRule,
    RatioTiersRule,
    Rule,
    SurveyRule,
    Tier,
    YesNoRule,
)
from parindex.scoring.tree import Node, Tree
from parindex.surveys.models import UnitSurveyResult

RATIO = RatioTiersRule(
    numerator="a",
    denominator="b",
    tiers=(
        Tier(Decimal(0), Decimal(90), Decimal(0)),
        Tier(Decimal(90), Decimal(100), Decimal("0.5")),
        Tier(Decimal(100), Decimal(100), Decimal(1), upper_inclusive=True),
    ),
)


def synthetic_tree(group: str, year: int, leaves: int) -> Tree:
    """8 fields of equal size; one-point leaves of every input-driven rule type."""
    rules: list[Rule] = [
        YesNoRule(),
        ManualRule(),
        DeductionRule(per_occurrence=Decimal("0.25")),
        RATIO,
    ]
    fields = []
    per_field = max(1, leaves // 8)
    for f in range(1, 9):
        children = []
        for n in range(1, per_field + 1):
            if f == 8 and n <= 2:
                rule: Rule = SurveyRule(source="staff" if n == 1 else "sipas")
            else:
                rule = rules[(f + n) % len(rules)]
            children.append(
                Node(
                    f"{f}.{n}",
                    f"Tiêu chí {f}.{n}",
                    Decimal(1),
                    rule=rule,
                    allow_not_applicable=n % 10 == 0,
                )
            )
        fields.append(Node(str(f), f"Lĩnh vực {f}", Decimal(per_field), children=children))
    return Tree(group, year, f"Bộ tiêu chí thử {year}", Decimal(8 * per_field), fields)


def _inputs(rule_type: str, rng: random.Random) -> dict[str, object]:
    if rule_type == "yes_no":
        return {"yes": rng.random() < 0.8}
    if rule_type == "manual":
        return {"score": str(Decimal(rng.randint(0, 4)) / 4)}
    if rule_type == "deduction":
        return {"occurrences": rng.randint(0, 3)}
    received = rng.randint(50, 5000)
    return {"numerator": str(received - rng.randint(0, 10)), "denominator": str(received)}


@transaction.atomic
def make_published_cycle(*, year: int, units: int, leaves: int) -> Cycle:
    """`make_cycle`, computed and published (provisional units allowed): the benchmarks'
    large published year."""
    from parindex.results.services import results_compute, results_publish

    cycle = make_cycle(year=year, units=units, leaves=leaves)
    results_publish(
        snapshot=results_compute(cycle=cycle, by=None),
        decision="Quyết định thử",
        decision_date=datetime.date(year + 1, 1, 8),
        by=None,
        allow_provisional=True,
    )
    return cycle


def make_cycle(*, year: int, units: int, leaves: int, seed: int = 1) -> Cycle:
    """A cycle of `units` units in one group, every leaf self-scored, most appraised."""
    rng = random.Random(seed)
    body = EvaluatingBody.objects.order_by("pk").first() or EvaluatingBody.objects.create(
        name="Bench"
    )
    group, _new = UnitGroup.objects.get_or_create(
        code=f"bench-{year}", defaults={"body": body, "name": f"Nhóm thử {year}"}
    )
    framework = framework_freeze(
        framework=framework_import(tree=synthetic_tree(group.code, year, leaves), by=None)
    )
    cycle = Cycle.objects.create(year=year, title=f"Kỳ thử {year}")
    CycleGroup.objects.create(cycle=cycle, group=group, framework=framework)
    new_units = Unit.objects.bulk_create(
        Unit(code=f"bench-{year}-{n}", name=f"Đơn vị thử {n}", group=group, position=n)
        for n in range(units)
    )
    assessments = Assessment.objects.bulk_create(
        Assessment(cycle=cycle, unit=unit, group=group) for unit in new_units
    )
    leaves_list = list(framework.criteria.exclude(rule_type="").exclude(rule_type="survey"))
    batch: list[AssessmentItem] = []
    for assessment in assessments:
        for criterion in leaves_list:
            own = _inputs(criterion.rule_type, rng)
            batch.append(
                AssessmentItem(
                    assessment=assessment,
                    criterion=criterion,
                    self_inputs=own,
                    appraised_inputs=own if rng.random() < 0.9 else None,
                    not_applicable_claimed=criterion.allow_not_applicable and rng.random() < 0.2,
                    not_applicable_accepted=True,
                )
            )
        if len(batch) > 20_000:
            AssessmentItem.objects.bulk_create(batch)
            batch = []
    AssessmentItem.objects.bulk_create(batch)
    UnitSurveyResult.objects.bulk_create(
        UnitSurveyResult(
            year=year, unit=unit, source=source, percent=Decimal(rng.randint(7000, 10000)) / 100
        )
        for unit in new_units
        for source in ("sipas", "staff")
    )
    return cycle


def query_counter(queries: list[str]) -> Callable[..., Any]:
    """An execute wrapper (connection.execute_wrapper) that records every query's SQL."""

    def count(execute: Any, sql: str, *rest: Any) -> Any:
        queries.append(sql)
        return execute(sql, *rest)

    return count


def time_cases(
    cases: list[tuple[str, Callable[[], Any]]], repeat: int, write: Callable[[str], Any]
) -> None:
    """Each case once with its queries counted, then `repeat` times timed: one line each
    with the median, the slowest run, the queries and, for a response, its size."""
    for label, action in cases:
        queries: list[str] = []
        with connection.execute_wrapper(query_counter(queries)):
            outcome = action()
        status = getattr(outcome, "status_code", 200)
        if status != 200:
            raise RuntimeError(f"{label}: status {status}")
        timings = []
        for _ in range(repeat):
            start = time.perf_counter()
            action()
            timings.append(time.perf_counter() - start)
        size = f"   {len(outcome.content) // 1024} KiB" if hasattr(outcome, "content") else ""
        write(
            f"{label:<40} median {statistics.median(timings) * 1000:8.1f} ms"
            f"   max {max(timings) * 1000:8.1f} ms   {len(queries)} queries{size}"
        )


class Rollback(Exception):
    """Raised to undo a benchmark's synthetic data."""


class SyntheticBenchCommand(BaseCommand):
    """A benchmark on a synthetic cycle built in a transaction that is rolled back."""

    repeat = 5

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--units", type=int, default=3000)
        parser.add_argument("--leaves", type=int, default=120)
        parser.add_argument("--repeat", type=int, default=self.repeat)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                self.run(options)
                raise Rollback
        except Rollback:
            self.stdout.write("(synthetic data rolled back)")

    def run(self, options: dict[str, Any]) -> None:
        """Build the synthetic data and measure; subclasses say what."""
        raise CommandError("A benchmark says what it measures in run().")
