"""The validator rejects each kind of bad tree and names the node."""

from __future__ import annotations

from decimal import Decimal as D

from parindex.scoring.rules import (
    BonusRule,
    ManualRule,
    RatioTiersRule,
    SurveyRule,
    Tier,
    YesNoRule,
)
from parindex.scoring.tree import Node, Tree, validate_tree, without_rules


def leaf(code: str, points: str, rule: object = None) -> Node:
    return Node(
        code=code,
        title=f"Tiêu chí {code}",
        max_points=D(points),
        rule=rule if rule is not None else YesNoRule(),
    )  # type: ignore[arg-type]


def sound_tree() -> Tree:
    return Tree(
        group="so-nganh",
        year=2023,
        title="Bộ tiêu chí",
        max_points=D(3),
        nodes=[
            Node(
                "1",
                "Chỉ đạo, điều hành",
                D(2),
                children=[
                    Node(
                        "1.1", "Kế hoạch", D(2), children=[leaf("1.1.1", "1"), leaf("1.1.2", "1")]
                    ),
                ],
            ),
            Node("2", "Thể chế", D(1), children=[leaf("2.1", "1", ManualRule())]),
        ],
    )


def problems(tree: Tree) -> set[tuple[str, str]]:
    return {(issue.node, issue.code) for issue in validate_tree(tree)}


def test_a_sound_tree_has_no_problem() -> None:
    assert validate_tree(sound_tree()) == []


def test_a_stated_total_that_disagrees_names_the_node() -> None:
    tree = sound_tree()
    tree.nodes[0].children[0].max_points = D("2.5")
    assert ("1.1", "max_mismatch") in problems(tree)
    tree = sound_tree()
    tree.max_points = D(4)
    assert ("", "max_mismatch") in problems(tree)


def test_duplicate_codes_are_named() -> None:
    tree = sound_tree()
    tree.nodes[0].children[0].children[1].code = "1.1.1"
    assert ("1.1.1", "duplicate_code") in problems(tree)


def test_a_code_outside_its_parent_is_named() -> None:
    tree = sound_tree()
    tree.nodes[1].children[0].code = "3.1"
    assert ("3.1", "code_not_under_parent") in problems(tree)
    tree = sound_tree()
    tree.nodes[0].children[0].children[0].code = "1.1.1.1"
    assert ("1.1.1.1", "code_not_under_parent") in problems(tree)


def test_overlapping_and_gapped_tiers_are_named() -> None:
    overlapping = RatioTiersRule(
        numerator="a",
        denominator="b",
        tiers=(
            Tier(D(0), D(90), D(0), upper_inclusive=True),
            Tier(D(90), D(100), D(1), upper_inclusive=True),
        ),
    )
    gapped = RatioTiersRule(
        numerator="a",
        denominator="b",
        tiers=(
            Tier(D(0), D(80), D(0)),
            Tier(D(90), D(100), D(1), upper_inclusive=True),
        ),
    )
    short = RatioTiersRule(
        numerator="a",
        denominator="b",
        tiers=(
            Tier(D(0), D(90), D(0)),
            Tier(D(90), D(100), D(1)),
        ),
    )
    for rule, code in ((overlapping, "tier_overlap"), (gapped, "tier_gap"), (short, "tier_gap")):
        tree = sound_tree()
        tree.nodes[1].children[0].rule = rule
        assert ("2.1", code) in problems(tree)


def test_leaves_and_inner_nodes_are_told_apart() -> None:
    tree = sound_tree()
    tree.nodes[0].children[0].rule = YesNoRule()
    tree.nodes[1].children[0].rule = None
    found = problems(tree)
    assert ("1.1", "rule_on_inner_node") in found
    assert ("2.1", "leaf_without_rule") in found


def test_bonus_points_are_outside_the_maximum() -> None:
    tree = sound_tree()
    tree.nodes[1].children.append(Node("2.2", "Điểm thưởng", D(0), rule=BonusRule(cap=D(1))))
    assert validate_tree(tree) == []
    tree.nodes[1].children[1].max_points = D(1)
    tree.nodes[1].max_points = D(2)
    tree.max_points = D(4)
    assert ("2.2", "adjustment_has_max") in problems(tree)


def test_too_many_decimals_and_negative_points() -> None:
    tree = sound_tree()
    tree.nodes[1].children[0].max_points = D("1.001")
    assert ("2.1", "too_many_places") in problems(tree)
    tree = sound_tree()
    tree.nodes[0].children[0].children[0].max_points = D(-1)
    assert ("1.1.1", "negative_points") in problems(tree)


def test_a_tree_without_the_leaves_known_only_later() -> None:
    survey = Node("8.1", "SIPAS", D(2), rule=SurveyRule(source="sipas"))
    own = Node("8.2", "Own", D(1), rule=YesNoRule())
    tree = Tree(
        "g",
        2024,
        "t",
        D(4),
        [
            Node("1", "f", D(1), children=[Node("1.1", "x", D(1), rule=YesNoRule())]),
            Node("8", "impact", D(3), children=[survey, own]),
            Node("9", "only surveys", D(0), children=[]),
        ],
    )
    tree.nodes[2].children = [Node("9.1", "staff", D(0), rule=SurveyRule(source="staff"))]
    kept = without_rules(tree, frozenset({"survey", "history"}))
    assert [n.code for n, _d in kept.walk()] == ["1", "1.1", "8", "8.2"]
    assert (kept.max_points, kept.nodes[1].max_points) == (D(2), D(1))
    assert tree.nodes[1].max_points == D(3)  # the original is untouched
