"""Plausible answers for every rule type: the demo's units part-way through their
self-assessment, and the browser tests' cycle. The same seed gives the same answers."""

from __future__ import annotations

import random
from decimal import Decimal

from parindex.scoring.rules import DeductionRule, Inputs, LevelsRule, ManualRule, Rule


def sample_inputs(rule: Rule, max_points: Decimal, rng: random.Random) -> Inputs | None:
    """Inputs a unit could enter for the rule; None where the rule reads no input."""
    kind = rule.type
    if kind == "yes_no":
        return Inputs(yes=rng.random() < 0.8)
    if kind == "manual":
        assert isinstance(rule, ManualRule)
        steps = int(max_points / rule.step)
        return Inputs(score=rule.step * rng.randint(0, steps))
    if kind == "levels":
        assert isinstance(rule, LevelsRule)
        return Inputs(level=rng.choice(rule.levels).label)
    if kind in ("ratio_tiers", "proportional"):
        received = rng.randint(20, 400)
        return Inputs(
            numerator=Decimal(received - rng.randint(0, 12)), denominator=Decimal(received)
        )
    if kind == "deduction":
        assert isinstance(rule, DeductionRule)
        return Inputs(occurrences=rng.randint(0, 3))
    if kind in ("bonus", "penalty"):
        return Inputs(items=tuple(Decimal("0.25") for _ in range(rng.randint(0, 2))))
    return None  # survey and history: read from the survey results and earlier years
