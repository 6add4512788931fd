"""The scoring rules on the Django side: one entry per rule type of the engine.

`scoring.rules.RULE_TYPES` says how a rule type scores; `RULE_KINDS`, keyed the same way,
says everything else the site knows of it: its name in the admin and in the Excel
template, its parameters in words, how a form's strings become the engine's `Inputs` and
how stored inputs go back into a form, and which template holds its inputs. A type the
registry does not know raises `UnknownRuleType`: nothing is read or shown by a guess.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parindex.org.templatetags.parindex import compact_points
from parindex.scoring.numbers import INPUT_PLACES, NumberOutOfBounds, to_decimal
from parindex.scoring.rules import (
    RULE_TYPES,
    BonusRule,
    CappedRule,
    DeductionRule,
    HistoryRule,
    InputError,
    Inputs,
    LevelsRule,
    ManualRule,
    PenaltyRule,
    RatioTiersRule,
    Rule,
    SurveyRule,
    Tier,
    YesNoRule,
)

R = TypeVar("R", bound=Rule)


class UnknownRuleType(LookupError):
    """A rule type the registry has no entry for."""

    def __init__(self, rule_type: str) -> None:
        super().__init__(f"no scoring rule type “{rule_type}” in parindex.frameworks.rules")
        self.rule_type = rule_type


class InputsError(Exception):
    """What was typed cannot be scored; `field` names the input, `message` says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class RuleKind(ABC, Generic[R]):
    """What the site knows of one rule type besides how the engine scores it."""

    engine: type[R]  # the engine's class of the type, which names it
    label: str | Promise  # model choices and the admin
    excel_label: str  # the Excel template's words: the officials' Vietnamese, untranslated
    excel_meaning: str
    excel_example: str
    # The form inputs the unit and the appraisers fill in; none when the points come
    # from elsewhere (survey results, earlier years).
    fields: tuple[str, ...] = ()
    # Shown on the framework page instead of the maximum, for points outside it.
    badge: str | Promise = ""
    badge_style: str = ""

    @property
    def type(self) -> str:
        return self.engine.type

    @property
    def answered(self) -> bool:
        """Whether the unit answers it; if not, its points are computed from other data."""
        return bool(self.fields)

    @property
    def template(self) -> str | None:
        """The partial that renders its inputs in a leaf's forms."""
        return f"frameworks/inputs/{self.type}.html" if self.answered else None

    def summary(self, rule: Rule) -> str:
        """The rule's parameters in words, for the framework page."""
        if not isinstance(rule, self.engine):
            raise TypeError(f"a {rule.type} rule is not a {self.type} rule")
        return self._summary(rule)

    def read(self, data: Mapping[str, str]) -> Inputs | None:
        """A form's strings as the engine's Inputs; None while nothing is entered. Raises
        InputsError for what is not a number or not a choice. The engine checks the rest
        (see `read_inputs`)."""
        return None

    def show(self, stored: Mapping[str, Any]) -> dict[str, str]:
        """Stored inputs (numbers as strings) as the form shows them: decimal commas."""
        # A level's label gets commas too, as it always has: a label with a full stop then
        # matches no option. Left for its own change.
        return {key: _comma(value) for key, value in stored.items()}

    @abstractmethod
    def _summary(self, rule: R) -> str:
        """The words of `summary`, for a rule known to be of this type."""


def _comma(value: object) -> str:
    return str(value).replace(".", ",")


