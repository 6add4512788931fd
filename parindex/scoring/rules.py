"""Scoring rules of a leaf criterion.

A rule is parsed from its parameters (`parse_rule`), checked against the leaf's maximum
(`Rule.check`), written back (`Rule.params`) and applied to what the unit or the
appraiser entered (`Rule.score`). Problems are returned as `Issue` objects carrying a
code and parameters; the web layer turns them into sentences, so this module stays free
of Django and of any language.
"""

from __future__ import annotations

import itertools
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import ClassVar, Literal

from .numbers import HUNDRED, ZERO, places, publish, to_decimal

MAX_PLACES = 2


@dataclass(frozen=True)
class Issue:
    """A problem with a framework, named by a code and the node it concerns."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)
    node: str = ""

    def at(self, node: str) -> Issue:
        return Issue(self.code, self.params, node)


class RuleParseError(Exception):
    def __init__(self, issues: Sequence[Issue]) -> None:
        super().__init__(", ".join(issue.code for issue in issues))
        self.issues = list(issues)


class InputError(Exception):
    """What was entered for a leaf cannot be scored (e.g. 12 dossiers on time of 10)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Inputs:
    """What was entered for one leaf. Only the fields its rule reads matter."""

    score: Decimal | None = None  # manual
    yes: bool | None = None  # yes_no
    level: str | None = None  # levels: the chosen level's label
    numerator: Decimal | None = None  # ratio_tiers
    denominator: Decimal | None = None
    occurrences: int | None = None  # deduction
    items: tuple[Decimal, ...] = ()  # bonus, penalty: points of each awarded item
    # and what each item is ("Sáng kiến …"), in the same order; () when none was given.
    # The engine never reads them: they travel with the points to be stored and shown.
    item_labels: tuple[str, ...] = ()
    survey_pct: Decimal | None = None  # survey: the unit's aggregate, 0-100
    index_previous: Decimal | None = None  # history: the unit's index in year - 1
    index_before_previous: Decimal | None = None  # and in year - 2


# Tiers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Tier:
    lower: Decimal
    upper: Decimal
    points: Decimal
    lower_inclusive: bool = True
    upper_inclusive: bool = False

    def contains(self, value: Decimal) -> bool:
        above = value > self.lower or (self.lower_inclusive and value == self.lower)
        below = value < self.upper or (self.upper_inclusive and value == self.upper)
        return above and below

    def params(self) -> dict[str, object]:
        data: dict[str, object] = {"from": self.lower, "to": self.upper}
        if not self.lower_inclusive:
            data["from_inclusive"] = False
        if self.upper_inclusive:
            data["to_inclusive"] = True
        data["points"] = self.points
        return data


def _parse_tiers(raw: object) -> tuple[Tier, ...]:
    if not isinstance(raw, list) or not raw:
        raise RuleParseError([Issue("bad_parameter", {"name": "tiers"})])
    tiers = []
    for position, item in enumerate(raw, start=1):
        if not isinstance(item, Mapping):
            raise RuleParseError([Issue("bad_tier", {"tier": position})])
        unknown = set(item) - {"from", "to", "points", "from_inclusive", "to_inclusive"}
        if unknown:
            raise RuleParseError(
                [Issue("bad_tier", {"tier": position, "name": sorted(unknown)[0]})]
            )
        try:
            lower = to_decimal(item["from"])
            upper = to_decimal(item["to"])
            points = to_decimal(item["points"])
        except (KeyError, ValueError):
            raise RuleParseError([Issue("bad_tier", {"tier": position})]) from None
        lower_inclusive = item.get("from_inclusive", True)
        upper_inclusive = item.get("to_inclusive", False)
        if not isinstance(lower_inclusive, bool) or not isinstance(upper_inclusive, bool):
            raise RuleParseError([Issue("bad_tier", {"tier": position})])
        tiers.append(Tier(lower, upper, points, lower_inclusive, upper_inclusive))
    return tuple(tiers)


