"""Proposals from the follow-up (issue 13, item 6), the framework's side: a leaf names its
source, kept through YAML and Excel and refused by name where it cannot fill the leaf;
the follow-up's counts become the inputs of the leaf's rule."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from parindex.conftest import DEMO_FRAMEWORKS
from parindex.frameworks.excelio import tree_from_xlsx, tree_to_xlsx
from parindex.frameworks.prefill import (
    FINDINGS,
    MAINTAINED,
    RECOGNISED,
    TASKS,
    Facts,
    propose,
)
from parindex.frameworks.spec import SpecError, tree_from_data, tree_to_data
from parindex.frameworks.yamlio import load_data
from parindex.scoring.rules import (
    DeductionRule,
    Level,
    LevelsRule,
    ProportionalRule,
    YesNoRule,
)

# The framework names the source -------------------------------------------------------


def _framework(**leaf: Any) -> dict[str, Any]:
    return {
        "group": "so-nganh",
        "year": 2024,
        "title": "Bộ tiêu chí",
        "max_points": 1,
        "nodes": [
            {
                "code": "1",
                "title": "Công tác chỉ đạo, điều hành",
                "max_points": 1,
                "children": [{"code": "1.1", "title": "Khắc phục", "max_points": 1, **leaf}],
            }
        ],
    }


def _codes(error: SpecError) -> list[str]:
    return [issue.code for issue in error.issues]


def test_a_leaf_names_its_source_and_keeps_it_through_yaml_and_excel() -> None:
    tree = tree_from_data(_framework(rule={"type": "yes_no"}, prefill=FINDINGS))
    assert tree.nodes[0].children[0].prefill == FINDINGS
    assert tree_from_data(tree_to_data(tree)) == tree
    assert tree_from_xlsx(tree_to_xlsx(tree)) == tree


def test_the_demo_frameworks_read_back_from_excel_with_their_sources() -> None:
    data = load_data((DEMO_FRAMEWORKS / "so-nganh-2023.yaml").read_bytes())
    tree = tree_from_data(data)
    sources = {node.code: node.prefill for node, _ in tree.walk() if node.prefill}
    assert sources == {
        "1.5.1": RECOGNISED,
        "1.5.2": MAINTAINED,
        "1.6.1": TASKS,
        "1.6.4": FINDINGS,
    }
    assert tree_from_xlsx(tree_to_xlsx(tree)) == tree


@pytest.mark.parametrize(
    ("leaf", "code"),
    [
        ({"rule": {"type": "yes_no"}, "prefill": "kiem_tra"}, "unknown_prefill"),
        ({"rule": {"type": "yes_no"}, "prefill": ["a"]}, "bad_value"),
        ({"rule": {"type": "yes_no"}, "prefill": "x" * 31}, "bad_value"),
        (
            {"rule": {"type": "proportional", "numerator": "a", "denominator": "b"}}
            | {"prefill": RECOGNISED},
            "prefill_rule",
        ),
        ({"rule": {"type": "manual"}, "prefill": TASKS}, "prefill_rule"),
    ],
)
def test_a_source_that_cannot_fill_the_leaf_is_refused_by_name(
    leaf: dict[str, Any], code: str
) -> None:
    with pytest.raises(SpecError) as refused:
        tree_from_data(_framework(**leaf))
    assert code in _codes(refused.value)


def test_only_a_leaf_names_a_source() -> None:
    data = _framework(
        children=[{"code": "1.1.1", "title": "a", "max_points": 1, "rule": {"type": "yes_no"}}],
        prefill=FINDINGS,
    )
    with pytest.raises(SpecError) as refused:
        tree_from_data(data)
    assert "prefill_on_inner_node" in _codes(refused.value)


# From the facts to the leaf's inputs -------------------------------------------------------

ONE = Decimal(1)
LEVELS = LevelsRule(
    levels=(
        Level("Có sáng kiến được công nhận", ONE),
        Level("Có đề xuất nhưng không được công nhận", Decimal("0.25")),
        Level("Không có sáng kiến", Decimal(0)),
    )
)
TWO_LEVELS = LevelsRule(levels=(Level("Có duy trì", ONE), Level("Không duy trì", Decimal(0))))
RATIO = ProportionalRule(numerator="Số nhiệm vụ đã hoàn thành", denominator="Tổng số nhiệm vụ")


def _facts(
    source: str, done: int, of: int, *, applies: bool = True, better: int = 0, pending: int = 0
) -> Facts:
    return Facts(source, 2024, done=done, of=of, applies=applies, better=better, pending=pending)


@pytest.mark.parametrize(
    ("rule", "facts", "expected"),
    [
        (YesNoRule(), _facts(FINDINGS, 3, 3), {"yes": True}),
        (YesNoRule(), _facts(FINDINGS, 2, 3), {"yes": False}),
        (RATIO, _facts(TASKS, 18, 25), {"numerator": Decimal(18), "denominator": Decimal(25)}),
        (DeductionRule(per_occurrence=Decimal("0.25")), _facts(FINDINGS, 1, 3), {"occurrences": 2}),
        (LEVELS, _facts(RECOGNISED, 1, 2), {"level": "Có sáng kiến được công nhận"}),
        (LEVELS, _facts(RECOGNISED, 0, 1), {"level": "Có đề xuất nhưng không được công nhận"}),
        (LEVELS, _facts(RECOGNISED, 0, 0, applies=False), {"level": "Không có sáng kiến"}),
        (YesNoRule(), _facts(RECOGNISED, 0, 0, applies=False), {"yes": False}),
        (LEVELS, _facts(MAINTAINED, 2, 2, better=1), {"level": "Có sáng kiến được công nhận"}),
        (LEVELS, _facts(MAINTAINED, 1, 2), {"level": "Có đề xuất nhưng không được công nhận"}),
        (LEVELS, _facts(MAINTAINED, 0, 2), {"level": "Không có sáng kiến"}),
        (TWO_LEVELS, _facts(MAINTAINED, 1, 2), {"level": "Có duy trì"}),
        (YesNoRule(), _facts(FINDINGS, 0, 0, applies=False), None),
        # submitted, not decided yet: nothing to propose before the council decides
        (LEVELS, _facts(RECOGNISED, 0, 1, pending=1), None),
        (LEVELS, _facts(RECOGNISED, 1, 2, pending=1), {"level": "Có sáng kiến được công nhận"}),
    ],
)
def test_the_facts_become_the_rule_s_inputs(rule: Any, facts: Facts, expected: Any) -> None:
    proposal = propose(rule, facts, allow_not_applicable=False)
    assert not proposal.not_applicable
    if expected is None:
        assert proposal.inputs is None
    else:
        assert proposal.inputs is not None
        given = {key: getattr(proposal.inputs, key) for key in expected}
        assert given == expected


def test_a_unit_not_inspected_is_proposed_not_applicable_where_the_framework_allows_it() -> None:
    proposal = propose(
        YesNoRule(), _facts(FINDINGS, 0, 0, applies=False), allow_not_applicable=True
    )
    assert proposal.not_applicable and proposal.inputs is None
    assert "2024" in proposal.summary
