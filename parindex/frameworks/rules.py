"""The scoring rules on the Django side: one entry per rule type of the engine.

`scoring.rules.RULE_TYPES` says how a rule type scores; `RULE_KINDS`, keyed the same way,
says everything else the site knows of it: its name in the admin and in the Excel
template, its parameters in words, how a form's strings become the engine's `Inputs` and
how stored inputs go back into a form, and which template holds its inputs. A type the
registry does not know raises `UnknownRuleType`: nothing is read or shown by a guess.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from parindex.org.templatetags.parindex import as_written, compact_points
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
    ProportionalRule,
    RatioRule,
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

    def check_inputs(self, rule: R, inputs: Inputs) -> None:
        """Raise InputsError for inputs the engine scores but a person cannot have meant;
        by default there are none."""

    def show(self, stored: Mapping[str, Any]) -> dict[str, str]:
        """Stored inputs (numbers as strings) as the form shows them: decimal commas."""
        # A level's label gets commas too, as it always has: a label with a full stop then
        # matches no option. Left for its own change.
        return {key: _comma(value) for key, value in stored.items()}

    def words(self, rule: R, stored: Mapping[str, Any] | None) -> list[str]:
        """Stored inputs as the page shows them to a person, one line a value: “Có”, a
        level's label, “Số hồ sơ đúng hạn: 12” — never the stored keys and values."""
        if not stored:
            return []
        return [as_written(value) for value in self.show(stored).values()]

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


# Tiers in words --------------------------------------------------------------------
#
# As the province's documents write them: "Dưới 80%: 0 điểm; từ 80% đến dưới 100%:
# 0,75 điểm; 100%: 1,5 điểm"; for a change between two years, "giảm", "không thay đổi
# hoặc tăng dưới 2 điểm phần trăm", "tăng từ 2 điểm phần trăm trở lên".

PERCENT = "percent"  # a rate, 0-100 % (ratio_tiers, survey)
CHANGE = "change"  # a change of the index in percentage points, -100 to 100 (history)
_HUNDRED = Decimal(100)


def points_words(points: Decimal) -> str:
    """“0,75 điểm”, “1 point”."""
    return ngettext("%(points)s point", "%(points)s points", 1 if points == 1 else 2) % {
        "points": compact_points(points)
    }


def _percent(value: Decimal) -> str:
    return f"{compact_points(value)}%"


def _percentage_points(value: Decimal) -> str:
    return ngettext(
        "%(value)s percentage point", "%(value)s percentage points", 1 if value == 1 else 2
    ) % {"value": compact_points(value)}


def _span_words(scale: str) -> dict[str, str]:
    """The words of a range of a rate (“từ 80% đến dưới 100%”) or of the size of a change
    (“by 2 percentage points or more”); the Vietnamese is the same for both."""
    if scale == PERCENT:
        return {
            "below": _("below %(high)s"),
            "at_most": _("at most %(high)s"),
            "or_more": _("%(low)s or more"),
            "above": _("above %(low)s"),
            "from_to": _("from %(low)s to %(high)s"),
            "from_below": _("from %(low)s to below %(high)s"),
            "above_to": _("above %(low)s to %(high)s"),
            "above_below": _("above %(low)s to below %(high)s"),
        }
    return {
        "below": _("by less than %(high)s"),
        "at_most": _("by at most %(high)s"),
        "or_more": _("by %(low)s or more"),
        "above": _("by more than %(low)s"),
        "from_to": _("by %(low)s to %(high)s"),
        "from_below": _("by %(low)s to less than %(high)s"),
        "above_to": _("by more than %(low)s to %(high)s"),
        "above_below": _("by more than %(low)s to less than %(high)s"),
    }