def check_tiers(
    tiers: Sequence[Tier], max_points: Decimal, lower_end: Decimal, upper_end: Decimal
) -> list[Issue]:
    """Tiers must cover [lower_end, upper_end] exactly once, and the best one is max."""
    issues: list[Issue] = []
    for tier in tiers:
        label = _tier_label(tier)
        if tier.lower > tier.upper or (
            tier.lower == tier.upper and not (tier.lower_inclusive and tier.upper_inclusive)
        ):
            issues.append(Issue("tier_empty", {"tier": label}))
        elif tier.lower < lower_end or tier.upper > upper_end:
            issues.append(
                Issue("tier_out_of_range", {"tier": label, "low": lower_end, "high": upper_end})
            )
        if tier.points < ZERO or tier.points > max_points:
            issues.append(Issue("tier_points", {"tier": label, "max": max_points}))
        if places(tier.points) > MAX_PLACES:
            issues.append(Issue("too_many_places", {"value": tier.points}))
    if issues:
        return issues
    ordered = sorted(tiers, key=lambda t: (t.lower, not t.lower_inclusive))
    first, last = ordered[0], ordered[-1]
    if first.lower != lower_end or not first.lower_inclusive:
        issues.append(Issue("tier_gap", {"between": f"{lower_end}", "and": _tier_label(first)}))
    for before, after in itertools.pairwise(ordered):
        if after.lower < before.upper or (
            after.lower == before.upper and before.upper_inclusive and after.lower_inclusive
        ):
            issues.append(
                Issue("tier_overlap", {"first": _tier_label(before), "second": _tier_label(after)})
            )
        elif after.lower > before.upper or not (before.upper_inclusive or after.lower_inclusive):
            issues.append(
                Issue("tier_gap", {"between": _tier_label(before), "and": _tier_label(after)})
            )
    if last.upper != upper_end or not last.upper_inclusive:
        issues.append(Issue("tier_gap", {"between": _tier_label(last), "and": f"{upper_end}"}))
    if not issues and max(t.points for t in tiers) != max_points:
        issues.append(Issue("best_not_max", {"max": max_points}))
    return issues


def _tier_label(tier: Tier) -> str:
    left = "[" if tier.lower_inclusive else "("
    right = "]" if tier.upper_inclusive else ")"
    return f"{left}{tier.lower}; {tier.upper}{right}"


def tier_points(tiers: Sequence[Tier], value: Decimal) -> Decimal:
    for tier in tiers:
        if tier.contains(value):
            return tier.points
    raise InputError("outside_tiers", value=value)


# Rules ----------------------------------------------------------------------------

RuleType = Literal[
    "manual",
    "yes_no",
    "levels",
    "ratio_tiers",
    "proportional",
    "deduction",
    "survey",
    "history",
    "bonus",
    "penalty",
]


@dataclass(frozen=True)
class Rule(ABC):
    type: ClassVar[str]
    # Rules whose points are extra (bonus) or deducted (penalty): outside the maximum.
    adjusts: ClassVar[bool] = False

    def check(self, max_points: Decimal) -> list[Issue]:
        """Problems of this rule on a leaf worth `max_points`."""
        if max_points <= ZERO:
            return [Issue("leaf_without_points")]
        return []

    def params(self) -> dict[str, object]:
        """The rule's parameters as written in a framework file, `type` first."""
        return {"type": self.type}

    @abstractmethod
    def score(self, max_points: Decimal, inputs: Inputs) -> Decimal | None:
        """Points for what was entered, unrounded; None while nothing is entered."""


@dataclass(frozen=True)
class ManualRule(Rule):
    type: ClassVar[str] = "manual"
    step: Decimal = Decimal("0.25")

    def check(self, max_points: Decimal) -> list[Issue]:
        issues = super().check(max_points)
        if self.step <= ZERO or places(self.step) > MAX_PLACES:
            issues.append(Issue("bad_parameter", {"name": "step"}))
        return issues

    def params(self) -> dict[str, object]:
        return {"type": self.type, "step": self.step}

    def score(self, max_points: Decimal, inputs: Inputs) -> Decimal | None:
        if inputs.score is None:
            return None
        value = inputs.score
        if value < ZERO or value > max_points:
            raise InputError("score_out_of_range", value=value, max=max_points)
        if value != max_points and value % self.step != ZERO:
            raise InputError("score_not_on_step", value=value, step=self.step)
        return value


