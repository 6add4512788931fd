"""What a person types for a leaf, read into the engine's Inputs, with a Vietnamese message
for anything that cannot be scored."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.utils.translation import gettext as _

from parindex.scoring.numbers import to_decimal
from parindex.scoring.rules import (
    InputError,
    Inputs,
    LevelsRule,
    ManualRule,
    Rule,
)

# Rules whose points are read from elsewhere (survey results, earlier years).
COMPUTED = ("survey", "history")


class InputsError(Exception):
    """What was typed cannot be scored; `field` names the input, `message` says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _number(data: Mapping[str, str], name: str) -> Decimal | None:
    raw = (data.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = to_decimal(raw)
    except ValueError:
        raise InputsError(name, _("“%(value)s” is not a number.") % {"value": raw}) from None
    if value < 0:
        raise InputsError(name, _("The number cannot be negative."))
    return value


def read_inputs(rule: Rule, max_points: Decimal, data: Mapping[str, str]) -> Inputs | None:
    """The inputs of a form for the rule; None while nothing is entered. Raises
    InputsError for what the rule could not score."""
    kind = rule.type
    if kind in COMPUTED:
        return None
    if kind == "manual":
        score = _number(data, "score")
        inputs = Inputs(score=score) if score is not None else None
    elif kind == "yes_no":
        answer = (data.get("yes") or "").strip()
        if answer not in ("", "yes", "no"):
            raise InputsError("yes", _("Choose yes or no."))
        inputs = Inputs(yes=answer == "yes") if answer else None
    elif kind == "levels":
        level = (data.get("level") or "").strip()
        inputs = Inputs(level=level) if level else None
    elif kind == "ratio_tiers":
        numerator, denominator = _number(data, "numerator"), _number(data, "denominator")
        if (numerator is None) != (denominator is None):
            missing = "numerator" if numerator is None else "denominator"
            raise InputsError(missing, _("Enter both numbers."))
        inputs = (
            Inputs(numerator=numerator, denominator=denominator) if numerator is not None else None
        )
    elif kind == "deduction":
        count = _number(data, "occurrences")
        if count is not None and count != count.to_integral_value():
            raise InputsError("occurrences", _("Enter a whole number."))
        inputs = Inputs(occurrences=int(count)) if count is not None else None
    else:  # bonus, penalty: the points of each item, one a line or separated by “;”
        raw = (data.get("items") or "").replace(";", "\n")
        items = []
        for line in raw.splitlines():
            if line.strip():
                value = _number({"items": line}, "items")
                assert value is not None
                items.append(value)
        inputs = Inputs(items=tuple(items)) if items else None
    if inputs is not None:
        check(rule, max_points, inputs)
    return inputs


def check(rule: Rule, max_points: Decimal, inputs: Inputs) -> None:
    """Raise InputsError if the engine could not score the inputs."""
    try:
        rule.score(max_points, inputs)
    except InputError as error:
        raise InputsError(_FIELDS.get(error.code, "score"), describe(error, rule)) from None


_FIELDS = {
    "score_out_of_range": "score",
    "score_not_on_step": "score",
    "unknown_level": "level",
    "negative_count": "numerator",
    "numerator_exceeds_denominator": "numerator",
    "outside_tiers": "numerator",
    "item_not_positive": "items",
}


def describe(error: InputError, rule: Rule) -> str:
    """The engine's input problem as a sentence for the person who typed it."""
    params = {key: _plain(value) for key, value in error.params.items()}
    code = error.code
    if code == "score_out_of_range":
        return _("The score must be between 0 and %(max)s.") % params
    if code == "score_not_on_step":
        step = _plain(rule.step) if isinstance(rule, ManualRule) else ""
        return _("The score goes in steps of %(step)s.") % {"step": step}
    if code == "unknown_level":
        labels = "; ".join(lv.label for lv in rule.levels) if isinstance(rule, LevelsRule) else ""
        return _("Choose one of the levels: %(levels)s.") % {"levels": labels}
    if code == "negative_count":
        return _("The numbers cannot be negative.")
    if code == "numerator_exceeds_denominator":
        return _("%(numerator)s is more than the total %(denominator)s.") % params
    if code == "item_not_positive":
        return _("Each item's points must be more than 0.")
    return _("This cannot be scored (%(code)s).") % {"code": code}


def _plain(value: object) -> str:
    """A number as officials write it: 0,25; 12; 1.234,5 is not needed here."""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text.replace(".", ",")
    return str(value)