def _span(
    low: Decimal,
    low_inclusive: bool,
    high: Decimal,
    high_inclusive: bool,
    *,
    scale: str,
    floor_open: bool = False,
) -> str:
    """A range from `low` to `high` in words, leaving out the ends of the whole range
    (0, and 100 when included): “dưới 80%”, “từ 30% trở lên”. With `floor_open`, 0 is
    left out however it is bounded (the size of a change: 0 is “no change”)."""
    number = _percent if scale == PERCENT else _percentage_points
    words = _span_words(scale)
    if low == high:
        return number(low)
    has_low = not (low == 0 and (low_inclusive or floor_open))
    has_high = not (high == _HUNDRED and high_inclusive)
    values = {"low": number(low), "high": number(high)}
    if not has_low and not has_high:
        return ""
    if not has_low:
        return (words["at_most"] if high_inclusive else words["below"]) % values
    if not has_high:
        return (words["or_more"] if low_inclusive else words["above"]) % values
    key = ("from" if low_inclusive else "above") + ("_to" if high_inclusive else "_below")
    return words[key] % values


def _with(template: str, span: str, bare: str) -> str:
    return template % {"span": span} if span else bare


def _change_words(tier: Tier) -> str:
    """A range of the change of the index: “giảm”, “tăng từ 2 điểm phần trăm trở lên”."""
    low, high = tier.lower, tier.upper
    if low == high:
        if low == 0:
            return _("no change")
        amount = _percentage_points(abs(low))
        return (_("up by %(amount)s") if low > 0 else _("down by %(amount)s")) % {"amount": amount}
    if low >= 0:
        span = _span(
            low, tier.lower_inclusive, high, tier.upper_inclusive, scale=CHANGE, floor_open=True
        )
        if low == 0 and tier.lower_inclusive:
            return _with(_("no change or up %(span)s"), span, _("no change or up"))
        return _with(_("up %(span)s"), span, _("up"))
    if high <= 0:  # a fall: its size runs from -high to -low
        span = _span(
            -high, tier.upper_inclusive, -low, tier.lower_inclusive, scale=CHANGE, floor_open=True
        )
        if high == 0 and tier.upper_inclusive:
            return _with(_("down %(span)s or no change"), span, _("down or no change"))
        return _with(_("down %(span)s"), span, _("down"))
    if low == -_HUNDRED and high == _HUNDRED and tier.lower_inclusive and tier.upper_inclusive:
        return _("any change")
    values = {"low": _percentage_points(low), "high": _percentage_points(high)}
    key = ("from" if tier.lower_inclusive else "above") + (
        "_to" if tier.upper_inclusive else "_below"
    )
    return _("a change %(span)s") % {"span": _span_words(PERCENT)[key] % values}


def tier_words(tier: Tier, scale: str = PERCENT) -> str:
    """One tier as the documents write it: “từ 80% đến dưới 100%: 0,75 điểm”."""
    if scale == CHANGE:
        span = _change_words(tier)
    else:
        span = _span(
            tier.lower, tier.lower_inclusive, tier.upper, tier.upper_inclusive, scale=PERCENT
        ) or _("any rate")
    return _("%(span)s: %(points)s") % {"span": span, "points": points_words(tier.points)}


def tiers_words(tiers: Sequence[Tier], scale: str = PERCENT) -> str:
    """All the tiers of a rule, in their order, as one sentence: “Dưới 80%: 0 điểm; từ
    80% đến dưới 100%: 0,75 điểm; 100%: 1,5 điểm”."""
    text = "; ".join(tier_words(tier, scale) for tier in tiers)
    return text[:1].upper() + text[1:]


# One class per rule type ------------------------------------------------------------


class _Manual(RuleKind[ManualRule]):
    def _summary(self, rule: ManualRule) -> str:
        return _("Scored from 0 to the maximum in steps of %(step)s") % {
            "step": compact_points(rule.step)
        }

    def read(self, data: Mapping[str, str]) -> Inputs | None:
        score = _number(data, "score")
        return Inputs(score=score) if score is not None else None

    def words(self, rule: ManualRule, stored: Mapping[str, Any] | None) -> list[str]:
        if not stored or stored.get("score") is None:
            return []
        return [_("Score: %(score)s") % {"score": as_written(stored["score"])}]


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

    def words(self, rule: YesNoRule, stored: Mapping[str, Any] | None) -> list[str]:
        if not stored or "yes" not in stored:
            return []
        return [str(_("Yes") if stored["yes"] else _("No"))]


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

    def words(self, rule: LevelsRule, stored: Mapping[str, Any] | None) -> list[str]:
        return [str(stored["level"])] if stored and stored.get("level") else []


