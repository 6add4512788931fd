"""Every rule type of the engine has one entry in the frameworks' registry, which names
it, says its parameters in words, reads its inputs from a form and shows them back, and
renders them; a type the registry does not know is refused, never guessed."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, ClassVar

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import translation

from parindex.frameworks.models import RULE_CHOICES, Criterion
from parindex.frameworks.rules import (
    COMPUTED,
    INPUT_FIELDS,
    RULE_KINDS,
    UnknownRuleType,
    check_registry,
    read_inputs,
    rule_kind,
    shown,
)
from parindex.frameworks.templatetags.frameworks import rule_summary
from parindex.scoring.rules import RULE_TYPES, Inputs, Rule, parse_rule

TIERS = [
    {"from": 0, "to": 90, "points": 0},
    {"from": 90, "to": 100, "points": 0.5},
    {"from": 100, "to": 100, "to_inclusive": True, "points": 1},
]
LEVELS = [
    {"label": "Đủ 4/4 quý", "points": 1},
    {"label": "Từ 1 đến 3 quý", "points": 0.5},
    {"label": "Không thực hiện", "points": 0},
]


@dataclass(frozen=True)
class Case:
    """One rule of a type as a framework writes it, what a person types for it and what
    comes of it."""

    params: dict[str, Any]
    max_points: str
    label: str  # in English: the model's choices, which the migrations hold
    summary: str  # in Vietnamese, as the framework page shows it
    typed: dict[str, str]  # the form's strings; none for the types scored from other data
    inputs: Inputs  # what the engine gets
    points: str
    stored: dict[str, Any] | None  # the inputs as an assessment stores them
    html: tuple[str, ...] = ()  # what its partial shows of them


CASES = {
    "manual": Case(
        {"type": "manual", "step": 0.25},
        "1",
        "Manual score",
        "Chấm từ 0 đến điểm tối đa, mỗi bước 0,25 điểm",
        {"score": "0,75"},
        Inputs(score=Decimal("0.75")),
        "0.75",
        {"score": "0.75"},
        ('name="score" value="0,75"', 'for="self-1.2-score"', "(0 đến 1, bước 0,25)"),
    ),
    "yes_no": Case(
        {"type": "yes_no"},
        "0.5",
        "Yes / no",
        "Có: điểm tối đa; không: 0 điểm",
        {"yes": "yes"},
        Inputs(yes=True),
        "0.5",
        {"yes": True},
        ('value="yes" checked', "(0,5 điểm)"),
    ),
    "levels": Case(
        {"type": "levels", "levels": LEVELS},
        "1",
        "Levels",
        "Chọn một mức: Đủ 4/4 quý (1); Từ 1 đến 3 quý (0,5); Không thực hiện (0)",
        {"level": "Từ 1 đến 3 quý"},
        Inputs(level="Từ 1 đến 3 quý"),
        "0.5",
        {"level": "Từ 1 đến 3 quý"},
        ('<option value="Từ 1 đến 3 quý" selected>',),
    ),
    "ratio_tiers": Case(
        {"type": "ratio_tiers", "numerator": "Đúng hạn", "denominator": "Tổng số", "tiers": TIERS},
        "1",
        "Ratio in tiers",
        "Tỷ lệ = Đúng hạn / Tổng số × 100%. Dưới 90%: 0 điểm; từ 90% đến dưới 100%: 0,5 điểm; "
        "100%: 1 điểm. Không phát sinh (mẫu số bằng 0): đạt điểm tối đa",
        {"numerator": "95", "denominator": "100"},
        Inputs(numerator=Decimal(95), denominator=Decimal(100)),
        "0.5",
        {"numerator": "95", "denominator": "100"},
        (
            'name="numerator" value="95"',
            'name="denominator" value="100"',
            ">Đúng hạn</label>",
            "Dưới 90%: 0 điểm; từ 90% đến dưới 100%: 0,5 điểm; 100%: 1 điểm.",
        ),
    ),
    "proportional": Case(
        {
            "type": "proportional",
            "numerator": "Số hồ sơ đúng hạn",
            "denominator": "Tổng số hồ sơ",
            "step": 0.25,
            "if_no_denominator": "zero",
        },
        "1.5",
        "Ratio in proportion",
        "Tỷ lệ = Số hồ sơ đúng hạn / Tổng số hồ sơ × 100%. Điểm = điểm tối đa × tỷ lệ, làm tròn "
        "xuống bội số 0,25 điểm. Không phát sinh (mẫu số bằng 0): 0 điểm",
        {"numerator": "45", "denominator": "60"},
        Inputs(numerator=Decimal(45), denominator=Decimal(60)),
        "1.00",  # 1,5 × 75% = 1,125, rounded down to a multiple of 0,25
        {"numerator": "45", "denominator": "60"},
        (
            'name="numerator" value="45"',
            'name="denominator" value="60"',
            ">Số hồ sơ đúng hạn</label>",
            "Điểm = điểm tối đa × tỷ lệ, làm tròn xuống bội số 0,25 điểm.",
        ),
    ),
    "deduction": Case(
        {"type": "deduction", "per_occurrence": 0.25, "occurrence_label": "Báo cáo trễ hạn"},
        "1",
        "Deduction per occurrence",
        "Trừ 0,25 điểm mỗi lần (Báo cáo trễ hạn), thấp nhất 0 điểm",
        {"occurrences": "2"},
        Inputs(occurrences=2),
        "0.5",
        {"occurrences": 2},
        ('name="occurrences" value="2"', "Báo cáo trễ hạn"),
    ),
    "survey": Case(
        {"type": "survey", "source": "sipas", "mode": "share"},
        "2",
        "Survey result",
        "Theo khảo sát sự hài lòng (SIPAS): tỷ lệ hài lòng × điểm tối đa",
        {},
        Inputs(survey_pct=Decimal(80)),
        "1.6",
        None,
    ),
    "history": Case(
        {
            "type": "history",
            "tiers": [
                {"from": -100, "to": 0, "points": 0},
                {"from": 0, "to": 100, "to_inclusive": True, "points": 1},
            ],
        },
        "1",
        "Index in earlier years",
        "Mức thay đổi Chỉ số CCHC của đơn vị giữa hai năm liền trước. Giảm: 0 điểm; không thay "
        "đổi hoặc tăng: 1 điểm. Đơn vị chưa có Chỉ số CCHC của cả hai năm: đạt điểm tối đa",
        {},
        Inputs(index_previous=Decimal(85), index_before_previous=Decimal(80)),
        "1",
        None,
    ),
    "bonus": Case(
        {"type": "bonus", "cap": 1},
        "0",
        "Bonus points",
        "Điểm thưởng, tối đa 1 điểm",
        {"items": "Sáng kiến “Dân đến không viết” 0,25\nHộ tịch điện tử: 0,5 điểm"},
        Inputs(
            items=(Decimal("0.25"), Decimal("0.5")),
            item_labels=("Sáng kiến “Dân đến không viết”", "Hộ tịch điện tử"),
        ),
        "0.75",
        {
            "items": ["0.25", "0.5"],
            "item_labels": ["Sáng kiến “Dân đến không viết”", "Hộ tịch điện tử"],
        },
        (
            ">Sáng kiến “Dân đến không viết” 0,25\nHộ tịch điện tử 0,5</textarea>",
            "tối đa 1 điểm",
            "Tổng cộng: 0,75 điểm (tối đa 1 điểm)",
        ),
    ),
    "penalty": Case(
        {"type": "penalty", "cap": 2},
        "0",
        "Penalty points",
        "Điểm trừ, tối đa 2 điểm",
        {"items": "1,5\n1"},
        Inputs(items=(Decimal("1.5"), Decimal(1))),
        "-2",
        {"items": ["1.5", "1"]},
        (
            ">1,5\n1</textarea>",
            "tối đa 2 điểm",
            "đã đạt mức tối đa</span> chỉ tính 2 trên 2,5 điểm đã kê khai",
        ),
    ),
}


def test_the_registry_has_the_engines_rule_types_in_its_order() -> None:
    assert list(RULE_KINDS) == list(RULE_TYPES) == list(CASES)
    assert [code for code, _label in RULE_CHOICES] == list(RULE_TYPES)
    for rule_type, kind in RULE_KINDS.items():
        assert kind.engine is RULE_TYPES[rule_type]
    check_registry(RULE_KINDS)
    missing = {t: k for t, k in RULE_KINDS.items() if t != "history"}
    with pytest.raises(ImproperlyConfigured, match="history"):
        check_registry(missing)
    reordered = dict(reversed(list(RULE_KINDS.items())))
    with pytest.raises(ImproperlyConfigured):
        check_registry(reordered)


@pytest.mark.parametrize("rule_type", list(CASES))
def test_every_rule_type_works_through_the_registry(rule_type: str) -> None:
    case = CASES[rule_type]
    kind = rule_kind(rule_type)
    rule = parse_rule(case.params)
    max_points = Decimal(case.max_points)
    assert rule.check(max_points) == []
    with translation.override("en"):
        assert str(kind.label) == case.label
    assert kind.summary(rule) == case.summary
    criterion = Criterion(
        code="1.2", max_points=max_points, rule_type=rule_type, rule_params=case.params
    )
    assert criterion.rule_kind is kind
    assert rule_summary(criterion) == case.summary

    read = read_inputs(rule, max_points, case.typed)
    assert kind.answered == (rule_type not in COMPUTED)
    if kind.answered:
        assert read == case.inputs
        assert set(case.typed) <= set(kind.fields) <= set(INPUT_FIELDS)
    else:  # the unit types nothing: the survey's results and earlier years give the inputs
        assert read is None
        assert read_inputs(rule, max_points, {"score": "1"}) is None
        assert kind.template is None
    assert rule.score(max_points, case.inputs) == Decimal(case.points)

    values = shown(rule_type, case.stored)
    if case.stored is not None:
        assert values == kind.show(case.stored)
        # What the form shows reads back as what was stored.
        assert read_inputs(rule, max_points, values) == case.inputs
        # In words, as a person reads it: no stored key, no internal value.
        words = kind.words(rule, case.stored)
        assert words and not any(key in line for line in words for key in case.stored)
        assert not any(line in ("yes", "no", "True", "False") for line in words)
    if kind.template is not None:
        html = render_to_string(
            kind.template,
            {
                "row": SimpleNamespace(criterion=criterion, rule=rule),
                "rule": rule,
                "code": "1.2",
                "values": values,
                "prefix": "self",
            },
        )
        for name in kind.fields:
            assert f'name="{name}"' in html
        for snippet in case.html:
            assert snippet in html


def test_the_excel_labels_name_one_type_each() -> None:
    labels = [kind.excel_label.casefold() for kind in RULE_KINDS.values()]
    assert len(set(labels)) == len(labels)
    assert all(kind.excel_meaning for kind in RULE_KINDS.values())


def test_only_points_outside_the_maximum_have_a_badge() -> None:
    for kind in RULE_KINDS.values():
        assert bool(kind.badge) == kind.engine.adjusts
        assert bool(kind.badge_style) == kind.engine.adjusts


@dataclass(frozen=True)
class StarsRule(Rule):
    type: ClassVar[str] = "stars"

    def score(self, max_points: Decimal, inputs: Inputs) -> Decimal | None:
        return max_points


def test_an_unknown_rule_type_is_refused_not_guessed() -> None:
    with pytest.raises(UnknownRuleType, match="stars") as error:
        rule_kind("stars")
    assert isinstance(error.value, LookupError)
    assert error.value.rule_type == "stars"
    criterion = Criterion(code="1.2", max_points=Decimal(1), rule_type="stars")
    with pytest.raises(UnknownRuleType):
        _ = criterion.rule_kind
    with pytest.raises(UnknownRuleType):
        rule_summary(criterion)
    with pytest.raises(UnknownRuleType):  # once read as bonus items
        read_inputs(StarsRule(), Decimal(1), {"items": "1"})
    with pytest.raises(LookupError):
        shown("stars", {"stars": "3"})
    with pytest.raises(TypeError):  # an entry describes only rules of its own type
        rule_kind("bonus").summary(StarsRule())
    assert Criterion(code="1", max_points=Decimal(1)).rule_kind is None  # a node has none