@dataclass(frozen=True)
class YesNoRule(Rule):
    type: ClassVar[str] = "yes_no"

    def score(self, max_points: Decimal, inputs: Inputs) -> Decimal | None:
        if inputs.yes is None:
            return None
        return max_points if inputs.yes else ZERO


@dataclass(frozen=True)
class Level:
    label: str
    points: Decimal


@dataclass(frozen=True)
class LevelsRule(Rule):
    type: ClassVar[str] = "levels"
    levels: tuple[Level, ...] = ()

    def check(self, max_points: Decimal) -> list[Issue]:
        issues = super().check(max_points)
        labels = [level.label for level in self.levels]
        if len(self.levels) < 2:
            issues.append(Issue("too_few_levels"))
        if len(set(labels)) != len(labels) or not all(label.strip() for label in labels):
            issues.append(Issue("level_labels"))
        for level in self.levels:
            if level.points < ZERO or level.points > max_points:
                issues.append(Issue("level_points", {"level": level.label, "max": max_points}))
            if places(level.points) > MAX_PLACES:
                issues.append(Issue("too_many_places", {"value": level.points}))
        if self.levels and not issues and max(lv.points for lv in self.levels) != max_points:
            issues.append(Issue("best_not_max", {"max": max_points}))
        return issues

    def params(self) -> dict[str, object]:
        return {
            "type": self.type,
            "levels": [{"label": lv.label, "points": lv.points} for lv in self.levels],
        }

    def score(self, max_points: Decimal, inputs: Inputs) -> Decimal | None:
        if inputs.level is None:
            return None
        for level in self.levels:
            if level.label == inputs.level:
                return level.points
        raise InputError("unknown_level", level=inputs.level)


@dataclass(frozen=True)
class RatioRule(Rule):
    """A rule on the ratio of two numbers the unit enters (numerator ≤ denominator)."""

    numerator: str = ""
    denominator: str = ""
    if_no_denominator: str = "max"

    def check(self, max_points: Decimal) -> list[Issue]:
        issues = super().check(max_points)
        if not self.numerator.strip():
            issues.append(Issue("missing_parameter", {"name": "numerator"}))
        if not self.denominator.strip():
            issues.append(Issue("missing_parameter", {"name": "denominator"}))
        if self.if_no_denominator not in ("max", "zero"):
            issues.append(Issue("bad_parameter", {"name": "if_no_denominator"}))
        return issues

    def percent(self, inputs: Inputs) -> Decimal | None:
        """The ratio in percent, None when nothing is entered or nothing to divide by."""
        numerator, denominator = inputs.numerator, inputs.denominator
        if numerator is None or denominator is None:
            return None
        if numerator < ZERO or denominator < ZERO:
            raise InputError("negative_count")
        if numerator > denominator:
            raise InputError(
                "numerator_exceeds_denominator", numerator=numerator, denominator=denominator
            )
        if denominator == ZERO:
            return None
        return numerator * HUNDRED / denominator

    def score(self, max_points: Decimal, inputs: Inputs) -> Decimal | None:
        if inputs.numerator is None or inputs.denominator is None:
            return None
        pct = self.percent(inputs)
        if pct is None:  # nothing happened to be counted: the framework says what it is worth
            return max_points if self.if_no_denominator == "max" else ZERO
        return self.points_for(max_points, pct)

    @abstractmethod
    def points_for(self, max_points: Decimal, pct: Decimal) -> Decimal:
        """Points of a ratio of `pct` percent (0-100)."""


@dataclass(frozen=True)
class RatioTiersRule(RatioRule):
    """The tier the ratio falls into gives the points."""

    type: ClassVar[str] = "ratio_tiers"
    tiers: tuple[Tier, ...] = ()

    def check(self, max_points: Decimal) -> list[Issue]:
        return super().check(max_points) + check_tiers(self.tiers, max_points, ZERO, HUNDRED)

    def params(self) -> dict[str, object]:
        data: dict[str, object] = {
            "type": self.type,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "tiers": [tier.params() for tier in self.tiers],
        }
        if self.if_no_denominator != "max":
            data["if_no_denominator"] = self.if_no_denominator
        return data

    def points_for(self, max_points: Decimal, pct: Decimal) -> Decimal:
        return tier_points(self.tiers, pct)