RT = TypeVar("RT", bound=RatioRule)


def ratio_words(rule: RatioRule) -> str:
    """How the rate is measured: “Tỷ lệ = Số hồ sơ đúng hạn / Tổng số hồ sơ × 100%”."""
    return _("Rate = %(numerator)s / %(denominator)s × 100%%") % {
        "numerator": rule.numerator,
        "denominator": rule.denominator,
    }


def no_denominator_words(rule: RatioRule) -> str:
    """What the rule gives when there was nothing to count (the denominator is 0)."""
    if rule.if_no_denominator == "max":
        return _("Nothing to count (denominator 0): the maximum")
    return _("Nothing to count (denominator 0): 0 points")


def proportional_words(rule: ProportionalRule) -> str:
    """“Điểm = điểm tối đa × tỷ lệ, làm tròn xuống bội số 0,25 điểm”."""
    if rule.step is None:
        return _("Points = maximum × rate")
    return _("Points = maximum × rate, rounded down to a multiple of %(step)s") % {
        "step": points_words(rule.step)
    }


class _Ratio(RuleKind[RT]):
    """Two numbers the unit enters, a numerator and a denominator."""

    def read(self, data: Mapping[str, str]) -> Inputs | None:
        numerator, denominator = _number(data, "numerator"), _number(data, "denominator")
        if (numerator is None) != (denominator is None):
            missing = "numerator" if numerator is None else "denominator"
            raise InputsError(missing, _("Enter both numbers."))
        if numerator is None:
            return None
        return Inputs(numerator=numerator, denominator=denominator)

    def words(self, rule: RT, stored: Mapping[str, Any] | None) -> list[str]:
        if not stored or stored.get("numerator") is None:
            return []
        return [
            f"{rule.numerator}: {as_written(stored['numerator'])}",
            f"{rule.denominator}: {as_written(stored.get('denominator'))}",
        ]


class _RatioTiers(_Ratio[RatioTiersRule]):
    def _summary(self, rule: RatioTiersRule) -> str:
        return ". ".join((ratio_words(rule), tiers_words(rule.tiers), no_denominator_words(rule)))


class _Proportional(_Ratio[ProportionalRule]):
    def _summary(self, rule: ProportionalRule) -> str:
        return ". ".join((ratio_words(rule), proportional_words(rule), no_denominator_words(rule)))


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

    def words(self, rule: DeductionRule, stored: Mapping[str, Any] | None) -> list[str]:
        if not stored or stored.get("occurrences") is None:
            return []
        what = rule.occurrence_label or _("Occurrences")
        return [f"{what}: {as_written(stored['occurrences'])}"]


class _Survey(RuleKind[SurveyRule]):
    def _summary(self, rule: SurveyRule) -> str:
        source = _("citizen satisfaction (SIPAS)") if rule.source == "sipas" else _("staff survey")
        if rule.indicator:
            source = _("%(source)s, indicator “%(indicator)s”") % {
                "source": source,
                "indicator": rule.indicator,
            }
        if rule.mode == "share":
            text = _("From the %(source)s: satisfied share × maximum") % {"source": source}
        else:
            text = _("From the %(source)s. %(tiers)s") % {
                "source": source,
                "tiers": tiers_words(rule.tiers),
            }
        if rule.if_short == "provisional":
            text += ". " + _("A sample short of its target leaves the result provisional")
        return text


class _History(RuleKind[HistoryRule]):
    def _summary(self, rule: HistoryRule) -> str:
        if_none = (
            _("A unit without the index of both years: the maximum")
            if rule.if_no_history == "max"
            else _("A unit without the index of both years: 0 points")
        )
        return _(
            "Change of the unit's index between the two previous years. %(tiers)s. %(if_none)s"
        ) % {
            "tiers": tiers_words(rule.tiers, CHANGE),
            "if_none": if_none,
        }


C = TypeVar("C", bound=CappedRule)