def _number(data: Mapping[str, str], name: str) -> Decimal | None:
    """A typed number, within the bounds of scoring.numbers: below 10^9, at most
    INPUT_PLACES decimals, never negative; what is typed is quoted back cut short."""
    raw = (data.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = to_decimal(raw, places=INPUT_PLACES)
    except NumberOutOfBounds as refused:
        if refused.reason == "too_many_places":
            raise InputsError(
                name,
                _("Write the number with at most %(places)s decimals.") % {"places": INPUT_PLACES},
            ) from None
        raise InputsError(
            name, _("The number is too large: numbers here stay below a billion.")
        ) from None
    except ValueError:
        raise InputsError(
            name, _("“%(value)s” is not a number.") % {"value": _quoted(raw)}
        ) from None
    if value < 0:
        raise InputsError(name, _("The number cannot be negative."))
    return value


def _quoted(raw: str) -> str:
    return raw if len(raw) <= 30 else raw[:29] + "…"


def _tier(tier: Tier, unit: str) -> str:
    low, high = compact_points(tier.lower), compact_points(tier.upper)
    if tier.lower == tier.upper:
        span = f"{low}{unit}"
    else:
        left = "" if tier.lower_inclusive else ">"
        right = "≤" if tier.upper_inclusive else "<"
        span = f"{left}{low} – {right}{high}{unit}"
    return _("%(span)s: %(points)s") % {"span": span, "points": compact_points(tier.points)}


# One class per rule type ------------------------------------------------------------


class _Manual(RuleKind[ManualRule]):
    def _summary(self, rule: ManualRule) -> str:
        return _("Scored from 0 to the maximum in steps of %(step)s") % {
            "step": compact_points(rule.step)
        }

    def read(self, data: Mapping[str, str]) -> Inputs | None:
        score = _number(data, "score")
        return Inputs(score=score) if score is not None else None


class _YesNo(RuleKind[YesNoRule]):
    def _summary(self, rule: YesNoRule) -> str:
        return _("Yes: the maximum; no: 0")

    def read(self, data: Mapping[str, str]) -> Inputs | None:
        answer = (data.get("yes") or "").strip()
        if answer not in ("", "yes", "no"):
            raise InputsError("yes", _("Choose yes or no."))
        return Inputs(yes=answer == "yes") if answer else None

    def show(self, stored: Mapping[str, Any]) -> dict[str, str]:
        return {"yes": "yes" if stored["yes"] else "no"} if "yes" in stored else {}


class _Levels(RuleKind[LevelsRule]):
    def _summary(self, rule: LevelsRule) -> str:
        return _("One of: %(levels)s") % {
            "levels": "; ".join(
                f"{level.label} ({compact_points(level.points)})" for level in rule.levels
            )
        }

    def read(self, data: Mapping[str, str]) -> Inputs | None:
        level = (data.get("level") or "").strip()
        return Inputs(level=level) if level else None


class _RatioTiers(RuleKind[RatioTiersRule]):
    def _summary(self, rule: RatioTiersRule) -> str:
        return _("%(numerator)s / %(denominator)s — %(tiers)s") % {
            "numerator": rule.numerator,
            "denominator": rule.denominator,
            "tiers": "; ".join(_tier(t, "%") for t in rule.tiers),
        }

    def read(self, data: Mapping[str, str]) -> Inputs | None:
        numerator, denominator = _number(data, "numerator"), _number(data, "denominator")
        if (numerator is None) != (denominator is None):
            missing = "numerator" if numerator is None else "denominator"
            raise InputsError(missing, _("Enter both numbers."))
        if numerator is None:
            return None
        return Inputs(numerator=numerator, denominator=denominator)


class _Deduction(RuleKind[DeductionRule]):
    def _summary(self, rule: DeductionRule) -> str:
        return _("Minus %(points)s per occurrence (%(what)s), never below 0") % {
            "points": compact_points(rule.per_occurrence),
            "what": rule.occurrence_label or _("occurrence"),
        }

    def read(self, data: Mapping[str, str]) -> Inputs | None:
        count = _number(data, "occurrences")
        if count is not None and count != count.to_integral_value():
            raise InputsError("occurrences", _("Enter a whole number."))
        return Inputs(occurrences=int(count)) if count is not None else None


class _Survey(RuleKind[SurveyRule]):
    def _summary(self, rule: SurveyRule) -> str:
        source = _("citizen satisfaction (SIPAS)") if rule.source == "sipas" else _("staff survey")
        if rule.mode == "share":
            return _("From the %(source)s: satisfied share × maximum") % {"source": source}
        return _("From the %(source)s: %(tiers)s") % {
            "source": source,
            "tiers": "; ".join(_tier(t, "%") for t in rule.tiers),
        }


class _History(RuleKind[HistoryRule]):
    def _summary(self, rule: HistoryRule) -> str:
        return _("Change of the unit's index between the two previous years: %(tiers)s") % {
            "tiers": "; ".join(_tier(t, "") for t in rule.tiers)
        }


C = TypeVar("C", bound=CappedRule)


class _Capped(RuleKind[C]):
    """Bonus and penalty points: the points of each item, one a line or separated by “;”."""

    def read(self, data: Mapping[str, str]) -> Inputs | None:
        raw = (data.get("items") or "").replace(";", "\n")
        items = []
        for line in raw.splitlines():
            if line.strip():
                value = _number({"items": line}, "items")
                assert value is not None
                items.append(value)
        return Inputs(items=tuple(items)) if items else None

    def show(self, stored: Mapping[str, Any]) -> dict[str, str]:
        return {"items": "\n".join(_comma(v) for v in stored["items"])} if "items" in stored else {}


class _Bonus(_Capped[BonusRule]):
    def _summary(self, rule: BonusRule) -> str:
        return _("Bonus points, at most %(cap)s") % {"cap": compact_points(rule.cap)}


class _Penalty(_Capped[PenaltyRule]):
    def _summary(self, rule: PenaltyRule) -> str:
        return _("Penalty points, at most %(cap)s") % {"cap": compact_points(rule.cap)}


_ENTRIES: tuple[RuleKind[Any], ...] = (
    _Manual(
        ManualRule,
        label=gettext_lazy("Manual score"),
        excel_label="Chấm điểm trực tiếp",
        excel_meaning="Điểm do đơn vị tự chấm, thẩm định điều chỉnh; bước điểm",
        excel_example="{step: 0.25}",
        fields=("score",),
    ),
    _YesNo(
        YesNoRule,
        label=gettext_lazy("Yes / no"),
        excel_label="Có/Không",
        excel_meaning="Đạt: điểm tối đa; không đạt: 0 điểm",
        excel_example="",
        fields=("yes",),
    ),
    _Levels(
        LevelsRule,
        label=gettext_lazy("Levels"),
        excel_label="Theo mức",
        excel_meaning="Chọn một mức, mỗi mức một số điểm; mức cao nhất bằng điểm tối đa",
        excel_example=(
            "{levels: [{label: Đủ 4/4 quý, points: 1}, {label: Từ 1 đến 3 quý, points: 0.5}, "
            "{label: Không thực hiện, points: 0}]}"
        ),
        fields=("level",),
    ),
    _RatioTiers(
        RatioTiersRule,
        label=gettext_lazy("Ratio in tiers"),
        excel_label="Tỷ lệ theo khoảng",
        excel_meaning=(
            "Tỷ lệ tử số / mẫu số (%) rơi vào khoảng nào thì được điểm khoảng đó; các khoảng "
            "phủ kín 0–100%, không chồng lấn"
        ),
        excel_example=(
            "{numerator: Số hồ sơ đúng hạn, denominator: Tổng số hồ sơ, tiers: [{from: 0, to: 90, "
            "points: 0}, {from: 90, to: 100, points: 0.5}, {from: 100, to: 100, to_inclusive: "
            "true, points: 1}]}"
        ),
        fields=("numerator", "denominator"),
    ),
    _Deduction(
        DeductionRule,
        label=gettext_lazy("Deduction per occurrence"),
        excel_label="Trừ điểm theo lần",
        excel_meaning="Điểm tối đa trừ số lần × điểm trừ mỗi lần, thấp nhất 0",
        excel_example="{per_occurrence: 0.25, occurrence_label: Số báo cáo trễ hạn}",
        fields=("occurrences",),
    ),
    _Survey(
        SurveyRule,
        label=gettext_lazy("Survey result"),
        excel_label="Kết quả khảo sát",
        excel_meaning=(
            "Điểm từ kết quả khảo sát (sipas hoặc staff): tỷ lệ × điểm tối đa (share) "
            "hoặc theo khoảng (tiers)"
        ),
        excel_example="{source: sipas, mode: share}",
    ),
    _History(
        HistoryRule,
        label=gettext_lazy("Index in earlier years"),
        excel_label="Chỉ số các năm trước",
        excel_meaning=(
            "Theo mức thay đổi chỉ số của đơn vị giữa hai năm liền trước (điểm %), "
            "các khoảng phủ kín −100 đến 100"
        ),
        excel_example=(
            "{tiers: [{from: -100, to: 0, points: 0}, {from: 0, to: 100, from_inclusive: "
            "false, to_inclusive: true, points: 1}]}"
        ),
    ),
    _Bonus(
        BonusRule,
        label=gettext_lazy("Bonus points"),
        excel_label="Điểm thưởng",
        excel_meaning="Điểm cộng thêm, tối đa bằng cap; điểm tối đa của dòng ghi 0",
        excel_example="{cap: 1}",
        fields=("items",),
        badge=gettext_lazy("bonus"),
        badge_style="ok",
    ),
    _Penalty(
        PenaltyRule,
        label=gettext_lazy("Penalty points"),
        excel_label="Điểm trừ",
        excel_meaning="Điểm bị trừ, tối đa bằng cap; điểm tối đa của dòng ghi 0",
        excel_example="{cap: 2}",
        fields=("items",),
        badge=gettext_lazy("penalty"),
        badge_style="warn",
    ),
)
RULE_KINDS: dict[str, RuleKind[Any]] = {kind.type: kind for kind in _ENTRIES}


def check_registry(kinds: Mapping[str, RuleKind[Any]]) -> None:
    """Raise ImproperlyConfigured unless the registry has the engine's rule types, in the
    engine's order (the model's choices and the Excel template follow it)."""
    if list(kinds) != list(RULE_TYPES):
        raise ImproperlyConfigured(
            f"parindex.frameworks.rules has the rule types {list(kinds)}; "
            f"the engine has {list(RULE_TYPES)}"
        )
    for rule_type, kind in kinds.items():
        if kind.engine is not RULE_TYPES[rule_type]:
            raise ImproperlyConfigured(f"the registry's {rule_type} is not the engine's class")


check_registry(RULE_KINDS)

# Rule types whose points are read from elsewhere (survey results, earlier years).
COMPUTED = frozenset(kind.type for kind in _ENTRIES if not kind.answered)
# Every form input some rule reads, in the registry's order.
INPUT_FIELDS = tuple(dict.fromkeys(name for kind in _ENTRIES for name in kind.fields))


def rule_kind(rule_type: str) -> RuleKind[Any]:
    """The registry's entry of a rule type; raises UnknownRuleType for any other."""
    try:
        return RULE_KINDS[rule_type]
    except KeyError:
        raise UnknownRuleType(rule_type) from None


# Reading and showing inputs ---------------------------------------------------------


def read_inputs(rule: Rule, max_points: Decimal, data: Mapping[str, str]) -> Inputs | None:
    """The inputs of a form for the rule; None while nothing is entered. Raises
    InputsError for what the rule could not score."""
    inputs = rule_kind(rule.type).read(data)
    if inputs is not None:
        check(rule, max_points, inputs)
    return inputs


def shown(rule_type: str, stored: Mapping[str, Any] | None) -> dict[str, str]:
    """Stored inputs of a leaf of that rule type as its form shows them."""
    return rule_kind(rule_type).show(stored) if stored else {}


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
    params = {
        key: compact_points(value) if isinstance(value, Decimal) else str(value)
        for key, value in error.params.items()
    }
    code = error.code
    if code == "score_out_of_range":
        return _("The score must be between 0 and %(max)s.") % params
    if code == "score_not_on_step":
        step = compact_points(rule.step) if isinstance(rule, ManualRule) else ""
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