@dataclass(frozen=True)
class ProportionalRule(RatioRule):
    """Points in proportion to the ratio: maximum × numerator / denominator ("điểm =
    điểm tối đa × tỷ lệ"), rounded half-up to two decimals as points are published, or
    down to a multiple of `step` when one is given ("làm tròn xuống bội số 0,25")."""

    type: ClassVar[str] = "proportional"
    step: Decimal | None = None

    def check(self, max_points: Decimal) -> list[Issue]:
        issues = super().check(max_points)
        if self.step is not None and (
            self.step <= ZERO or places(self.step) > MAX_PLACES or self.step > max_points
        ):
            issues.append(Issue("bad_parameter", {"name": "step"}))
        return issues

    def params(self) -> dict[str, object]:
        data: dict[str, object] = {
            "type": self.type,
            "numerator": self.numerator,
            "denominator": self.denominator,
        }
        if self.step is not None:
            data["step"] = self.step
        if self.if_no_denominator != "max":
            data["if_no_denominator"] = self.if_no_denominator
        return data

    def points_for(self, max_points: Decimal, pct: Decimal) -> Decimal:
        points = max_points * pct / HUNDRED
        if pct == HUNDRED:
            return max_points
        if self.step is None:
            # Awarded points have two decimals, like every other rule's: the documents'
            # “tỷ lệ 72%: 0,54 điểm”, and fields that add up to their published total.
            return publish(points)
        return (points / self.step).to_integral_value(rounding=ROUND_FLOOR) * self.step


@dataclass(frozen=True)
class DeductionRule(Rule):
    type: ClassVar[str] = "deduction"
    per_occurrence: Decimal = Decimal("0.25")
    occurrence_label: str = ""

    def check(self, max_points: Decimal) -> list[Issue]:
        issues = super().check(max_points)
        if self.per_occurrence <= ZERO or places(self.per_occurrence) > MAX_PLACES:
            issues.append(Issue("bad_parameter", {"name": "per_occurrence"}))
        return issues

    def params(self) -> dict[str, object]:
        data: dict[str, object] = {"type": self.type, "per_occurrence": self.per_occurrence}
        if self.occurrence_label:
            data["occurrence_label"] = self.occurrence_label
        return data

    def score(self, max_points: Decimal, inputs: Inputs) -> Decimal | None:
        if inputs.occurrences is None:
            return None
        if inputs.occurrences < 0:
            raise InputError("negative_count")
        return max(ZERO, max_points - self.per_occurrence * inputs.occurrences)


SURVEY_SOURCES = ("sipas", "staff")
# What a survey leaf does with a result whose sample fell short of the unit's target:
# count it as it is, marked ("count"), or count it and leave the unit's result
# provisional for it ("provisional").
IF_SHORT = ("count", "provisional")
_INDICATOR = re.compile(r"[a-z0-9][a-z0-9._-]{0,39}")