# A bonus or penalty item as a person writes it: what it is, then its points at the end
# of the line (“Sáng kiến … 0,5”, “Sáng kiến …: 0,5 điểm”); or only the points.
_ITEM_UNITS = ("điểm", "points", "point", "pts", "đ")
_ITEM_SEPARATORS = " \t:=+-–—([,"
_NUMBER_CHARACTERS = frozenset("0123456789.,")


def _split_item(line: str) -> tuple[str, str]:
    """A line as (description, points as typed); the points are "" when the line does
    not end with a number."""
    text = line.strip().rstrip(".;)]").rstrip()
    lowered = text.casefold()
    for unit in _ITEM_UNITS:
        if lowered.endswith(unit) and (
            len(text) == len(unit) or not text[-len(unit) - 1].isalpha()
        ):
            text = text[: -len(unit)].rstrip()
            break
    start = len(text)
    while start > 0 and text[start - 1] in _NUMBER_CHARACTERS:
        start -= 1
    # A number written with an exponent (1e5000) is one number, to be bounded as such,
    # not a description "1e" worth 5000.
    exponent = start - 1 if start > 0 and text[start - 1] in "+-" else start
    if exponent > 1 and text[exponent - 1] in "eE" and text[exponent - 2] in _NUMBER_CHARACTERS:
        start = exponent - 1
        while start > 0 and text[start - 1] in _NUMBER_CHARACTERS:
            start -= 1
    number = text[start:].strip(".,")
    if not number:
        return line.strip(), ""
    return text[:start].rstrip(_ITEM_SEPARATORS).strip(), number


class _Capped(RuleKind[C]):
    """Bonus and penalty points: one item a line, what it is and then its points."""

    def read(self, data: Mapping[str, str]) -> Inputs | None:
        points: list[Decimal] = []
        labels: list[str] = []
        for line in (data.get("items") or "").splitlines():
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split(";")]
            if len(parts) > 1 and all(_split_item(part)[1] for part in parts if part):
                lines = [part for part in parts if part]  # “0,25; 0,5”: one item each
            else:
                lines = [line]
            for one in lines:
                label, number = _split_item(one)
                if not number:
                    raise InputsError(
                        "items",
                        _("End each line with the item's points: “%(line)s” has none.")
                        % {"line": one.strip()},
                    )
                value = _number({"items": number}, "items")
                assert value is not None
                points.append(value)
                labels.append(label)
        if not points:
            return None
        return Inputs(items=tuple(points), item_labels=tuple(labels) if any(labels) else ())

    def check_inputs(self, rule: C, inputs: Inputs) -> None:
        labels = inputs.item_labels or ("",) * len(inputs.items)
        for label, points in zip(labels, inputs.items, strict=True):
            if points > rule.cap:
                raise InputsError(
                    "items",
                    _(
                        "“%(line)s”: %(points)s is more than the %(cap)s allowed in all. "
                        "End each line with the item's points."
                    )
                    % {
                        "line": f"{label} {_comma(points)}".strip(),
                        "points": points_words(points),
                        "cap": points_words(rule.cap),
                    },
                )

    def show(self, stored: Mapping[str, Any]) -> dict[str, str]:
        items = stored.get("items") or []
        labels = stored.get("item_labels") or [""] * len(items)
        return {
            "items": "\n".join(
                f"{label} {_comma(points)}" if label else _comma(points)
                for label, points in zip(labels, items, strict=False)
            )
        }

    def words(self, rule: C, stored: Mapping[str, Any] | None) -> list[str]:
        return self.show(stored).get("items", "").splitlines() if stored else []


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
    _Proportional(
        ProportionalRule,
        label=gettext_lazy("Ratio in proportion"),
        excel_label="Tỷ lệ nhân điểm tối đa",
        excel_meaning=(
            "Điểm = điểm tối đa × tỷ lệ tử số / mẫu số; step (nếu có): làm tròn xuống bội số "
            "của step; if_no_denominator: max hoặc zero khi mẫu số bằng 0"
        ),
        excel_example=(
            "{numerator: Số hồ sơ giải quyết đúng hạn, denominator: Tổng số hồ sơ đã giải "
            "quyết, step: 0.25}"
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
    rule_kind(rule.type).check_inputs(rule, inputs)


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
