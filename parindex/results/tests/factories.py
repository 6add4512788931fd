"""Cycles with answers for tests: real units, a real framework, answers drawn at random
for every rule type (the same seed gives the same answers)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from parindex.assessments.models import (
    Assessment,
    AssessmentItem,
    Cycle,
    CycleGroup,
    inputs_to_json,
)
from parindex.frameworks.models import Framework
from parindex.org.models import Unit
from parindex.scoring.rules import DeductionRule, Inputs, LevelsRule, ManualRule, Rule
from parindex.surveys.models import UnitSurveyResult


# The demo draws its answers the same way; app tests do not import the demo.
def sample_inputs(rule: Rule, max_points: Decimal, rng: random.Random) -> Inputs | None:
    """Inputs a unit could enter for the rule; None where it reads none (survey, history)."""
    if rule.type == "yes_no":
        return Inputs(yes=rng.random() < 0.8)
    if isinstance(rule, ManualRule):
        return Inputs(score=rule.step * rng.randint(0, int(max_points / rule.step)))
    if isinstance(rule, LevelsRule):
        return Inputs(level=rng.choice(rule.levels).label)
    if rule.type in ("ratio_tiers", "proportional"):
        received = rng.randint(20, 400)
        return Inputs(
            numerator=Decimal(received - rng.randint(0, 12)), denominator=Decimal(received)
        )
    if isinstance(rule, DeductionRule):
        return Inputs(occurrences=rng.randint(0, 3))
    if rule.type in ("bonus", "penalty"):
        return Inputs(items=(Decimal("0.25"),) * rng.randint(0, 2))
    return None


def cycle_for_units(
    *,
    year: int,
    framework: Framework,
    units: Sequence[Unit],
    seed: int = 1,
    appraised: float = 1.0,
    title: str = "",
) -> Cycle:
    """A cycle (created if missing) in which `units` answered every leaf of `framework`."""
    rng = random.Random(seed)
    cycle, _new = Cycle.objects.get_or_create(
        year=year, defaults={"title": title or f"Chỉ số CCHC năm {year}"}
    )
    CycleGroup.objects.get_or_create(
        cycle=cycle, group=framework.group, defaults={"framework": framework}
    )
    leaves = [(c, c.rule()) for c in framework.criteria.exclude(rule_type="")]
    items: list[AssessmentItem] = []
    for unit in units:
        assessment = Assessment.objects.create(cycle=cycle, unit=unit, group=framework.group)
        for criterion, rule in leaves:
            inputs = sample_inputs(rule, Decimal(criterion.max_points), rng)
            if inputs is None:
                continue
            stored: dict[str, Any] = inputs_to_json(inputs)
            items.append(
                AssessmentItem(
                    assessment=assessment,
                    criterion=criterion,
                    self_inputs=stored,
                    appraised_inputs=stored if rng.random() < appraised else None,
                    not_applicable_claimed=criterion.allow_not_applicable and rng.random() < 0.2,
                    not_applicable_accepted=True,
                )
            )
        for source in ("sipas", "staff"):
            UnitSurveyResult.objects.update_or_create(
                year=year,
                unit=unit,
                source=source,
                defaults={"percent": Decimal(rng.randint(7000, 10000)) / 100},
            )
    AssessmentItem.objects.bulk_create(items)
    return cycle