@dataclass(frozen=True)
class SurveyRule(Rule):
    type: ClassVar[str] = "survey"
    source: str = "sipas"
    # The indicator of the source's questionnaire the leaf reads ("procedure", "1.3");
    # empty: the source's overall result.
    indicator: str = ""
    mode: str = "share"
    tiers: tuple[Tier, ...] = ()
    if_short: str = "count"

    def __post_init__(self) -> None:
        # "sipas:procedure" as the source names the indicator too, as leaves are written.
        if ":" in self.source and not self.indicator:
            source, indicator = self.source.split(":", 1)
            object.__setattr__(self, "source", source)
            object.__setattr__(self, "indicator", indicator)

    def check(self, max_points: Decimal) -> list[Issue]:
        issues = super().check(max_points)
        if self.source not in SURVEY_SOURCES:
            issues.append(Issue("bad_parameter", {"name": "source"}))
        if self.indicator and not _INDICATOR.fullmatch(self.indicator):
            issues.append(Issue("bad_parameter", {"name": "indicator"}))
        if self.if_short not in IF_SHORT:
            issues.append(Issue("bad_parameter", {"name": "if_short"}))
        if self.mode == "tiers":
            issues += check_tiers(self.tiers, max_points, ZERO, HUNDRED)
        elif self.mode != "share":
            issues.append(Issue("bad_parameter", {"name": "mode"}))
        elif self.tiers:
            issues.append(Issue("unknown_parameter", {"name": "tiers"}))
        return issues

    def params(self) -> dict[str, object]:
        data: dict[str, object] = {"type": self.type, "source": self.source, "mode": self.mode}
        if self.indicator:
            data["indicator"] = self.indicator
        if self.mode == "tiers":
            data["tiers"] = [tier.params() for tier in self.tiers]
        if self.if_short != "count":
            data["if_short"] = self.if_short
        return data

    def score(self, max_points: Decimal, inputs: Inputs) -> Decimal | None:
        pct = inputs.survey_pct
        if pct is None:
            return None
        if pct < ZERO or pct > HUNDRED:
            raise InputError("percent_out_of_range", value=pct)
        if self.mode == "share":
            return max_points * pct / HUNDRED
        return tier_points(self.tiers, pct)


@dataclass(frozen=True)
class HistoryRule(Rule):
    type: ClassVar[str] = "history"
    tiers: tuple[Tier, ...] = ()
    if_no_history: str = "max"

    def check(self, max_points: Decimal) -> list[Issue]:
        issues = super().check(max_points)
        if self.if_no_history not in ("max", "zero"):
            issues.append(Issue("bad_parameter", {"name": "if_no_history"}))
        return issues + check_tiers(self.tiers, max_points, -HUNDRED, HUNDRED)

    def params(self) -> dict[str, object]:
        data: dict[str, object] = {
            "type": self.type,
            "tiers": [tier.params() for tier in self.tiers],
        }
        if self.if_no_history != "max":
            data["if_no_history"] = self.if_no_history
        return data

    def score(self, max_points: Decimal, inputs: Inputs) -> Decimal:
        previous, before = inputs.index_previous, inputs.index_before_previous
        if previous is None or before is None:  # a new unit has no two years to compare
            return max_points if self.if_no_history == "max" else ZERO
        return tier_points(self.tiers, previous - before)


@dataclass(frozen=True)
class CappedRule(Rule):
    adjusts: ClassVar[bool] = True
    sign: ClassVar[int] = 1
    cap: Decimal = Decimal(0)

    def check(self, max_points: Decimal) -> list[Issue]:
        issues = []
        if max_points != ZERO:
            issues.append(Issue("adjustment_has_max"))
        if self.cap <= ZERO or places(self.cap) > MAX_PLACES:
            issues.append(Issue("bad_parameter", {"name": "cap"}))
        return issues

    def params(self) -> dict[str, object]:
        return {"type": self.type, "cap": self.cap}

    def tally(self, inputs: Inputs) -> Tally:
        """The items' points as entered and as counted, at most the cap."""
        if any(points <= ZERO for points in inputs.items):
            raise InputError("item_not_positive")
        entered = sum(inputs.items, ZERO)
        return Tally(entered=entered, counted=min(self.cap, entered), cap=self.cap)

    def score(self, max_points: Decimal, inputs: Inputs) -> Decimal:
        return self.sign * self.tally(inputs).counted


@dataclass(frozen=True)
class Tally:
    """Bonus or penalty items: the sum entered, the points counted, and the cap."""

    entered: Decimal
    counted: Decimal
    cap: Decimal

    @property
    def capped(self) -> bool:
        """The items are worth more than the cap: only `counted` of `entered` count."""
        return self.entered > self.cap


@dataclass(frozen=True)
class BonusRule(CappedRule):
    type: ClassVar[str] = "bonus"


@dataclass(frozen=True)
class PenaltyRule(CappedRule):
    type: ClassVar[str] = "penalty"
    sign: ClassVar[int] = -1


RULE_TYPES: dict[str, type[Rule]] = {
    cls.type: cls
    for cls in (
        ManualRule,
        YesNoRule,
        LevelsRule,
        RatioTiersRule,
        ProportionalRule,
        DeductionRule,
        SurveyRule,
        HistoryRule,
        BonusRule,
        PenaltyRule,
    )
}

# Parameter name -> how to read it, per rule type.
_TEXT = "text"
_NUMBER = "number"
_TIERS = "tiers"
_LEVELS = "levels"
_PARAMS: dict[str, dict[str, tuple[str, str, bool]]] = {
    # rule type: {file name: (attribute, kind, required)}
    "manual": {"step": ("step", _NUMBER, False)},
    "yes_no": {},
    "levels": {"levels": ("levels", _LEVELS, True)},
    "ratio_tiers": {
        "numerator": ("numerator", _TEXT, True),
        "denominator": ("denominator", _TEXT, True),
        "tiers": ("tiers", _TIERS, True),
        "if_no_denominator": ("if_no_denominator", _TEXT, False),
    },
    "proportional": {
        "numerator": ("numerator", _TEXT, True),
        "denominator": ("denominator", _TEXT, True),
        "step": ("step", _NUMBER, False),
        "if_no_denominator": ("if_no_denominator", _TEXT, False),
    },
    "deduction": {
        "per_occurrence": ("per_occurrence", _NUMBER, True),
        "occurrence_label": ("occurrence_label", _TEXT, False),
    },
    "survey": {
        "source": ("source", _TEXT, True),
        "indicator": ("indicator", _TEXT, False),
        "mode": ("mode", _TEXT, False),
        "tiers": ("tiers", _TIERS, False),
        "if_short": ("if_short", _TEXT, False),
    },
    "history": {
        "tiers": ("tiers", _TIERS, True),
        "if_no_history": ("if_no_history", _TEXT, False),
    },
    "bonus": {"cap": ("cap", _NUMBER, True)},
    "penalty": {"cap": ("cap", _NUMBER, True)},
}


def parse_rule(data: object) -> Rule:
    """Build a rule from its parameters as written in a framework file."""
    if not isinstance(data, Mapping):
        raise RuleParseError([Issue("bad_rule")])
    rule_type = data.get("type")
    if not isinstance(rule_type, str) or rule_type not in RULE_TYPES:
        raise RuleParseError([Issue("unknown_rule_type", {"type": str(rule_type)})])
    spec = _PARAMS[rule_type]
    issues = [
        Issue("unknown_parameter", {"name": str(name)})
        for name in data
        if name != "type" and name not in spec
    ]
    values: dict[str, object] = {}
    for name, (attribute, kind, required) in spec.items():
        if name not in data or data[name] is None:
            if required:
                issues.append(Issue("missing_parameter", {"name": name}))
            continue
        raw = data[name]
        try:
            values[attribute] = _read_param(name, kind, raw)
        except RuleParseError as error:
            issues += error.issues
    if issues:
        raise RuleParseError(issues)
    return RULE_TYPES[rule_type](**values)


def _read_param(name: str, kind: str, raw: object) -> object:
    if kind == _TEXT:
        if not isinstance(raw, str):
            raise RuleParseError([Issue("bad_parameter", {"name": name})])
        return raw.strip()
    if kind == _NUMBER:
        try:
            return to_decimal(raw)
        except ValueError:
            raise RuleParseError([Issue("bad_parameter", {"name": name})]) from None
    if kind == _TIERS:
        return _parse_tiers(raw)
    # levels
    if not isinstance(raw, list):
        raise RuleParseError([Issue("bad_parameter", {"name": name})])
    levels = []
    for item in raw:
        if (
            not isinstance(item, Mapping)
            or set(item) != {"label", "points"}
            or not isinstance(item["label"], str)
        ):
            raise RuleParseError([Issue("bad_parameter", {"name": name})])
        try:
            levels.append(Level(item["label"].strip(), to_decimal(item["points"])))
        except ValueError:
            raise RuleParseError([Issue("bad_parameter", {"name": name})]) from None
    return tuple(levels)
